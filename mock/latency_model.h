// LatencyModel: how long the mock waits before the first token (TTFT) and between tokens
// (ITL). A mean and a distribution: constant (the default: exact, for checking a load
// tester's measurements), uniform or normal with a given standard deviation, or exponential
// (standard deviation = mean). Samples are clamped at zero.
#ifndef LLMLOAD_MOCK_LATENCY_MODEL_H_
#define LLMLOAD_MOCK_LATENCY_MODEL_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "mock/random.h"

namespace llmload::mock {

enum class LatencyDistribution { kConstant, kUniform, kNormal, kExponential };

// "constant", "uniform", "normal", "exponential" (the flag values).
absl::StatusOr<LatencyDistribution> ParseLatencyDistribution(absl::string_view name,
                                                             absl::string_view what);
std::string LatencyDistributionName(LatencyDistribution d);

struct LatencyModel {
  absl::Duration mean = absl::ZeroDuration();
  LatencyDistribution distribution = LatencyDistribution::kConstant;
  // Used by uniform (range mean +- sqrt(3)*stddev, so the deviation matches) and normal.
  absl::Duration stddev = absl::ZeroDuration();

  // One sample in nanoseconds, >= 0.
  int64_t SampleNanos(Rng& rng) const;
};

}  // namespace llmload::mock

#endif  // LLMLOAD_MOCK_LATENCY_MODEL_H_
