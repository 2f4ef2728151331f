// The Anthropic Messages API adapter ("anthropic-messages"): POST /v1/messages with the key in
// x-api-key and an anthropic-version header; streamed responses are SSE events read by
// AnthropicDecoder (anthropic_decoder.h), non-streamed ones one message body. An
// overloaded_error event inside a 200 stream is its own class, `overloaded`.
#ifndef LLMLOAD_API_ANTHROPIC_ADAPTER_H_
#define LLMLOAD_API_ANTHROPIC_ADAPTER_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "api/api_adapter.h"
#include "common/workload_spec.h"

namespace llmload {

// The path a bare --url origin gets.
inline constexpr absl::string_view kAnthropicMessagesPath = "/v1/messages";
// The anthropic-version header sent unless a --header sets one.
inline constexpr absl::string_view kAnthropicVersion = "2023-06-01";
// max_tokens is required by the API: sent when --max-tokens is not given.
inline constexpr int kAnthropicDefaultMaxTokens = 1024;

absl::StatusOr<std::unique_ptr<ApiAdapter>> CreateAnthropicMessagesAdapter(
    const WorkloadSpec& spec);

}  // namespace llmload

#endif  // LLMLOAD_API_ANTHROPIC_ADAPTER_H_
