#include "mock/latency_model.h"

#include <cmath>
#include <random>

#include "absl/strings/str_cat.h"

namespace llmload::mock {

absl::StatusOr<LatencyDistribution> ParseLatencyDistribution(absl::string_view name,
                                                             absl::string_view what) {
  if (name == "constant") return LatencyDistribution::kConstant;
  if (name == "uniform") return LatencyDistribution::kUniform;
  if (name == "normal") return LatencyDistribution::kNormal;
  if (name == "exponential") return LatencyDistribution::kExponential;
  return absl::InvalidArgumentError(absl::StrCat(
      what, ": '", name, "' is not a distribution (use constant, uniform, normal, exponential)"));
}

std::string LatencyDistributionName(LatencyDistribution d) {
  switch (d) {
    case LatencyDistribution::kConstant:
      return "constant";
    case LatencyDistribution::kUniform:
      return "uniform";
    case LatencyDistribution::kNormal:
      return "normal";
    case LatencyDistribution::kExponential:
      return "exponential";
  }
  return "constant";
}

int64_t LatencyModel::SampleNanos(Rng& rng) const {
  const double mean_ns = absl::ToDoubleNanoseconds(mean);
  const double sd_ns = absl::ToDoubleNanoseconds(stddev);
  double v = mean_ns;
  switch (distribution) {
    case LatencyDistribution::kConstant:
      break;
    case LatencyDistribution::kUniform:
      v = mean_ns + (rng.Uniform() * 2.0 - 1.0) * std::sqrt(3.0) * sd_ns;
      break;
    case LatencyDistribution::kNormal:
      if (sd_ns > 0) v = std::normal_distribution<double>(mean_ns, sd_ns)(rng);
      break;
    case LatencyDistribution::kExponential:
      if (mean_ns > 0) v = -std::log1p(-rng.Uniform()) * mean_ns;
      break;
  }
  return v <= 0 ? 0 : static_cast<int64_t>(std::llround(v));
}

}  // namespace llmload::mock
