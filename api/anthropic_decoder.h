// Decoding of Anthropic Messages API responses: the `data` of each SSE event of a streamed
// response (one call per event), and whole non-streamed message or error bodies. Kept apart
// from the adapter so that every event rule is unit-tested on its own.
//
// The stream, as Anthropic sends it: message_start (message.usage.input_tokens), then per
// content block content_block_start, content_block_delta x n, content_block_stop, then
// message_delta (delta.stop_reason, usage.output_tokens), then message_stop, the end marker;
// ping may come anywhere, and an `error` event ({"type":"error","error":{"type","message"}})
// may replace the rest. Each event's kind is read from its data's `type` (the SSE `event:`
// name says the same); unknown kinds are ignored, as Anthropic asks of clients.
//
// What counts as generated content (the chunks that set TTFT and give ITL samples): a
// content_block_delta whose delta is a non-empty text_delta `text`, thinking_delta `thinking`
// (extended thinking is output the model spent decode steps on) or input_json_delta
// `partial_json` (a tool call's arguments). signature_delta and citations_delta are not.
//
// Usage: output tokens are message_delta's usage.output_tokens (cumulative: the last wins; the
// output_tokens of message_start is a placeholder and is not believed); input tokens are
// input_tokens + cache_creation_input_tokens + cache_read_input_tokens (Anthropic's
// input_tokens leaves cached prompt tokens out; OpenAI's prompt_tokens counts them), from
// message_start, overridden by a message_delta that carries them. Every count must be a JSON
// integer in 0..kMaxReportedTokens, else the usage is invalid.
//
// Steady state allocates nothing: payloads are parsed by a JsonReader (api/json_reader.h: a
// reused padded buffer and simdjson DOM parser). Strings are copied only for errors and the stop
// reason.
#ifndef LLMLOAD_API_ANTHROPIC_DECODER_H_
#define LLMLOAD_API_ANTHROPIC_DECODER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "api/json_reader.h"
#include "api/response_decoder.h"
#include "api/token_usage.h"
#include "common/error_class.h"
#include "simdjson.h"

namespace llmload {

// What one event's data was.
enum class AnthropicEventKind : uint8_t {
  kContent,    // a content_block_delta carrying generated content
  kOther,      // a valid event without content (message_start, ping, stops, unknown kinds)
  kStop,       // message_stop: the end marker
  kError,      // an `error` event
  kMalformed,  // not a JSON object, no `type`, or a known event whose fields have wrong types
};

struct AnthropicEvent {
  AnthropicEventKind kind = AnthropicEventKind::kOther;
  // For kContent: the delta's text, unescaped. Valid until the next call on the decoder.
  absl::string_view text;
};

// A decoded non-streamed response body.
struct AnthropicBody {
  bool error = false;      // {"type":"error",...}
  bool malformed = false;  // not a JSON object, or not a message
  std::string text;        // the text of its text and thinking blocks, joined
  std::string stop_reason;
  std::optional<TokenUsage> usage;
  bool usage_invalid = false;
  ApiError error_info;  // for `error`
};

// The class an Anthropic error type counts as inside a 2xx response: overloaded_error is
// `overloaded`, anything else `api_error`.
ErrorClass AnthropicErrorClass(absl::string_view error_type);

class AnthropicDecoder {
 public:
  AnthropicDecoder();
  AnthropicDecoder(const AnthropicDecoder&) = delete;
  AnthropicDecoder& operator=(const AnthropicDecoder&) = delete;

  // Decodes one SSE event's data and updates the per-request state below.
  AnthropicEvent Decode(absl::string_view data);
  // Clears the per-request state, keeping buffers.
  void Reset();

  // Per-request state, accumulated over Decode() calls.
  bool stop_seen() const { return stop_seen_; }
  bool error_seen() const { return error_seen_; }
  const ApiError& error() const { return error_; }  // the first error event's
  bool malformed_seen() const { return malformed_seen_; }
  int64_t content_chunks() const { return content_chunks_; }
  absl::string_view stop_reason() const { return stop_reason_; }  // message_delta's, the last
  // Present once a message_delta reported output_tokens (see the header comment).
  std::optional<TokenUsage> usage() const;
  bool usage_invalid() const { return usage_invalid_; }

  // Decodes a whole non-streamed body. Does not touch the per-request stream state.
  AnthropicBody DecodeBody(absl::string_view body);

  // The error of a non-2xx body: {"type":"error","error":{"type","message"}}, else the start
  // of the raw body as the message.
  ApiError DecodeErrorBody(absl::string_view body);

 private:
  // The counts a usage object carried; nullopt where absent or null.
  struct UsageCounts {
    std::optional<int64_t> input, cache_creation, cache_read, output;
  };

  // Merges the counts of `usage` (the field's value) into `*counts` (output_tokens only with
  // `read_output`; it is checked either way); false when it is not an object or a count is
  // not an integer in range.
  static bool ReadUsage(simdjson::dom::element usage, bool read_output, UsageCounts* counts);
  static std::optional<TokenUsage> ToUsage(const UsageCounts& counts);
  AnthropicEventKind DecodeDelta(simdjson::dom::element delta, absl::string_view* text);

  JsonReader json_;

  bool stop_seen_ = false;
  bool error_seen_ = false;
  bool malformed_seen_ = false;
  bool usage_invalid_ = false;
  int64_t content_chunks_ = 0;
  UsageCounts counts_;
  std::string stop_reason_;
  ApiError error_;
};

}  // namespace llmload

#endif  // LLMLOAD_API_ANTHROPIC_DECODER_H_
