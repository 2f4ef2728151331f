// Fuzzes mock/http_request_parser.h with arbitrary bytes arriving in arbitrary reads, as a
// client (or attacker) of `llmload mock` can send them. The oracle: parsing the whole input at
// once and parsing a buffer that grows read by read (copied to a fresh allocation each time,
// as a server's buffer may move) find the same requests and the same error.
//
// Input: 4 control bytes (bits 0-7: max header bytes / 8; bits 8-15: max body bytes / 4;
// bits 16-21: largest read; bits 22-31: split seed), then the bytes received.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "mock/http_request_parser.h"
#include "tests/fuzz/fuzz_input.h"

namespace llmload::mock {
namespace {

struct Parsed {
  std::string method, target, path, body;
  int version_minor;
  bool keep_alive, expect_continue;
  size_t header_bytes;
  bool operator==(const Parsed&) const = default;
};

struct Outcome {
  std::vector<Parsed> requests;
  int error_status = 0;
  std::string error_message;
  bool operator==(const Outcome&) const = default;
};

// Parses what `received` holds from `*consumed` on, taking every complete request. False once
// the parser reports an error.
bool Drain(HttpRequestParser& parser, absl::string_view received, size_t* consumed,
           Outcome* out) {
  while (true) {
    // A fresh copy each call: views kept from an earlier buffer would be use-after-free.
    const std::string buffer(received.substr(*consumed));
    const HttpRequestParser::Result result = parser.Parse(buffer);
    if (result == HttpRequestParser::Result::kError) {
      FUZZ_CHECK(parser.error_status() >= 400 && parser.error_status() < 600);
      out->error_status = parser.error_status();
      out->error_message = parser.error_message();
      return false;
    }
    if (result == HttpRequestParser::Result::kIncomplete) return true;
    const HttpRequest& r = parser.request();
    FUZZ_CHECK(r.total_bytes() <= buffer.size() && r.header_bytes > 0);
    FUZZ_CHECK(r.body.size() == r.content_length);
    FUZZ_CHECK(r.body.data() == buffer.data() + r.header_bytes);
    FUZZ_CHECK(!r.method.empty() && !r.path.empty() && r.path.front() == '/');
    FUZZ_CHECK(r.target.substr(0, r.path.size()) == r.path);
    out->requests.push_back({std::string(r.method), std::string(r.target), std::string(r.path),
                             std::string(r.body), r.version_minor, r.keep_alive,
                             r.expect_continue, r.header_bytes});
    *consumed += r.total_bytes();
    parser.Reset();
  }
}

}  // namespace
}  // namespace llmload::mock

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using llmload::mock::HttpRequestParser;
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  const uint64_t control = llmload::fuzz::TakeFront(&input, 4);
  llmload::mock::HttpParserLimits limits;
  limits.max_header_bytes = 8 * (control & 0xFF);
  limits.max_body_bytes = 4 * ((control >> 8) & 0xFF);
  const std::vector<absl::string_view> reads =
      llmload::fuzz::SplitBytes(input, control >> 22, (control >> 16) & 0x3F);

  llmload::mock::Outcome whole;
  HttpRequestParser parser(limits);
  size_t consumed = 0;
  llmload::mock::Drain(parser, input, &consumed, &whole);

  llmload::mock::Outcome split;
  HttpRequestParser incremental(limits);
  consumed = 0;
  size_t received = 0;
  for (absl::string_view read : reads) {
    received += read.size();
    if (!llmload::mock::Drain(incremental, input.substr(0, received), &consumed, &split)) break;
  }
  FUZZ_CHECK(split == whole);
  return 0;
}
