// The two clocks llmload uses. Latencies come only from the monotonic clock, read on the
// event loop as bytes arrive; wall time is for report timestamps and interval labels.
#ifndef LLMLOAD_COMMON_CLOCK_H_
#define LLMLOAD_COMMON_CLOCK_H_

#include <time.h>

#include <cstdint>

namespace llmload {

// CLOCK_MONOTONIC in nanoseconds (a vDSO call, ~20 ns, no syscall).
inline int64_t MonotonicNowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// CLOCK_REALTIME in nanoseconds since the Unix epoch.
inline int64_t WallNowNs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

inline constexpr int64_t kNsPerSecond = 1'000'000'000;
inline constexpr int64_t kNsPerMs = 1'000'000;

// A kernel receive timestamp (SO_TIMESTAMPNS stamps with the wall clock) on the monotonic
// clock: now, less the stamp's age. Never later than now.
inline int64_t MonotonicFromWallStamp(const timespec& stamp) {
  const int64_t age = WallNowNs() - (int64_t{stamp.tv_sec} * kNsPerSecond + stamp.tv_nsec);
  return MonotonicNowNs() - (age > 0 ? age : 0);
}

}  // namespace llmload

#endif  // LLMLOAD_COMMON_CLOCK_H_
