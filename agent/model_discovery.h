// Finds the model to ask for when the user gave none, the way vLLM's benchmark does: the
// first id listed by GET <base>/v1/models. One blocking request at start-up, never on the
// hot path.
#ifndef LLMLOAD_AGENT_MODEL_DISCOVERY_H_
#define LLMLOAD_AGENT_MODEL_DISCOVERY_H_

#include <string>

#include "absl/status/statusor.h"
#include "common/workload_spec.h"

namespace llmload::agent {

// `spec.url` is the full endpoint URL; its /v1/models sibling is asked, with the run's
// headers and API key. Unavailable when the endpoint cannot be reached at all (refused,
// timed out, DNS, TLS); FailedPrecondition when it answers without a usable model list (or
// with a body over 1 MiB); Cancelled when a stop signal (SIGINT, SIGTERM, SIGHUP, blocked
// and left pending: stop_signals.h) arrived during the lookup. The id is returned as the
// server spelled it (requests must name it so); print it through TerminalSafe().
absl::StatusOr<std::string> DiscoverModel(const WorkloadSpec& spec);

// Fills `spec->model` by DiscoverModel() when it is empty and its API lists models
// (api/api_table.h; the others require --model). An endpoint that cannot be reached
// is not fatal, as for any other unreachable URL: the run goes on with no "model" field in
// its requests (they fail as `connect`, and are counted) and `*warning` says so. An endpoint
// that answers without a usable model list is an error.
absl::Status FillModelIfMissing(WorkloadSpec* spec, std::string* warning);

// The model-list URL next to an endpoint URL: the path up to its "/v1" segment plus
// "/models", or the origin plus "/v1/models" when there is no such segment. The query
// string is dropped.
std::string ModelsUrl(const std::string& endpoint_url);

}  // namespace llmload::agent

#endif  // LLMLOAD_AGENT_MODEL_DISCOVERY_H_
