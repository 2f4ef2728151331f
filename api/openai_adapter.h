// The OpenAI adapters: chat/completions ("openai-chat") and completions
// ("openai-completions"), spoken by vLLM, SGLang, TGI's Messages API, Ollama's /v1, llama.cpp
// and most hosted APIs. Requests come from openai_request.h; streamed responses are SSE events
// decoded by OpenAiStreamDecoder, non-streamed ones one JSON body.
#ifndef LLMLOAD_API_OPENAI_ADAPTER_H_
#define LLMLOAD_API_OPENAI_ADAPTER_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "api/api_adapter.h"
#include "api/openai_api.h"
#include "common/workload_spec.h"

namespace llmload {

absl::StatusOr<std::unique_ptr<ApiAdapter>> CreateOpenAiChatAdapter(const WorkloadSpec& spec);
absl::StatusOr<std::unique_ptr<ApiAdapter>> CreateOpenAiCompletionsAdapter(
    const WorkloadSpec& spec);

// The decoder of OpenAI responses, streamed (SSE, each event at most `max_bytes`) or not (one
// body of at most `max_bytes`). Also used by adapters of OpenAI-shaped APIs.
std::unique_ptr<ResponseDecoder> NewOpenAiResponseDecoder(bool stream, int64_t max_bytes);

}  // namespace llmload

#endif  // LLMLOAD_API_OPENAI_ADAPTER_H_
