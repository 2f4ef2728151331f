// Builders for the HTTP/1.1 responses the mock sends: a status line and headers (with either a
// Content-Length or chunked transfer coding), whole responses, and HTTP chunk framing. They
// append to the connection's output buffer so a steady stream reuses its capacity.
#ifndef LLMLOAD_MOCK_HTTP_RESPONSE_H_
#define LLMLOAD_MOCK_HTTP_RESPONSE_H_

#include <cstddef>
#include <initializer_list>
#include <string>

#include "absl/strings/string_view.h"

namespace llmload::mock {

struct ResponseHead {
  int status = 200;
  absl::string_view content_type = "application/json";
  bool chunked = false;  // else Content-Length: content_length
  size_t content_length = 0;
  bool keep_alive = true;           // else Connection: close
  bool http10 = false;              // answer as HTTP/1.0 (then never chunked)
  absl::string_view request_id;     // x-request-id header when not empty
  absl::string_view extra_headers;  // "Name: value\r\n" lines, e.g. Allow or Retry-After
};

void AppendResponseHead(const ResponseHead& head, std::string* out);

// A complete response with `body` (Content-Length framing).
void AppendResponse(ResponseHead head, absl::string_view body, std::string* out);

// "100 Continue" interim response.
void AppendContinue(std::string* out);

// Appends the size line of an HTTP chunk of `size` bytes ("1a\r\n").
void AppendChunkHeader(size_t size, std::string* out);
// The zero-size chunk that ends a chunked body.
void AppendLastChunk(std::string* out);
// Appends the concatenation of `parts` as one HTTP chunk, or bare when `chunked` is false
// (HTTP/1.0: the close ends the body). Stream writers send each event this way; it only
// copies bytes, so it allocates nothing once `out` has grown.
void AppendHttpChunk(bool chunked, std::initializer_list<absl::string_view> parts,
                     std::string* out);

}  // namespace llmload::mock

#endif  // LLMLOAD_MOCK_HTTP_RESPONSE_H_
