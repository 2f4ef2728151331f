// The Hugging Face Text Generation Inference adapter ("tgi"): POST /generate_stream (SSE, one
// event per generated token) or, with --no-stream, POST /generate (one JSON body). The body is
// {"inputs": prompt, "parameters": {...}, "stream": bool}; `parameters` always asks for
// `details`, so the token counts come from the server.
//
// Streamed events: {"token": {"id", "text", "logprob", "special"}, "generated_text": null,
// "details": null}. Content is a token with `special` false and non-empty text, one token each
// (ContentChunk::tokens = 1); special tokens (</s>, <|eot_id|>) are not content. The end marker
// is the event whose `generated_text` or `details` is not null (it still carries a token);
// its details give `generated_tokens` (output) and, from TGI 2, `input_length` (input; older
// servers' `prompt_tokens` is read too). Non-streamed: {"generated_text", "details": {...}},
// input tokens only from a non-empty `details.prefill` (asked with decoder_input_details).
// Errors: {"error": "...", "error_type": "..."} as an event or a body (TGI's 422 validation,
// 424 generation, 429 overloaded); an `overloaded` event inside a 200 stream counts as
// http_429. TGI reports its timings only in response headers (x-compute-time, x-queue-time,
// x-inference-time, x-time-per-token, ...; on /generate only), which are not read: no server
// timings.
#ifndef LLMLOAD_API_TGI_ADAPTER_H_
#define LLMLOAD_API_TGI_ADAPTER_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "api/api_adapter.h"
#include "common/workload_spec.h"

namespace llmload {

absl::StatusOr<std::unique_ptr<ApiAdapter>> CreateTgiAdapter(const WorkloadSpec& spec);

// The decoder of TGI responses, streamed (SSE events of at most `max_bytes`) or not (one body
// of at most `max_bytes`).
std::unique_ptr<ResponseDecoder> NewTgiResponseDecoder(bool stream, int64_t max_bytes);

}  // namespace llmload

#endif  // LLMLOAD_API_TGI_ADAPTER_H_
