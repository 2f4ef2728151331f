// The process' open-file limit (RLIMIT_NOFILE) against what a run needs: every running user
// holds a connection, and a process out of descriptors fails its connects with EMFILE, which
// would be counted as the endpoint's `connect` errors. Processes that open many sockets (run,
// agent, mock) raise the soft limit to the hard limit at start, and run and agent warn once when
// even that is below what their users need.
#ifndef LLMLOAD_COMMON_FD_LIMIT_H_
#define LLMLOAD_COMMON_FD_LIMIT_H_

#include <cstdint>
#include <optional>
#include <string>

namespace llmload {

// Descriptors a process needs beyond one per user: epoll and event fds, the resolver, gRPC,
// /metrics, output files, stdio.
inline constexpr int64_t kFdSlack = 64;

struct FdLimits {
  uint64_t soft = 0;
  uint64_t hard = 0;  // RLIM_INFINITY when unlimited
};

// Raises the soft limit to the hard limit (best effort) and returns the limits now in force.
FdLimits RaiseFdLimit();

// The warning to print when `limit` (the soft limit in force) is too low for `users` users
// on one process, each holding `fds_per_user` descriptors (2 when the endpoint is the built-in
// mock in the same process), or nothing when it is enough. Pure, for tests.
std::optional<std::string> FdLimitWarning(int64_t users, const FdLimits& limit,
                                          int fds_per_user = 1);

}  // namespace llmload

#endif  // LLMLOAD_COMMON_FD_LIMIT_H_
