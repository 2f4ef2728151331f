#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "mock/http_request_parser.h"

namespace llmload::mock {
namespace {

using Result = HttpRequestParser::Result;

struct Parsed {
  std::string method, target, path, body;
  bool keep_alive;
  bool expect_continue;
  int version_minor;
};

// Feeds `wire` to a parser the way a connection does: bytes arrive in two reads split at
// `split`, the buffer grows, and each complete request is consumed before the next is parsed.
// Returns the requests, and the error status if parsing failed (0 otherwise).
std::vector<Parsed> ParseSplit(const std::string& wire, size_t split, int* error,
                               HttpParserLimits limits = {}) {
  HttpRequestParser parser(limits);
  std::vector<Parsed> out;
  std::string buffer;
  *error = 0;
  for (const std::string& piece : {wire.substr(0, split), wire.substr(split)}) {
    buffer += piece;
    while (!buffer.empty()) {
      Result r = parser.Parse(buffer);
      if (r == Result::kIncomplete) break;
      if (r == Result::kError) {
        *error = parser.error_status();
        return out;
      }
      const HttpRequest& q = parser.request();
      out.push_back({std::string(q.method), std::string(q.target), std::string(q.path),
                     std::string(q.body), q.keep_alive, q.expect_continue, q.version_minor});
      buffer.erase(0, q.total_bytes());
      parser.Reset();
    }
  }
  return out;
}

TEST(HttpRequestParserTest, ParsesARequestAtEverySplitPoint) {
  const std::string wire =
      "POST /v1/chat/completions?x=1 HTTP/1.1\r\nHost: a\r\ncontent-LENGTH: 11\r\n"
      "Content-Type: application/json\r\n\r\n{\"a\":\"b c\"}";
  for (size_t split = 0; split <= wire.size(); ++split) {
    int error;
    std::vector<Parsed> got = ParseSplit(wire, split, &error);
    ASSERT_EQ(error, 0) << split;
    ASSERT_EQ(got.size(), 1u) << split;
    EXPECT_EQ(got[0].method, "POST");
    EXPECT_EQ(got[0].target, "/v1/chat/completions?x=1");
    EXPECT_EQ(got[0].path, "/v1/chat/completions");
    EXPECT_EQ(got[0].body, "{\"a\":\"b c\"}");
    EXPECT_TRUE(got[0].keep_alive);
    EXPECT_EQ(got[0].version_minor, 1);
  }
}

TEST(HttpRequestParserTest, ParsesPipelinedRequestsAtEverySplitPoint) {
  const std::string wire =
      "GET /health HTTP/1.1\r\n\r\n"
      "POST /v1/completions HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"
      "\r\n"                         // a stray CRLF between requests is tolerated
      "GET /v1/models HTTP/1.0\n\n"  // bare LF line ends too
      "POST /x HTTP/1.1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
  for (size_t split = 0; split <= wire.size(); ++split) {
    int error;
    std::vector<Parsed> got = ParseSplit(wire, split, &error);
    ASSERT_EQ(error, 0) << split;
    ASSERT_EQ(got.size(), 4u) << split;
    EXPECT_EQ(got[0].path, "/health");
    EXPECT_EQ(got[1].body, "abc");
    EXPECT_EQ(got[2].path, "/v1/models");
    EXPECT_EQ(got[2].version_minor, 0);
    EXPECT_FALSE(got[2].keep_alive);  // HTTP/1.0 default
    EXPECT_EQ(got[3].method, "POST");
    EXPECT_FALSE(got[3].keep_alive);
  }
}

TEST(HttpRequestParserTest, ReportsExpectContinueOnceHeadersAreComplete) {
  HttpRequestParser parser;
  std::string buffer =
      "POST /v1/completions HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n";
  EXPECT_EQ(parser.Parse(buffer), Result::kIncomplete);
  EXPECT_TRUE(parser.headers_complete());
  EXPECT_TRUE(parser.request().expect_continue);
  buffer += "{}";
  EXPECT_EQ(parser.Parse(buffer), Result::kComplete);
  EXPECT_EQ(parser.request().body, "{}");
}

TEST(HttpRequestParserTest, RejectsBadRequestsAtEverySplitPoint) {
  struct Case {
    std::string wire;
    int status;
  };
  const std::vector<Case> cases = {
      {"GARBAGE\r\n\r\n", 400},
      {"GET  /x HTTP/1.1\r\n\r\n", 400},
      {"GET x HTTP/1.1\r\n\r\n", 400},
      {"GET /x HTTP/2.0\r\n\r\n", 505},
      {"GET /x FTP/1.0\r\n\r\n", 400},
      {"GET /x HTTP/1.1\r\nNoColon\r\n\r\n", 400},
      {"GET /x HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", 400},
      {"GET /x HTTP/1.1\r\nBad Name: b\r\n\r\n", 400},
      {"POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400},
      {"POST /x HTTP/1.1\r\nContent-Length: 1x\r\n\r\n", 400},
      {"POST /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400},
      {"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 411},
      {"POST /x HTTP/1.1\r\nContent-Length: 101\r\n\r\n", 413},
      {"POST /x HTTP/1.1\r\nExpect: magic\r\n\r\n", 417},
      {"GET /x HTTP/1.1\r\nX: " + std::string(300, 'a') + "\r\n\r\n", 431},
  };
  HttpParserLimits limits;
  limits.max_body_bytes = 100;
  limits.max_header_bytes = 256;
  for (const Case& c : cases) {
    for (size_t split = 0; split <= c.wire.size(); ++split) {
      int error;
      std::vector<Parsed> got = ParseSplit(c.wire, split, &error, limits);
      EXPECT_EQ(error, c.status) << c.wire << " split " << split;
      EXPECT_TRUE(got.empty());
    }
  }
}

// Found by tests/fuzz/mock_http_request_parser.cc: blank lines over the header limit were
// refused only when a read ended inside them, and accepted when the request that followed
// arrived in the same read.
TEST(HttpRequestParserTest, BlankLinesOverTheLimitAreRefusedAtEverySplitPoint) {
  HttpParserLimits limits;
  limits.max_header_bytes = 256;
  std::string wire;
  for (int i = 0; i < 200; ++i) wire += "\r\n";
  wire += "GET /x HTTP/1.1\r\n\r\n";
  for (size_t split = 0; split <= wire.size(); ++split) {
    int error;
    std::vector<Parsed> got = ParseSplit(wire, split, &error, limits);
    EXPECT_EQ(error, 400) << "split " << split;
    EXPECT_TRUE(got.empty()) << "split " << split;
  }
  // Under the limit, the blank lines are skipped and the request is parsed.
  int error;
  EXPECT_EQ(ParseSplit(wire.substr(300), 0, &error, limits).size(), 1u);
  EXPECT_EQ(error, 0);
}

TEST(HttpRequestParserTest, HeaderLimitAppliesBeforeTheBlankLineArrives) {
  HttpParserLimits limits;
  limits.max_header_bytes = 64;
  HttpRequestParser parser(limits);
  std::string buffer = "GET /x HTTP/1.1\r\nX: " + std::string(100, 'a');
  EXPECT_EQ(parser.Parse(buffer), Result::kError);
  EXPECT_EQ(parser.error_status(), 431);
}

TEST(HttpRequestParserTest, ConnectionHeaderTokens) {
  int error;
  auto one = [&](const std::string& wire) { return ParseSplit(wire, 0, &error).at(0); };
  EXPECT_FALSE(one("GET / HTTP/1.1\r\nConnection: keep-alive, Close\r\n\r\n").keep_alive);
  EXPECT_TRUE(one("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keep_alive);
  EXPECT_TRUE(one("GET / HTTP/1.1\r\nConnection: upgrade\r\n\r\n").keep_alive);
}

TEST(HttpRequestParserTest, HeaderLookupIsCaseInsensitiveAndSurvivesBufferMoves) {
  HttpRequestParser parser;
  std::string buffer =
      "POST /model/m/converse?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "X-Amz-Date:  20260101T000000Z \r\nauthorization: AWS4-HMAC-SHA256 abc\r\n"
      "Content-Length: 2\r\n\r\n";
  ASSERT_EQ(parser.Parse(buffer), Result::kIncomplete);
  buffer += "{}";
  buffer.reserve(buffer.capacity() * 4);  // moves the bytes the views point into
  ASSERT_EQ(parser.Parse(buffer), Result::kComplete);
  const HttpRequest& r = parser.request();
  EXPECT_EQ(r.Header("x-amz-date"), "20260101T000000Z");
  EXPECT_EQ(r.Header("Authorization"), "AWS4-HMAC-SHA256 abc");
  EXPECT_EQ(r.Header("host"), "127.0.0.1");
  EXPECT_EQ(r.Header("content-length"), "2");
  EXPECT_FALSE(r.Header("x-missing"));
  EXPECT_FALSE(r.Header("POST /model/m/converse?x=1 HTTP/1.1"));  // the request line is no header
  EXPECT_EQ(r.body, "{}");

  HttpRequestParser bare;
  ASSERT_EQ(bare.Parse("GET /health HTTP/1.1\n\n"), Result::kComplete);
  EXPECT_TRUE(bare.request().headers.empty());
  EXPECT_FALSE(bare.request().Header("host"));
}

}  // namespace
}  // namespace llmload::mock
