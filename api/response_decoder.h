// ResponseDecoder: how one API's responses are read, whatever their framing (SSE, NDJSON, AWS
// event-stream, one JSON body). The engine hands it a response's body bytes as they arrive; it
// calls back once per chunk of generated content and, at the end, reports what the response
// said about itself (complete or cut off, an error event, usage, the server's own timings).
//
// Timing stays in the engine: a decoder never reads a clock. The engine timestamps the bytes
// it feeds, so every content chunk reported during a Feed() call arrived with those bytes.
// One decoder per virtual user, reused for every request: steady-state decoding allocates
// nothing.
#ifndef LLMLOAD_API_RESPONSE_DECODER_H_
#define LLMLOAD_API_RESPONSE_DECODER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "api/token_usage.h"
#include "common/error_class.h"

namespace llmload {

// An error reported by the API. `code` is kept as text because servers send numbers or strings.
struct ApiError {
  std::string message;
  std::string type;
  std::string code;
};

// One chunk of generated content (a token or several: what the API sent as one event).
struct ContentChunk {
  absl::string_view text;  // valid during the callback only
  int32_t tokens = -1;     // how many tokens it carries when the API says (TGI: 1); -1: unknown
};
using ContentCallback = absl::FunctionRef<void(const ContentChunk&)>;

// What the server reported about its own work on the request, in ns; -1 where not reported.
struct ServerTimings {
  int64_t total_ns = -1;   // the whole request (Bedrock metrics.latencyMs, Ollama total_duration)
  int64_t prompt_ns = -1;  // prefill (Ollama prompt_eval_duration)
  int64_t decode_ns = -1;  // generation (Ollama eval_duration)
  int64_t queue_ns = -1;   // waiting before prefill
  bool any() const { return total_ns >= 0 || prompt_ns >= 0 || decode_ns >= 0 || queue_ns >= 0; }
};

// How the framing ended.
enum class FramingEnd : uint8_t {
  kClean,         // nothing pending: every event was whole
  kPartialEvent,  // the body ended inside an event
  kTooLarge,      // an event (or a non-streamed body) was over --max-response-bytes
};

// What a response said about itself, from ResponseDecoder::Finish(). The outcome classifier
// (request_outcome.h) turns it into an error class.
struct ResponseFacts {
  FramingEnd framing = FramingEnd::kClean;
  // Streamed: the API's end marker arrived ([DONE], a finish reason, done:true, message_stop,
  // is_end, ...). Not streamed: unused (a whole body that parses is complete).
  bool complete = false;
  // An error event in a 2xx stream, or an error payload as a 2xx body.
  bool api_error = false;
  // The class that error counts as: api_error unless the API's error says more (an overload
  // or a throttling exception sent inside a 200 stream).
  ErrorClass api_error_class = ErrorClass::kApiError;
  bool malformed = false;           // an event or body that is not what the API sends
  std::optional<TokenUsage> usage;  // as reported; checked by the reader (CheckUsage)
  bool usage_invalid = false;       // usage was there with a count that is not an integer
  ServerTimings server;
  std::string error_message;  // of an api_error, as the server sent it
};

class ResponseDecoder {
 public:
  virtual ~ResponseDecoder() = default;

  // Whether the response is streamed (events timed one by one) or one body.
  virtual bool streaming() const = 0;
  // Whether a 2xx streamed response of this Content-Type can be decoded (`content_type` is
  // never empty; a response without one is decoded and judged by its bytes).
  virtual bool AcceptsContentType(absl::string_view content_type) const = 0;

  // Forgets the previous response; keeps buffers.
  virtual void Reset() = 0;
  // Bytes of a 2xx body, as they arrive. Calls `on_content` for each content chunk they
  // complete. False: the response is refused (an event or body over the size limit) and the
  // transfer must stop; Finish() then says kTooLarge.
  [[nodiscard]] virtual bool Feed(absl::string_view bytes, ContentCallback on_content) = 0;
  // The 2xx body ended (or the transfer did). A non-streamed decoder decodes its body here
  // (its first byte is its first token: the engine times it).
  virtual ResponseFacts Finish() = 0;

  // The error of a non-2xx response body (at most a few KiB of its start).
  virtual ApiError DecodeErrorBody(absl::string_view body) = 0;
};

}  // namespace llmload

#endif  // LLMLOAD_API_RESPONSE_DECODER_H_
