// Classifying a finished request into an ErrorClass (METRICS.md "status") from what the
// transport, the HTTP status line and the stream decoding reported. Pure, so that every rule of
// precedence below is unit-tested without a network.
//
// Precedence: cancelled (we stopped it) > HTTP status >= 400 (429, 4xx, 5xx) > for a 2xx, a
// Content-Encoding we did not ask for (unexpected_encoding), then for a 2xx stream a
// Content-Type that is not SSE (unexpected_content_type) > for a 2xx stream, an error payload
// (api_error) or an unparseable chunk (malformed_stream) > a body or stream event over
// --max-response-bytes (response_too_large) > transport failure (timeout, connect, reset) > for
// a 2xx stream, no [DONE] and no finish_reason or an event cut off (truncated_stream); for a
// 2xx non-streamed body, an error payload or unparseable body > a usage that fails CheckUsage
// (malformed_usage) > success.
#ifndef LLMLOAD_API_REQUEST_OUTCOME_H_
#define LLMLOAD_API_REQUEST_OUTCOME_H_

#include "api/openai_stream_decoder.h"
#include "api/sse_parser.h"
#include "common/error_class.h"

namespace llmload {

// What the transport reported for a finished transfer (for libcurl: agent/curl_transport_result.h).
enum class TransportResult {
  kOk,
  kTimeout,      // the deadline passed
  kConnect,      // never connected: refused, DNS, TLS handshake
  kReset,        // the connection broke: RST, or closed before any response arrived
  kClosedEarly,  // closed cleanly (FIN) before the end of the body
  kAborted,      // our own callback stopped the transfer (e.g. after a stream error); see below
  kOther,        // anything else libcurl reports
};

// Facts about a streamed (SSE) response.
struct StreamFacts {
  SseParser::End sse_end = SseParser::End::kClean;
  bool done_seen = false;
  bool finish_seen = false;
  bool api_error_seen = false;
  bool malformed_seen = false;

  static StreamFacts From(SseParser::End end, const OpenAiStreamDecoder& decoder);
};

struct RequestOutcome {
  bool cancelled = false;  // stopped by us (run end, user stop): counted apart, not a failure
  TransportResult transport = TransportResult::kOk;
  int http_status = 0;  // 0 when no status line arrived
  bool streaming = true;
  StreamFacts stream;                         // when streaming
  ChunkKind body_kind = ChunkKind::kContent;  // when not: DecodeResponseBody()'s kind
  // What the reader found wrong with a 2xx response and stopped it for (the transport then
  // says kAborted), or, for usage, what it found at the end.
  bool too_large = false;                // body or one event over --max-response-bytes
  bool unexpected_encoding = false;      // a Content-Encoding other than identity
  bool unexpected_content_type = false;  // a stream whose Content-Type is not text/event-stream
  bool usage_malformed = false;          // `usage` failed CheckUsage (token_usage.h)
};

ErrorClass ClassifyRequest(const RequestOutcome& outcome);

}  // namespace llmload

#endif  // LLMLOAD_API_REQUEST_OUTCOME_H_
