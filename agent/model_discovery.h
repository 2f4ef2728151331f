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
// headers and API key.
absl::StatusOr<std::string> DiscoverModel(const WorkloadSpec& spec);

// The model-list URL next to an endpoint URL: the path up to its "/v1" segment plus
// "/models", or the origin plus "/v1/models" when there is no such segment. The query
// string is dropped.
std::string ModelsUrl(const std::string& endpoint_url);

}  // namespace llmload::agent

#endif  // LLMLOAD_AGENT_MODEL_DISCOVERY_H_
