// Building requests for OpenAI-compatible endpoints (vLLM, SGLang, TGI, Ollama, llama.cpp,
// hosted APIs): the JSON body for one prompt and the endpoint URL. Bodies are built once per
// prompt and can be cached by the caller; nothing here is on the per-token path.
#ifndef LLMLOAD_AGENT_OPENAI_REQUEST_H_
#define LLMLOAD_AGENT_OPENAI_REQUEST_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "api/openai_api.h"
#include "common/prompt.h"

namespace llmload {

// One extra body field from `--param key=value`. `json` is the serialized JSON value.
struct ExtraParam {
  std::string key;
  std::string json;
};

// Parses `key=value`: the value is taken as JSON when it parses as JSON (numbers, true/false,
// null, objects, arrays, quoted strings), otherwise as a plain string, so `--param top_p=0.9`
// sends a number and `--param user=alice` a string. Fails on a missing '=' or an empty key.
absl::StatusOr<ExtraParam> ParseExtraParam(absl::string_view key_equals_value);

struct OpenAiRequestSpec {
  OpenAiApi api = OpenAiApi::kChat;
  std::string model;
  std::optional<int64_t> max_tokens;  // omitted from the body when unset
  std::optional<double> temperature;  // omitted from the body when unset
  bool stream = true;
  // Adds "stream_options":{"include_usage":true} so the server reports token counts at the end
  // of the stream (METRICS.md prefers server counts). Only sent when streaming: OpenAI rejects
  // stream_options on a non-streaming request.
  bool include_usage = true;
  // Written last, so a param may override a field above (e.g. max_tokens, or stream_options for
  // a server that rejects it).
  std::vector<ExtraParam> extra_params;
};

// The request body for `prompt`: chat sends {"role":"user","content":prompt} as the only
// message, completions sends "prompt". Prompts may hold any UTF-8 text; escaping is exact.
// Invalid UTF-8 in the prompt is replaced with U+FFFD rather than failing the request.
std::string BuildRequestBody(const OpenAiRequestSpec& spec, absl::string_view prompt);
// The same for a prompt with a chat history (common/prompt.h): the chat API sends the history
// before the prompt; the completions API has no messages and sends the prompt's text alone.
std::string BuildRequestBody(const OpenAiRequestSpec& spec, const Prompt& prompt);

// "/v1/chat/completions" or "/v1/completions".
absl::string_view DefaultPath(OpenAiApi api);

// The URL to POST to, from the user's --url: ResolveApiUrl (endpoint_url.h) with DefaultPath.
absl::StatusOr<std::string> ResolveEndpointUrl(absl::string_view base_url, OpenAiApi api);

}  // namespace llmload

#endif  // LLMLOAD_AGENT_OPENAI_REQUEST_H_
