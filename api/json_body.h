// The JSON request bodies adapters build once per prompt: a --param value (already JSON, see
// ParseExtraParam) as a JSON value, and a body with its URL and header lines as the
// PreparedRequest the engine sends. Invalid UTF-8 in a prompt becomes U+FFFD rather than
// failing the request.
#ifndef LLMLOAD_API_JSON_BODY_H_
#define LLMLOAD_API_JSON_BODY_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "api/api_adapter.h"
#include "common/workload_spec.h"
#include "nlohmann/json.hpp"

namespace llmload {

// A --param value as JSON; text that is not JSON (a hand-made spec) as a JSON string.
nlohmann::ordered_json ParamJson(const std::string& json);

// Whether a --param of `spec` sets the top-level field `key` (it then wins over a prompt's
// own max_tokens, as it does over --max-tokens).
bool HasParam(const WorkloadSpec& spec, absl::string_view key);

// A chat request's `messages` in the OpenAI shape, [{"role": ..., "content": ...}, ...]: the
// prompt's history (common/prompt.h), its system messages too unless `with_system` is false
// (for APIs that take the system prompt in a field of its own), then the prompt's text as the
// user's message.
nlohmann::ordered_json ChatMessagesJson(const Prompt& prompt, bool with_system = true);

// The prompt's system messages, joined with newlines; "" when it has none.
std::string SystemPromptOf(const Prompt& prompt);

// POST `body` (serialized compactly, fields in the order written) to `url` with `header_lines`.
PreparedRequest JsonPost(const std::string& url, const nlohmann::ordered_json& body,
                         const std::vector<std::string>& header_lines);

}  // namespace llmload

#endif  // LLMLOAD_API_JSON_BODY_H_
