#include "common/workload_spec.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/duration.h"

namespace llmload {

absl::string_view SloMetricName(Slo::Metric metric) {
  switch (metric) {
    case Slo::Metric::kTtft:
      return "ttft";
    case Slo::Metric::kTpot:
      return "tpot";
    case Slo::Metric::kItl:
      return "itl";
    case Slo::Metric::kE2e:
      return "e2e";
  }
  return "unknown";
}

absl::StatusOr<Slo> ParseSlo(absl::string_view text) {
  size_t eq = text.find('=');
  if (eq == absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--slo: '", text, "' must look like ttft=500ms (metrics: ttft, tpot, itl, e2e)"));
  }
  std::string name = absl::AsciiStrToLower(text.substr(0, eq));
  Slo slo;
  if (name == "ttft") {
    slo.metric = Slo::Metric::kTtft;
  } else if (name == "tpot") {
    slo.metric = Slo::Metric::kTpot;
  } else if (name == "itl") {
    slo.metric = Slo::Metric::kItl;
  } else if (name == "e2e" || name == "latency") {
    slo.metric = Slo::Metric::kE2e;
  } else {
    return absl::InvalidArgumentError(absl::StrCat("--slo: unknown metric '", name, "' in '", text,
                                                   "' (use ttft, tpot, itl or e2e)"));
  }
  absl::StatusOr<absl::Duration> limit = ParseDuration(text.substr(eq + 1), "--slo");
  if (!limit.ok()) return limit.status();
  slo.limit = *limit;
  return slo;
}

}  // namespace llmload
