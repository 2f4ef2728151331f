// Checks of the response headers a reply is judged by before its body is read: a 2xx stream
// must be of the media type its API streams in (Server-Sent Events for most), and a body must come
// in no Content-Encoding (llmload sends no Accept-Encoding, so a compressed body is one it cannot
// read). Pure string checks, so each form is unit-tested; the engine reads the values from libcurl
// once per response.
#ifndef LLMLOAD_API_RESPONSE_HEADERS_H_
#define LLMLOAD_API_RESPONSE_HEADERS_H_

#include "absl/strings/string_view.h"

namespace llmload {

// Whether a Content-Type names `media_type` ("application/x-ndjson"): case-insensitive,
// parameters and surrounding spaces allowed.
bool IsMediaType(absl::string_view content_type, absl::string_view media_type);

// Whether a Content-Type names text/event-stream: case-insensitive, parameters (";
// charset=utf-8") and surrounding spaces allowed.
bool IsEventStreamContentType(absl::string_view content_type);

// Whether a Content-Encoding leaves the body as it is: empty or "identity" (case-insensitive,
// spaces allowed). Anything else (gzip, br, deflate, "gzip, identity") is not.
bool IsIdentityContentEncoding(absl::string_view content_encoding);

}  // namespace llmload

#endif  // LLMLOAD_API_RESPONSE_HEADERS_H_
