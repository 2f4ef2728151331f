#include "common/retry_policy.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace llmload {

absl::StatusOr<ErrorClassSet> ParseRetryOn(absl::string_view list) {
  ErrorClassSet set = 0;
  for (absl::string_view item : absl::StrSplit(list, ',')) {
    item = absl::StripAsciiWhitespace(item);
    if (item.empty()) continue;
    std::optional<ErrorClass> c;
    if (item == "429") {
      c = ErrorClass::kHttp429;
    } else if (item == "4xx") {
      c = ErrorClass::kHttp4xx;
    } else if (item == "5xx") {
      c = ErrorClass::kHttp5xx;
    } else {
      c = ErrorClassFromName(item);
    }
    if (!c || *c == ErrorClass::kSuccess || *c == ErrorClass::kCancelled) {
      return absl::InvalidArgumentError(
          absl::StrCat("--retry-on: '", item,
                       "' is not an error class (e.g. 429, 4xx, 5xx, connect, reset, timeout, "
                       "truncated_stream; see docs/outputs.md)"));
    }
    set |= ErrorClassBit(*c);
  }
  if (set == 0) return absl::InvalidArgumentError("--retry-on: name at least one error class");
  return set;
}

std::string RetryOnText(ErrorClassSet set) {
  std::vector<absl::string_view> names;
  for (int i = 0; i < kErrorClassCount; ++i) {
    if (set & (ErrorClassSet{1} << i)) names.push_back(ErrorClassName(static_cast<ErrorClass>(i)));
  }
  return absl::StrJoin(names, ",");
}

int64_t RetryPolicy::WaitBeforeRetryNs(int retry, double unit,
                                       std::optional<int64_t> retry_after_ns) const {
  const double base = static_cast<double>(absl::ToInt64Nanoseconds(backoff));
  const double cap = static_cast<double>(absl::ToInt64Nanoseconds(backoff_max));
  // 2^(retry-1) in floating point: no overflow however many retries are asked for.
  const double ceiling = std::min(cap, base * std::exp2(std::max(0, retry - 1)));
  int64_t wait = static_cast<int64_t>(std::clamp(unit, 0.0, 1.0) * ceiling);
  if (respect_retry_after && retry_after_ns.has_value()) wait = std::max(wait, *retry_after_ns);
  return std::max<int64_t>(0, wait);
}

}  // namespace llmload
