// HttpFetcher: one blocking HTTP exchange before a run starts (the model list, an OAuth access
// token), with the run's TLS settings and timeouts, a bounded body, and an early end when a
// stop signal arrives. Never used on the hot path.
#ifndef LLMLOAD_AGENT_HTTP_FETCH_H_
#define LLMLOAD_AGENT_HTTP_FETCH_H_

#include <cstddef>

#include "absl/status/statusor.h"
#include "api/api_adapter.h"
#include "common/workload_spec.h"

namespace llmload::agent {

class HttpFetcher {
 public:
  static constexpr size_t kMaxBodyBytes = 1 << 20;

  explicit HttpFetcher(const WorkloadSpec& spec) : spec_(spec) {}

  // Sends `request` (its method, header lines and, unless a GET, its body) and returns the
  // status and body, whatever the status. Errors say what happened to "<METHOD> <url>" (the
  // URL redacted): Unavailable when the endpoint cannot be reached (refused, timed out, DNS,
  // TLS); FailedPrecondition for a body over kMaxBodyBytes; Cancelled when a stop signal
  // (SIGINT, SIGTERM, SIGHUP, blocked and left pending: stop_signals.h) arrived meanwhile.
  absl::StatusOr<FetchedResponse> Fetch(const PreparedRequest& request) const;

 private:
  const WorkloadSpec& spec_;
};

}  // namespace llmload::agent

#endif  // LLMLOAD_AGENT_HTTP_FETCH_H_
