#include "mock/http_response.h"

#include "absl/strings/str_cat.h"
#include "mock/api_error.h"

namespace llmload::mock {

void AppendResponseHead(const ResponseHead& head, std::string* out) {
  absl::StrAppend(out, head.http10 ? "HTTP/1.0 " : "HTTP/1.1 ", head.status, " ",
                  HttpReason(head.status),
                  "\r\nServer: llmload-mock\r\nContent-Type: ", head.content_type, "\r\n");
  if (head.chunked && !head.http10) {
    out->append("Transfer-Encoding: chunked\r\n");
  } else if (!head.chunked) {
    absl::StrAppend(out, "Content-Length: ", head.content_length, "\r\n");
  }
  if (head.content_type == "text/event-stream") out->append("Cache-Control: no-cache\r\n");
  if (!head.request_id.empty()) absl::StrAppend(out, "x-request-id: ", head.request_id, "\r\n");
  out->append(head.extra_headers.data(), head.extra_headers.size());
  if (!head.keep_alive) {
    out->append("Connection: close\r\n");
  } else if (head.http10) {
    out->append("Connection: keep-alive\r\n");
  }
  out->append("\r\n");
}

void AppendResponse(ResponseHead head, absl::string_view body, std::string* out) {
  head.chunked = false;
  head.content_length = body.size();
  AppendResponseHead(head, out);
  out->append(body.data(), body.size());
}

void AppendContinue(std::string* out) { out->append("HTTP/1.1 100 Continue\r\n\r\n"); }

void AppendChunkHeader(size_t size, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  char buf[20];
  int n = 0;
  do {
    buf[n++] = kHex[size & 0xF];
    size >>= 4;
  } while (size != 0);
  while (n > 0) out->push_back(buf[--n]);
  out->append("\r\n");
}

void AppendLastChunk(std::string* out) { out->append("0\r\n\r\n"); }

void AppendHttpChunk(bool chunked, std::initializer_list<absl::string_view> parts,
                     std::string* out) {
  size_t size = 0;
  for (absl::string_view p : parts) size += p.size();
  if (chunked) AppendChunkHeader(size, out);
  for (absl::string_view p : parts) out->append(p.data(), p.size());
  if (chunked) out->append("\r\n");
}

}  // namespace llmload::mock
