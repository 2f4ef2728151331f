#include "api/request_outcome.h"

namespace llmload {

StreamFacts StreamFacts::From(SseParser::End end, const OpenAiStreamDecoder& decoder) {
  StreamFacts f;
  f.sse_end = end;
  f.done_seen = decoder.done_seen();
  f.finish_seen = decoder.finish_seen();
  f.api_error_seen = decoder.error_seen();
  f.malformed_seen = decoder.malformed_seen();
  return f;
}

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
    if (o.stream.api_error_seen) return ErrorClass::kApiError;
    if (o.stream.malformed_seen) return ErrorClass::kMalformedStream;
  }
  // The parser's only error state is an event over its limit, --max-response-bytes.
  if (o.too_large || (ok_status && o.streaming && o.stream.sse_end == SseParser::End::kError)) {
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
    if (o.stream.sse_end != SseParser::End::kClean) return ErrorClass::kTruncatedStream;
    if (!o.stream.done_seen && !o.stream.finish_seen) return ErrorClass::kTruncatedStream;
  } else {
    if (o.body_kind == ChunkKind::kError) return ErrorClass::kApiError;
    if (o.body_kind == ChunkKind::kMalformed) return ErrorClass::kMalformedStream;
  }
  if (o.usage_malformed) return ErrorClass::kMalformedUsage;
  return ErrorClass::kSuccess;
}

}  // namespace llmload
