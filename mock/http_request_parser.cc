#include "mock/http_request_parser.h"

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace llmload::mock {
namespace {

// RFC 9110 token characters (method and header names).
bool IsTokenChar(char c) {
  if (absl::ascii_isalnum(static_cast<unsigned char>(c))) return true;
  return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != '\0';
}

bool IsToken(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

absl::string_view StripOws(absl::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<absl::string_view> HttpRequest::Header(absl::string_view name) const {
  for (absl::string_view line : absl::StrSplit(headers, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const size_t colon = line.find(':');
    if (colon == absl::string_view::npos) continue;
    if (absl::EqualsIgnoreCase(line.substr(0, colon), name)) {
      return StripOws(line.substr(colon + 1));
    }
  }
  return std::nullopt;
}

void HttpRequestParser::Reset() {
  scanned_ = 0;
  headers_complete_ = false;
  method_len_ = target_off_ = target_len_ = path_len_ = 0;
  headers_off_ = headers_len_ = 0;
  request_ = HttpRequest();
  error_status_ = 0;
  error_message_.clear();
}

HttpRequestParser::Result HttpRequestParser::Fail(int status, std::string message) {
  error_status_ = status;
  error_message_ = std::move(message);
  return Result::kError;
}

HttpRequestParser::Result HttpRequestParser::Parse(absl::string_view buffer) {
  if (error_status_ != 0) return Result::kError;
  if (!headers_complete_) {
    // Clients may send stray CRLFs between pipelined requests (RFC 9112 2.2): skip them.
    size_t start = 0;
    while (start < buffer.size() && (buffer[start] == '\r' || buffer[start] == '\n')) ++start;
    // Checked whether or not a request follows, so the reads' sizes never decide the outcome.
    if (start > limits_.max_header_bytes) return Fail(400, "too many empty lines");
    if (start == buffer.size()) return Result::kIncomplete;
    size_t end = 0;
    size_t i = std::max(scanned_, start);
    while (i < buffer.size()) {
      const void* nl = std::memchr(buffer.data() + i, '\n', buffer.size() - i);
      if (nl == nullptr) {
        i = buffer.size();
        break;
      }
      i = static_cast<const char*>(nl) - buffer.data();
      // The header block ends with an empty line: "\n\n" or "\n\r\n".
      if ((i > start && buffer[i - 1] == '\n') ||
          (i > start + 1 && buffer[i - 1] == '\r' && buffer[i - 2] == '\n')) {
        end = i + 1;
        break;
      }
      ++i;
    }
    if (end == 0) {
      scanned_ = buffer.size();
      if (buffer.size() - start > limits_.max_header_bytes) {
        return Fail(431, absl::StrCat("request header section exceeds ", limits_.max_header_bytes,
                                      " bytes"));
      }
      return Result::kIncomplete;
    }
    if (end - start > limits_.max_header_bytes) {
      return Fail(
          431, absl::StrCat("request header section exceeds ", limits_.max_header_bytes, " bytes"));
    }
    Result head = ParseHead(buffer.substr(start, end - start));
    if (head == Result::kError) return head;
    target_off_ += start;
    headers_off_ += start;
    // Up to the blank line that ends the block ("\n" or "\r\n").
    headers_len_ = end - headers_off_ - (buffer[end - 2] == '\r' ? 2 : 1);
    request_.header_bytes = end;
    headers_complete_ = true;
  }
  // Rebuild the views: the buffer may have moved since the head was parsed.
  size_t method_off = target_off_ - method_len_ - 1;
  request_.method = buffer.substr(method_off, method_len_);
  request_.target = buffer.substr(target_off_, target_len_);
  request_.path = buffer.substr(target_off_, path_len_);
  request_.headers = buffer.substr(headers_off_, headers_len_);
  if (buffer.size() < request_.total_bytes()) return Result::kIncomplete;
  request_.body = buffer.substr(request_.header_bytes, request_.content_length);
  return Result::kComplete;
}

HttpRequestParser::Result HttpRequestParser::ParseHead(absl::string_view head) {
  std::vector<absl::string_view> lines = absl::StrSplit(head, '\n');
  for (absl::string_view& line : lines) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  }
  // Request line: METHOD SP request-target SP HTTP-version.
  const absl::string_view request_line = lines[0];
  std::vector<absl::string_view> parts = absl::StrSplit(request_line, ' ');
  if (parts.size() != 3 || !IsToken(parts[0]) || parts[1].empty()) {
    return Fail(400, "malformed request line");
  }
  if (parts[1][0] != '/') return Fail(400, "request target must be an absolute path");
  for (char c : parts[1]) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return Fail(400, "invalid character in request target");
    }
  }
  const absl::string_view version = parts[2];
  if (version == "HTTP/1.1") {
    request_.version_minor = 1;
  } else if (version == "HTTP/1.0") {
    request_.version_minor = 0;
  } else if (absl::StartsWith(version, "HTTP/")) {
    return Fail(505, absl::StrCat("HTTP version not supported: ", version));
  } else {
    return Fail(400, "malformed request line");
  }
  headers_off_ = std::min(head.find('\n') + 1, head.size());
  method_len_ = parts[0].size();
  target_off_ = method_len_ + 1;
  target_len_ = parts[1].size();
  path_len_ = std::min(parts[1].find('?'), parts[1].size());
  request_.keep_alive = request_.version_minor == 1;

  bool have_length = false;
  for (size_t i = 1; i < lines.size(); ++i) {
    absl::string_view line = lines[i];
    if (line.empty()) break;  // the blank line that ends the block
    if (line[0] == ' ' || line[0] == '\t') return Fail(400, "obsolete header line folding");
    size_t colon = line.find(':');
    if (colon == absl::string_view::npos || !IsToken(line.substr(0, colon))) {
      return Fail(400, "malformed header line");
    }
    absl::string_view name = line.substr(0, colon);
    absl::string_view value = StripOws(line.substr(colon + 1));
    if (absl::EqualsIgnoreCase(name, "content-length")) {
      uint64_t n = 0;
      if (value.empty() || value.size() > 18 ||
          value.find_first_not_of("0123456789") != absl::string_view::npos ||
          !absl::SimpleAtoi(value, &n)) {
        return Fail(400, "invalid Content-Length");
      }
      if (have_length && n != request_.content_length)
        return Fail(400, "conflicting Content-Length");
      have_length = true;
      request_.content_length = n;
    } else if (absl::EqualsIgnoreCase(name, "transfer-encoding")) {
      return Fail(411, "chunked request bodies are not supported; send a Content-Length");
    } else if (absl::EqualsIgnoreCase(name, "connection")) {
      for (absl::string_view token : absl::StrSplit(value, ',')) {
        token = StripOws(token);
        if (absl::EqualsIgnoreCase(token, "close")) request_.keep_alive = false;
        if (absl::EqualsIgnoreCase(token, "keep-alive") && request_.version_minor == 0) {
          request_.keep_alive = true;
        }
      }
    } else if (absl::EqualsIgnoreCase(name, "expect")) {
      if (!absl::EqualsIgnoreCase(value, "100-continue")) {
        return Fail(417, absl::StrCat("unsupported Expect: ", value));
      }
      request_.expect_continue = request_.version_minor == 1;
    }
  }
  if (request_.content_length > limits_.max_body_bytes) {
    return Fail(413, absl::StrCat("request body of ", request_.content_length,
                                  " bytes exceeds the limit of ", limits_.max_body_bytes,
                                  " bytes (--max-body-bytes)"));
  }
  return Result::kComplete;
}

}  // namespace llmload::mock
