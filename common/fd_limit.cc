#include "common/fd_limit.h"

#include <sys/resource.h>

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace llmload {

FdLimits RaiseFdLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return FdLimits{RLIM_INFINITY, RLIM_INFINITY};
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return FdLimits{limit.rlim_cur, limit.rlim_max};
}

std::optional<std::string> FdLimitWarning(int64_t users, const FdLimits& limit, int fds_per_user) {
  if (limit.soft == RLIM_INFINITY || users < 0) return std::nullopt;
  const uint64_t needed = static_cast<uint64_t>(users) * std::max(1, fds_per_user) + kFdSlack;
  if (limit.soft >= needed) return std::nullopt;
  return absl::StrCat(
      "the open-file limit is ", limit.soft, " (hard limit ",
      limit.hard == RLIM_INFINITY ? std::string("unlimited") : absl::StrCat(limit.hard), ") but ",
      users, " users need about ", needed,
      fds_per_user > 1 ? " (a connection each, both ends in this process)" : " (a connection each)",
      ": past the limit, connects fail with 'Too many open files' and "
      "count as connect errors. Raise it, e.g. `ulimit -n ",
      needed,
      "` (as root, or raise the hard limit in /etc/security/limits.conf or the "
      "container's ulimits), or spread the users over more agents");
}

}  // namespace llmload
