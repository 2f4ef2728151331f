#include "api/request_outcome.h"

namespace llmload {

ErrorClass ClassifyRequest(const RequestOutcome& o) {
  if (o.cancelled) return ErrorClass::kCancelled;
  if (o.http_status == 429) return ErrorClass::kHttp429;
  if (o.http_status >= 400 && o.http_status < 500) return ErrorClass::kHttp4xx;
  if (o.http_status >= 500 && o.http_status < 600) return ErrorClass::kHttp5xx;
  const bool ok_status = o.http_status >= 200 && o.http_status < 300;
  if (ok_status && o.unexpected_encoding) return ErrorClass::kUnexpectedEncoding;
  if (ok_status && o.streaming && o.unexpected_content_type) {
    return ErrorClass::kUnexpectedContentType;
  }
  // An error or malformed chunk in a stream is complete evidence whatever happened to the
  // connection afterwards: SSE events are only dispatched whole.
  if (ok_status && o.streaming) {
    if (o.facts.api_error) return o.facts.api_error_class;
    if (o.facts.malformed) return ErrorClass::kMalformedStream;
  }
  if (o.too_large || (ok_status && o.facts.framing == FramingEnd::kTooLarge)) {
    return ErrorClass::kResponseTooLarge;
  }
  switch (o.transport) {
    case TransportResult::kOk:
      break;
    case TransportResult::kTimeout:
      return ErrorClass::kTimeout;
    case TransportResult::kConnect:
      return ErrorClass::kConnect;
    case TransportResult::kReset:
      return ErrorClass::kReset;
    case TransportResult::kClosedEarly:
      return ok_status && o.streaming ? ErrorClass::kTruncatedStream : ErrorClass::kReset;
    case TransportResult::kAborted:
    case TransportResult::kOther:
      return ErrorClass::kOther;
  }
  if (!ok_status) return ErrorClass::kOther;  // no status, or an unfollowed 1xx/3xx
  if (o.streaming) {
    if (o.facts.framing != FramingEnd::kClean) return ErrorClass::kTruncatedStream;
    if (!o.facts.complete) return ErrorClass::kTruncatedStream;
  } else {
    if (o.facts.api_error) return o.facts.api_error_class;
    if (o.facts.malformed) return ErrorClass::kMalformedStream;
  }
  if (o.usage_malformed) return ErrorClass::kMalformedUsage;
  return ErrorClass::kSuccess;
}

}  // namespace llmload
