// The Ollama native adapters: POST /api/chat ("ollama-chat", the prompt as the only user
// message) and POST /api/generate ("ollama-generate", the prompt as `prompt`). Streamed
// responses are NDJSON (application/x-ndjson, split by NdjsonSplitter): one object per line,
// the last one `done: true` with the token counts and the server's own timings; a non-streamed
// response is that last object alone, holding the whole answer.
//
// Content: a line whose `message.content` (chat) or `response` (generate) is non-empty, else
// whose `thinking` is (thinking models stream their reasoning in `message.thinking` or
// `thinking` before the answer: it is output the server spent decode steps on, as OpenAI's
// reasoning_content is), else a chat line with tool calls. Both shapes are accepted whichever
// API was asked. Usage: `eval_count` (output) and `prompt_eval_count` (input, 0 when absent: a
// cached prompt). Server timings: `total_duration`, `prompt_eval_duration` and `eval_duration`
// (ns), each believed only when it is an integer >= 0. Errors: {"error": "..."} as a line or a
// body.
#ifndef LLMLOAD_API_OLLAMA_ADAPTER_H_
#define LLMLOAD_API_OLLAMA_ADAPTER_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "api/api_adapter.h"
#include "common/workload_spec.h"

namespace llmload {

absl::StatusOr<std::unique_ptr<ApiAdapter>> CreateOllamaChatAdapter(const WorkloadSpec& spec);
absl::StatusOr<std::unique_ptr<ApiAdapter>> CreateOllamaGenerateAdapter(const WorkloadSpec& spec);

// The decoder of Ollama responses, streamed (NDJSON lines of at most `max_bytes`) or not (one
// body of at most `max_bytes`).
std::unique_ptr<ResponseDecoder> NewOllamaResponseDecoder(bool stream, int64_t max_bytes);

}  // namespace llmload

#endif  // LLMLOAD_API_OLLAMA_ADAPTER_H_
