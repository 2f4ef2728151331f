// RetryPolicy: whether and when a failed request is sent again (--retries, --retry-on,
// --retry-backoff, --retry-backoff-max, --respect-retry-after). Retries are off by default:
// a load test measures what the endpoint does, and a retry turns a failure into latency. When
// they are on, every attempt is counted (IntervalStats::attempts and ::retries), a request's
// latency runs from its first attempt to the end of its last, and its class is its last
// attempt's.
//
// The wait before retry k (k = 1 for the first) is exponential with full jitter: uniform in
// [0, min(backoff_max, backoff * 2^(k-1))], so that users failing together do not come back
// together. A server's Retry-After, when respected, is a floor on that wait.
#ifndef LLMLOAD_COMMON_RETRY_POLICY_H_
#define LLMLOAD_COMMON_RETRY_POLICY_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/error_class.h"

namespace llmload {

// A set of error classes, bit i for ErrorClass i.
using ErrorClassSet = uint32_t;
static_assert(kErrorClassCount <= 32);

inline constexpr ErrorClassSet ErrorClassBit(ErrorClass c) {
  return ErrorClassSet{1} << static_cast<int>(c);
}

// Parses --retry-on: a comma-separated list of error class names (docs/outputs.md) and the
// shorthands 429, 4xx and 5xx. Success and cancelled cannot be retried.
absl::StatusOr<ErrorClassSet> ParseRetryOn(absl::string_view list);

// The names of the classes in `set`, comma-separated, in enum order.
std::string RetryOnText(ErrorClassSet set);

inline constexpr absl::string_view kDefaultRetryOn = "429,5xx,connect,reset,timeout";

struct RetryPolicy {
  int max_retries = 0;  // 0: never retry
  ErrorClassSet retry_on = ErrorClassBit(ErrorClass::kHttp429) |
                           ErrorClassBit(ErrorClass::kHttp5xx) |
                           ErrorClassBit(ErrorClass::kConnect) | ErrorClassBit(ErrorClass::kReset) |
                           ErrorClassBit(ErrorClass::kTimeout);
  absl::Duration backoff = absl::Milliseconds(500);
  absl::Duration backoff_max = absl::Seconds(30);
  // Wait for a 429's or 503's Retry-After, before a retry and (without retries) before the
  // user's next request: hammering a rate-limited API in a tight loop measures nothing.
  bool respect_retry_after = true;

  // Whether a request whose attempt ended in `outcome`, after `retries_done` retries, is
  // sent again.
  bool ShouldRetry(ErrorClass outcome, int retries_done) const {
    return retries_done < max_retries && (retry_on & ErrorClassBit(outcome)) != 0;
  }
  // The wait before retry number `retry` (1-based). `unit` is uniform in [0, 1); a respected
  // `retry_after_ns` is a floor.
  int64_t WaitBeforeRetryNs(int retry, double unit, std::optional<int64_t> retry_after_ns) const;
};

}  // namespace llmload

#endif  // LLMLOAD_COMMON_RETRY_POLICY_H_
