// SseOrBody: the framing of a response that is an SSE stream when the request streamed and one
// body when it did not (OpenAI, Anthropic, TGI, DashScope, Qianfan v1, http-json), so that each
// of those decoders says only what its events and bodies mean. Streamed, each event goes to the
// decoder as it completes (api/sse_parser.h); not streamed, the body is kept whole, at most
// --max-response-bytes of it (api/bounded_body.h), for the decoder to read at the end.
//
// A server may answer a streamed request with one JSON body instead (Qianfan sends its errors
// so, with status 200): with `json_body_when_streamed`, a streamed response whose first byte
// that is not whitespace is '{' is kept as one body.
#ifndef LLMLOAD_API_SSE_OR_BODY_H_
#define LLMLOAD_API_SSE_OR_BODY_H_

#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"
#include "api/bounded_body.h"
#include "api/response_decoder.h"
#include "api/sse_parser.h"

namespace llmload {

class SseOrBody {
 public:
  SseOrBody(bool stream, int64_t max_bytes, bool json_body_when_streamed = false);

  bool streaming() const { return stream_; }
  // Whether a 2xx streamed response of this Content-Type can be read: text/event-stream, and
  // application/json too when a streamed request may be answered with one JSON body.
  bool AcceptsContentType(absl::string_view content_type) const;

  // Forgets the previous response; keeps buffers.
  void Reset();
  // Bytes of a 2xx body. Streamed, calls `on_event` for each SSE event they complete; else
  // keeps them. False: an event or the body is over the cap and the transfer must stop.
  // (Inline: it runs once per read, and the decoders' own Feed used to be this switch.)
  [[nodiscard]] bool Feed(absl::string_view bytes, SseParser::EventCallback on_event) {
    if (mode_ == Mode::kUnknown && !Decide(&bytes)) return true;
    if (mode_ == Mode::kBody) return body_->Append(bytes);
    // The parser refuses an event over the cap (its only error); a decoder's JSON buffer holds
    // one event, so it is bounded by the same cap.
    return sse_.Feed(bytes, on_event).ok();
  }
  // The body ended: how its framing did. For one body (is_body()), kTooLarge when it was over
  // the cap (nothing of it is kept), else kClean.
  FramingEnd Finish();

  // The response is (so far) one body rather than SSE events.
  bool is_body() const { return mode_ == Mode::kBody; }
  // The body, once Finish() said kClean for one.
  absl::string_view body() const { return body_->view(); }

 private:
  enum class Mode : uint8_t {
    kUnknown,  // streamed, nothing but whitespace yet: SSE, or one JSON body
    kSse,
    kBody,
  };
  Mode InitialMode() const;
  // Streamed, before the first byte that is not whitespace: skips the whitespace in *bytes and,
  // when something follows, decides SSE or one body by it (false: nothing yet).
  bool Decide(absl::string_view* bytes);

  const bool stream_;
  const bool json_body_when_streamed_;
  SseParser sse_;
  std::optional<BoundedBody> body_;  // when the response may be one body
  Mode mode_;
};

}  // namespace llmload

#endif  // LLMLOAD_API_SSE_OR_BODY_H_
