// TokenLength: how long the prompts or replies of a synthetic dataset are, in tokens
// (`--input-tokens N`, with `--input-tokens-stddev S` or `--input-tokens-dist uniform:a,b`; the
// same for --output-tokens): one fixed length, a normal spread around it, or a uniform range.
// Draws come from our own SplitMix64 (common/splitmix64.h), so a seed gives the same lengths
// on every platform.
#ifndef LLMLOAD_COMMON_TOKEN_LENGTH_H_
#define LLMLOAD_COMMON_TOKEN_LENGTH_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/splitmix64.h"

namespace llmload {

struct TokenLength {
  enum class Kind { kFixed, kNormal, kUniform };
  Kind kind = Kind::kFixed;
  int64_t mean = 0;   // kFixed: the length; kNormal: the mean
  double stddev = 0;  // kNormal
  int64_t low = 0;    // kUniform: both ends included
  int64_t high = 0;

  // The mean of the lengths drawn (before clamping).
  double expected() const;
  // The longest length Draw() gives: a normal spread is cut at 6 standard deviations above
  // its mean, so that a bound on the total holds whatever the draws.
  int64_t upper() const;
  // "512", "512±64" or "uniform:100,900": for reports.
  std::string ToString() const;
  // One length, clamped to [min, min(max, upper())].
  int64_t Draw(SplitMix64Generator& gen, int64_t min, int64_t max) const;

  friend bool operator==(const TokenLength&, const TokenLength&) = default;
};

// The length of `flag` (e.g. "--input-tokens") from its three flags: `tokens` (0: not given),
// `stddev` (0: none) and `dist` ("" or "uniform:A,B"). Lengths must be in [1, max]. The
// errors name the flag and the value.
absl::StatusOr<TokenLength> ParseTokenLength(absl::string_view flag, int64_t tokens, double stddev,
                                             absl::string_view dist, int64_t max);

}  // namespace llmload

#endif  // LLMLOAD_COMMON_TOKEN_LENGTH_H_
