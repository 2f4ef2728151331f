// Decoding of OpenAI-compatible responses: the `data` payload of each SSE event of a streamed
// chat/completions response (one call per event, from the agent's write callback), and whole
// non-streamed response or error bodies.
//
// What counts as generated content (the chunks that set TTFT and give ITL samples, METRICS.md):
// a choice with a non-empty `delta.content`, `delta.reasoning_content` or `delta.reasoning`
// (reasoning models stream their thinking there, and it is generated output the server spent
// decode steps on), non-empty `delta.tool_calls[].function.arguments`, or (completions) a
// non-empty `text`. The role-only first chunk, empty deltas and finish-only chunks are not.
// Both chat and completions shapes are accepted whichever API was asked, since servers differ.
//
// Steady state allocates nothing: payloads are parsed by a JsonReader (api/json_reader.h: a
// reused padded buffer and simdjson DOM parser; the DOM validates the whole chunk, so a
// malformed one is always caught). Strings are copied only for errors and finish reasons.
#ifndef LLMLOAD_API_OPENAI_STREAM_DECODER_H_
#define LLMLOAD_API_OPENAI_STREAM_DECODER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "api/json_reader.h"
#include "api/response_decoder.h"
#include "api/token_usage.h"

namespace llmload {

// What one SSE data payload was.
enum class ChunkKind : uint8_t {
  kContent,    // carried generated content: a token for TTFT / ITL
  kEmpty,      // valid chunk without content (role-only, empty delta, finish-only, usage-only)
  kDone,       // the "[DONE]" sentinel
  kError,      // an error payload: {"error": ...} or {"object": "error", ...}
  kMalformed,  // not JSON, or JSON that is not an object
};

absl::string_view ChunkKindName(ChunkKind kind);

struct ChunkInfo {
  ChunkKind kind = ChunkKind::kEmpty;
  bool has_finish_reason = false;  // a choice carried a non-null finish_reason
  bool has_usage = false;          // the chunk carried usage (see TokenUsage)
  // For kContent: the first choice's generated text (content, else reasoning, else tool call
  // arguments, else completions text), unescaped. Valid until the next call on the decoder.
  absl::string_view text;
};

// A decoded non-streaming response body (chat.completion or text_completion).
struct ResponseInfo {
  ChunkKind kind = ChunkKind::kEmpty;  // kContent, kEmpty, kError or kMalformed; never kDone
  std::string text;                    // the first choice's content (or text for completions)
  std::string finish_reason;
  std::optional<TokenUsage> usage;
  bool usage_invalid = false;  // `usage` was there with a count that is not an integer
  ApiError error;              // for kError
};

class OpenAiStreamDecoder {
 public:
  OpenAiStreamDecoder();
  OpenAiStreamDecoder(const OpenAiStreamDecoder&) = delete;
  OpenAiStreamDecoder& operator=(const OpenAiStreamDecoder&) = delete;

  // Decodes one SSE event's data and updates the per-request state below.
  ChunkInfo Decode(absl::string_view data);

  // Clears the per-request state for the next request, keeping buffers.
  void Reset();

  // Per-request state, accumulated over Decode() calls.
  int64_t content_chunks() const { return content_chunks_; }
  int64_t content_bytes() const { return content_bytes_; }  // bytes of ChunkInfo::text, summed
  int64_t chunks() const { return chunks_; }                // every Decode() call
  bool done_seen() const { return done_seen_; }
  bool finish_seen() const { return !finish_reason_.empty(); }
  absl::string_view finish_reason() const { return finish_reason_; }  // the last one seen
  // Present when the server sent `usage` with an integer completion_tokens; the last one seen.
  const std::optional<TokenUsage>& usage() const { return usage_; }
  // Some chunk carried a `usage` whose counts are not integers (1.5, "12", true) or that is not
  // an object: the request's usage cannot be trusted, even if a later chunk looks fine.
  bool usage_invalid() const { return usage_invalid_; }
  bool error_seen() const { return error_seen_; }
  const ApiError& error() const { return error_; }  // the first error payload
  bool malformed_seen() const { return malformed_chunks_ > 0; }
  int64_t malformed_chunks() const { return malformed_chunks_; }
  // The stream said it was finished: [DONE] or a finish_reason.
  bool complete() const { return done_seen_ || finish_seen(); }

  // Decodes a whole non-streaming response body. Does not touch the per-request stream state.
  ResponseInfo DecodeResponseBody(absl::string_view body);

  // Best-effort error of a non-2xx response body: the JSON shapes servers use ({"error":{...}},
  // {"error":"..."}, {"object":"error","message":...}, {"detail":...}, {"message":...}), else the
  // start of the raw body as the message.
  ApiError DecodeErrorBody(absl::string_view body);

 private:
  JsonReader json_;

  int64_t chunks_ = 0;
  int64_t content_chunks_ = 0;
  int64_t content_bytes_ = 0;
  int64_t malformed_chunks_ = 0;
  bool done_seen_ = false;
  bool error_seen_ = false;
  std::string finish_reason_;
  std::optional<TokenUsage> usage_;
  bool usage_invalid_ = false;
  ApiError error_;
};

}  // namespace llmload

#endif  // LLMLOAD_API_OPENAI_STREAM_DECODER_H_
