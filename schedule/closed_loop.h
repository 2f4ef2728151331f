// Closed loop: where and when each virtual user of an engine starts (each user then loops
// request, think time, request). The open-loop arrival processes live beside it. Engine-wide user
// `global` lives on event-loop thread `global % threads` and, when a target raises the user count
// from `previous_target`, starts at ramp_start + (global - previous_target) / spawn_rate. Every
// thread computes its own users' times from the same numbers, so the engine-wide ramp is
// exact (one user every 1/rate seconds, in order) with no coordination between threads.
#ifndef LLMLOAD_SCHEDULE_CLOSED_LOOP_H_
#define LLMLOAD_SCHEDULE_CLOSED_LOOP_H_

#include <cstdint>

namespace llmload::schedule {

inline int ThreadOfUser(int64_t global, int threads) { return static_cast<int>(global % threads); }
inline int64_t GlobalUser(int64_t local, int thread, int threads) {
  return local * threads + thread;
}
// How many of the first `users` engine-wide users live on `thread`.
inline int64_t UsersOnThread(int64_t users, int thread, int threads) {
  return users > thread ? (users - thread + threads - 1) / threads : 0;
}

// A start time that never comes: what SpawnAtNs saturates to.
inline constexpr int64_t kNeverNs = INT64_MAX;

// Start time of user `global`. Users below `previous_target` that are (re)started start at
// once; a spawn rate <= 0 means "all at once". A time beyond the int64 range (a tiny rate such
// as 1e-12 users/s puts the second user 31,000 years away) is kNeverNs, never a wrapped value.
int64_t SpawnAtNs(int64_t global, int64_t previous_target, double spawn_rate,
                  int64_t ramp_start_ns);

}  // namespace llmload::schedule

#endif  // LLMLOAD_SCHEDULE_CLOSED_LOOP_H_
