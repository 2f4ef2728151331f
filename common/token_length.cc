#include "common/token_length.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace llmload {

double TokenLength::expected() const {
  if (kind == Kind::kUniform) return (static_cast<double>(low) + static_cast<double>(high)) / 2;
  return static_cast<double>(mean);
}

int64_t TokenLength::upper() const {
  if (kind == Kind::kUniform) return high;
  if (kind == Kind::kNormal) {
    return static_cast<int64_t>(std::min(static_cast<double>(mean) + std::ceil(6 * stddev), 9e18));
  }
  return mean;
}

std::string TokenLength::ToString() const {
  switch (kind) {
    case Kind::kFixed:
      return absl::StrCat(mean);
    case Kind::kNormal:
      return absl::StrFormat("%d±%g", mean, stddev);
    case Kind::kUniform:
      return absl::StrCat("uniform:", low, ",", high);
  }
  return "";
}

int64_t TokenLength::Draw(SplitMix64Generator& gen, int64_t min, int64_t max) const {
  int64_t n = mean;
  if (kind == Kind::kUniform) {
    n = low + static_cast<int64_t>(gen.Below(static_cast<uint32_t>(high - low + 1)));
  } else if (kind == Kind::kNormal) {
    // Box-Muller from two uniforms in (0, 1]: our own, so the draws do not depend on the
    // standard library.
    const double u1 = (static_cast<double>(gen.Next() >> 11) + 1) * 0x1.0p-53;
    const double u2 = static_cast<double>(gen.Next() >> 11) * 0x1.0p-53;
    const double z = std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
    n = std::llround(static_cast<double>(mean) + stddev * z);
  }
  return std::clamp(n, min, std::max(min, std::min(max, upper())));
}

absl::StatusOr<TokenLength> ParseTokenLength(absl::string_view flag, int64_t tokens, double stddev,
                                             absl::string_view dist, int64_t max) {
  auto bad = [&](auto... parts) {
    return absl::InvalidArgumentError(absl::StrCat(flag, parts...));
  };
  TokenLength out;
  if (!dist.empty()) {
    if (tokens > 0 || stddev != 0) {
      return bad("-dist: give either ", flag, " (with ", flag, "-stddev) or ", flag,
                 "-dist, not both");
    }
    std::vector<absl::string_view> range;
    if (absl::StartsWith(dist, "uniform:")) {
      range = absl::StrSplit(dist.substr(8), ',');
    }
    int64_t low = 0, high = 0;
    if (range.size() != 2 || !absl::SimpleAtoi(range[0], &low) ||
        !absl::SimpleAtoi(range[1], &high)) {
      return bad("-dist: '", dist,
                 "' is not a distribution (use uniform:A,B, e.g. uniform:100,900)");
    }
    if (low < 1 || high < low || high > max) {
      return bad("-dist: '", dist, "' must have 1 <= A <= B <= ", max);
    }
    out.kind = TokenLength::Kind::kUniform;
    out.low = low;
    out.high = high;
    return out;
  }
  if (tokens < 1 || tokens > max) return bad(": must be 1..", max, " tokens, got ", tokens);
  out.mean = tokens;
  if (!std::isfinite(stddev) || stddev < 0 || stddev > static_cast<double>(max)) {
    return bad("-stddev: must be a number of tokens from 0 to ", max, ", got ", stddev);
  }
  if (stddev > 0) {
    out.kind = TokenLength::Kind::kNormal;
    out.stddev = stddev;
  }
  return out;
}

}  // namespace llmload
