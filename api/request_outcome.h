// Classifying a finished request into an ErrorClass (METRICS.md "status") from what the
// transport, the HTTP status line and the stream decoding reported. Pure, so that every rule of
// precedence below is unit-tested without a network.
//
// Precedence: cancelled (we stopped it) > HTTP status >= 400 (429, 4xx, 5xx) > for a 2xx, a
// Content-Encoding we did not ask for (unexpected_encoding), then for a 2xx stream a
// Content-Type its API does not stream in (unexpected_content_type) > for a 2xx stream, an
// error event (api_error, or the class the API's error names) or an unparseable event
// (malformed_stream) > a body or stream event over --max-response-bytes (response_too_large) >
// transport failure (timeout, connect, reset) > for a 2xx stream, no end marker or an event
// cut off (truncated_stream); for a 2xx non-streamed body, an error payload or unparseable
// body > a usage that fails CheckUsage (malformed_usage) > success.
#ifndef LLMLOAD_API_REQUEST_OUTCOME_H_
#define LLMLOAD_API_REQUEST_OUTCOME_H_

#include "api/response_decoder.h"
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

struct RequestOutcome {
  bool cancelled = false;  // stopped by us (run end, user stop): counted apart, not a failure
  TransportResult transport = TransportResult::kOk;
  int http_status = 0;  // 0 when no status line arrived
  bool streaming = true;
  ResponseFacts facts;  // what the decoder found in a 2xx body (response_decoder.h)
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
