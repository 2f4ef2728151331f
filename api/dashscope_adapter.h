// The DashScope adapter ("dashscope"): Alibaba Cloud Model Studio's native text-generation API
// (Qwen models), POST /api/v1/services/aigc/text-generation/generation. The prompt goes in
// input.messages; generation settings and every --param go in `parameters`. Streaming asks for
// SSE with the X-DashScope-SSE header and for incremental output; each event is one JSON object
// with output.choices[0].message.content, a finish_reason that is the string "null" until the
// last event, and running usage totals. Non-streamed, the same object comes once.
//
// Errors are {"code", "message", "request_id"}, as a non-2xx body or as an `error` event in a
// stream; a Throttling* code counts as http_429 (the API's rate limiting), any other as
// api_error.
#ifndef LLMLOAD_API_DASHSCOPE_ADAPTER_H_
#define LLMLOAD_API_DASHSCOPE_ADAPTER_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "api/api_adapter.h"
#include "common/error_class.h"
#include "common/workload_spec.h"

namespace llmload {

absl::StatusOr<std::unique_ptr<ApiAdapter>> CreateDashScopeAdapter(const WorkloadSpec& spec);

// The decoder of DashScope responses, streamed (SSE, each event at most `max_bytes`) or not
// (one body of at most `max_bytes`). `incremental`: each streamed event carries only its new
// text, as the adapter asks; false (--param incremental_output=false): each event repeats the
// whole text so far and its content is the new suffix (api/cumulative_text.h).
std::unique_ptr<ResponseDecoder> NewDashScopeResponseDecoder(bool stream, bool incremental,
                                                             int64_t max_bytes);

// The class an error `code` counts as: http_429 for Throttling, Throttling.RateQuota,
// Throttling.AllocationQuota, ...; api_error otherwise.
ErrorClass DashScopeErrorClass(absl::string_view code);

}  // namespace llmload

#endif  // LLMLOAD_API_DASHSCOPE_ADAPTER_H_
