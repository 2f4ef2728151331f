#include "agent/engine_shared.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/openai_request.h"

namespace llmload::agent {

absl::StatusOr<std::unique_ptr<EngineShared>> MakeEngineShared(const WorkloadSpec& spec,
                                                               uint32_t agent_index) {
  if (spec.url.empty()) return absl::InvalidArgumentError("no endpoint URL");
  if (spec.prompts.empty()) return absl::InvalidArgumentError("no prompt to send");
  auto shared = std::make_unique<EngineShared>();
  shared->spec = spec;
  shared->agent_index = agent_index;

  OpenAiRequestSpec request;
  request.api = spec.api;
  request.model = spec.model;
  if (spec.max_tokens) request.max_tokens = *spec.max_tokens;
  request.temperature = spec.temperature;
  request.stream = spec.stream;
  request.include_usage = spec.include_usage;
  for (const auto& [key, json] : spec.params) request.extra_params.push_back(ExtraParam{key, json});
  shared->bodies.reserve(spec.prompts.size());
  for (const Prompt& p : spec.prompts) shared->bodies.push_back(BuildRequestBody(request, p.text));

  bool has_content_type = false;
  for (const auto& [name, value] : spec.headers) {
    if (absl::EqualsIgnoreCase(name, "content-type")) has_content_type = true;
    // BuildWorkloadSpec refuses this pair; a spec from elsewhere must not send two either.
    if (absl::EqualsIgnoreCase(name, "authorization") && !spec.api_key.empty()) {
      return absl::InvalidArgumentError(
          "an Authorization header and an API key: give only one (both would be sent)");
    }
    shared->header_lines.push_back(absl::StrCat(name, ": ", value));
  }
  if (!has_content_type) shared->header_lines.push_back("Content-Type: application/json");
  if (spec.stream) shared->header_lines.push_back("Accept: text/event-stream");
  // libcurl would otherwise send "Expect: 100-continue" for larger bodies and wait a round
  // trip (or a second) before sending them, which inflates TTFT for long prompts.
  shared->header_lines.push_back("Expect:");
  if (!spec.api_key.empty()) {
    shared->header_lines.push_back(absl::StrCat("Authorization: Bearer ", spec.api_key));
  }
  return shared;
}

}  // namespace llmload::agent
