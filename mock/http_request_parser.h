// HttpRequestParser: an incremental HTTP/1.1 request parser for the mock server. The caller
// keeps the received bytes in its own buffer and calls Parse() with everything received so far;
// the parser remembers how far it has scanned, so bytes may be split across reads at any point
// and the work stays linear. It handles Content-Length bodies, `Expect: 100-continue`,
// `Connection: close|keep-alive`, HTTP/1.0 and pipelined requests (a request ends where its
// body ends; later bytes belong to the next one). Chunked request bodies are refused with 411
// (no OpenAI client sends them; supporting them would only add an attack surface).
#ifndef LLMLOAD_MOCK_HTTP_REQUEST_PARSER_H_
#define LLMLOAD_MOCK_HTTP_REQUEST_PARSER_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace llmload::mock {

// One parsed request. The views point into the buffer passed to the last Parse() call.
struct HttpRequest {
  absl::string_view method;
  absl::string_view target;  // as sent, including any query string
  absl::string_view path;    // target without the query string
  absl::string_view body;
  absl::string_view headers;  // the header lines, "Name: value\r\n" each, as received
  int version_minor = 1;      // HTTP/1.<minor>
  bool keep_alive = true;     // HTTP/1.1 default, or HTTP/1.0 with Connection: keep-alive
  bool expect_continue = false;
  size_t content_length = 0;
  size_t header_bytes = 0;  // request line + headers + blank line
  size_t total_bytes() const { return header_bytes + content_length; }

  // The value of the first header named `name` (case-insensitive), without surrounding
  // whitespace; nullopt when absent. Scans `headers`: meant for the few headers a dialect's
  // Authorize() reads, not for the per-token path.
  std::optional<absl::string_view> Header(absl::string_view name) const;
};

struct HttpParserLimits {
  size_t max_header_bytes = 64 * 1024;
  size_t max_body_bytes = 4 * 1024 * 1024;
};

class HttpRequestParser {
 public:
  enum class Result {
    kIncomplete,  // need more bytes; headers_complete() says whether the body is what's missing
    kComplete,    // request() is valid; the request occupies request().total_bytes() bytes
    kError,       // error_status()/error_message() say why; the connection must be closed
  };

  explicit HttpRequestParser(HttpParserLimits limits = {}) : limits_(limits) {}

  // Parses the request at the start of `buffer`, which holds every byte received since the
  // previous request ended. Call again with the grown buffer when more bytes arrive.
  Result Parse(absl::string_view buffer);

  // Forgets the current request; call after consuming request().total_bytes() bytes.
  void Reset();

  bool headers_complete() const { return headers_complete_; }
  const HttpRequest& request() const { return request_; }
  int error_status() const { return error_status_; }
  const std::string& error_message() const { return error_message_; }

 private:
  Result Fail(int status, std::string message);
  // Parses request line and headers in buffer[0, end).
  Result ParseHead(absl::string_view head);

  HttpParserLimits limits_;
  size_t scanned_ = 0;  // bytes already searched for the end of the header block
  bool headers_complete_ = false;
  // Offsets of the views in request_, so the buffer may move between Parse() calls.
  size_t method_len_ = 0, target_off_ = 0, target_len_ = 0, path_len_ = 0;
  size_t headers_off_ = 0, headers_len_ = 0;
  HttpRequest request_;
  int error_status_ = 0;
  std::string error_message_;
};

}  // namespace llmload::mock

#endif  // LLMLOAD_MOCK_HTTP_REQUEST_PARSER_H_
