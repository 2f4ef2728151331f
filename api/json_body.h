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

// POST `body` (serialized compactly, fields in the order written) to `url` with `header_lines`.
// Whether a --param of `spec` sets the top-level field `key` (it then wins over a prompt's
// own max_tokens, as it does over --max-tokens).
bool HasParam(const WorkloadSpec& spec, absl::string_view key);

PreparedRequest JsonPost(const std::string& url, const nlohmann::ordered_json& body,
                         const std::vector<std::string>& header_lines);

}  // namespace llmload

#endif  // LLMLOAD_API_JSON_BODY_H_
