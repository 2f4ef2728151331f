// Incremental Server-Sent Events parser (the WHATWG "event stream" format) for streamed LLM
// responses. It is fed whatever libcurl's write callback hands over, so every rule holds however
// the bytes are split across reads, and it reuses its buffers so that a steady stream of events
// allocates nothing.
//
// Supported: LF, CRLF and CR line ends (a CR ending one read and an LF starting the next are one
// line end); `data:` (one space after the colon stripped; several data lines joined with "\n");
// `event:`; `id:` (kept as last_event_id()); comments (lines starting with ':'); unknown fields
// (ignored, like `retry:`); an empty line dispatches; a UTF-8 BOM at stream start is skipped.
// As the spec says, an event with no data line is not dispatched.
#ifndef LLMLOAD_AGENT_SSE_PARSER_H_
#define LLMLOAD_AGENT_SSE_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "api/response_decoder.h"

namespace llmload {

class SseParser {
 public:
  // Called once per dispatched event. `event_type` is "message" unless an `event:` field set it.
  // Both views are valid only during the call.
  using EventCallback =
      absl::FunctionRef<void(absl::string_view event_type, absl::string_view data)>;

  // How the stream ended, from Finish().
  enum class End {
    kClean,         // nothing pending: every event was dispatched
    kPartialEvent,  // bytes of an undispatched event (or an unterminated line) were left over
    kError,         // the parser was in its error state (see status())
  };

  // An event (its data plus the line being read) larger than this puts the parser in its error
  // state: a stream that never sends a blank line must not grow memory without bound.
  static constexpr size_t kDefaultMaxEventBytes = 16 << 20;

  explicit SseParser(size_t max_event_bytes = kDefaultMaxEventBytes);

  // Parses `bytes`, calling `on_event` for each event completed by them. Returns the parser's
  // status: OK, or ResourceExhausted once an event exceeded the maximum size, after which input
  // is ignored until Reset().
  absl::Status Feed(absl::string_view bytes, EventCallback on_event);

  // Tells the parser the stream has ended and reports whether an event was cut off. Per the spec
  // the pending event is discarded, never dispatched. The parser needs Reset() before reuse.
  End Finish();

  // Makes the parser ready for a new stream, keeping its buffers' capacity.
  void Reset();

  const absl::Status& status() const { return status_; }
  absl::string_view last_event_id() const { return last_event_id_; }
  // Totals since construction or the last Reset(): bytes fed (BOM included), events dispatched.
  int64_t bytes_fed() const { return bytes_fed_; }
  int64_t events_dispatched() const { return events_dispatched_; }

 private:
  void FeedLines(absl::string_view bytes, EventCallback on_event);
  void ProcessLine(absl::string_view line, EventCallback on_event);
  void Dispatch(EventCallback on_event);

  size_t max_event_bytes_;
  std::string line_;        // an incomplete line carried over to the next read
  std::string data_;        // data lines of the current event, each followed by '\n'
  std::string event_type_;  // `event:` of the current event; empty means "message"
  std::string last_event_id_;
  bool skip_lf_ = false;        // the previous read ended with CR: a leading LF is its CRLF's tail
  int bom_matched_ = 0;         // bytes of the UTF-8 BOM seen so far at stream start
  bool bom_done_ = false;       // past the point where a BOM could appear
  bool event_pending_ = false;  // a field line was seen since the last dispatch
  absl::Status status_;
  int64_t bytes_fed_ = 0;
  int64_t events_dispatched_ = 0;
};

// How a decoder reports an SSE stream's end (response_decoder.h): the parser's only error is
// an event over its cap, so kError is kTooLarge.
FramingEnd FramingEndOf(SseParser::End end);

}  // namespace llmload

#endif  // LLMLOAD_AGENT_SSE_PARSER_H_
