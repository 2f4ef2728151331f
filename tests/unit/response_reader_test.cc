// ResponseReader fed by a real libcurl transfer from a canned HTTP response on loopback (one
// connection, served by a thread of the test): the header checks, the size cap, Retry-After
// and the usage check, each with the class it gives.
#include "agent/response_reader.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "agent/curl_handles.h"
#include "api/openai_adapter.h"
#include "common/clock.h"
#include "gtest/gtest.h"

namespace llmload::agent {
namespace {

// Serves `response` once to the first connection on 127.0.0.1 (ephemeral port), then closes.
class CannedServer {
 public:
  explicit CannedServer(std::string response) : response_(std::move(response)) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || listen(fd_, 1) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      return;
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~CannedServer() {
    if (thread_.joinable()) thread_.join();
    close(fd_);
  }
  int port() const { return port_; }

 private:
  void Serve() {
    const int c = accept(fd_, nullptr, nullptr);
    if (c < 0) return;
    // A GET has no body: the request ends at its blank line.
    std::string request;
    char buf[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      const ssize_t n = recv(c, buf, sizeof(buf), 0);
      if (n <= 0) break;
      request.append(buf, n);
    }
    for (size_t sent = 0; sent < response_.size();) {
      const ssize_t n = send(c, response_.data() + sent, response_.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;  // the client hung up (a refused response)
      sent += n;
    }
    close(c);
  }

  std::string response_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

size_t Write(char* data, size_t size, size_t nmemb, void* reader) {
  const size_t n = size * nmemb;
  return static_cast<ResponseReader*>(reader)->OnBytes(absl::string_view(data, n), MonotonicNowNs())
             ? n
             : 0;
}

struct Outcome {
  ErrorClass error_class;
  CURLcode curl;
};

// One transfer of `response` through a fresh reader built from `spec`.
Outcome Fetch(const std::string& response, const WorkloadSpec& spec, ResponseReader* reader) {
  EnsureCurlGlobalInit();
  CannedServer server(response);
  EXPECT_GT(server.port(), 0);
  CurlEasy easy(curl_easy_init());
  const std::string url = absl::StrCat("http://127.0.0.1:", server.port(), "/v1/x");
  curl_easy_setopt(easy.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, &Write);
  curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, reader);
  curl_easy_setopt(easy.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy.get(), CURLOPT_TIMEOUT_MS, 10000L);
  const int64_t now = MonotonicNowNs();
  reader->Begin(easy.get(), now, now);
  const CURLcode rc = curl_easy_perform(easy.get());
  return Outcome{reader->Finish(rc, MonotonicNowNs()), rc};
}

std::string Sse(const std::string& usage_json) {
  std::string body;
  for (int i = 0; i < 4; ++i) body += "data: {\"choices\":[{\"delta\":{\"content\":\"tok\"}}]}\n\n";
  body += "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":" + usage_json +
          "}\n\ndata: [DONE]\n\n";
  return body;
}

std::string Http(const std::string& status_and_headers, const std::string& body) {
  return absl::StrCat("HTTP/1.1 ", status_and_headers, "\r\nContent-Length: ", body.size(),
                      "\r\nConnection: close\r\n\r\n", body);
}

std::unique_ptr<ResponseDecoder> OpenAiDecoder(const WorkloadSpec& spec) {
  return NewOpenAiResponseDecoder(spec.stream, spec.max_response_bytes);
}

WorkloadSpec StreamSpec() {
  WorkloadSpec spec;
  spec.stream = true;
  return spec;
}

TEST(ResponseReaderTest, AGoodStreamSucceedsWithItsUsageAndItlGaps) {
  ResponseReader reader(StreamSpec(), OpenAiDecoder(StreamSpec()));
  const Outcome o = Fetch(Http("200 OK\r\nContent-Type: text/event-stream; charset=utf-8",
                               Sse(R"({"prompt_tokens":3,"completion_tokens":4})")),
                          StreamSpec(), &reader);
  EXPECT_EQ(o.error_class, ErrorClass::kSuccess);
  EXPECT_EQ(reader.output_tokens(), 4);
  EXPECT_EQ(reader.input_tokens(), 3);
  LatencyHistogram itl;
  reader.RecordItlInto(&itl);
  EXPECT_EQ(itl.count(), 3u);  // four content chunks, three gaps
  EXPECT_EQ(reader.retry_after_ns(), std::nullopt);
}

TEST(ResponseReaderTest, BadUsageIsMalformedAndNotCounted) {
  for (const char* usage : {R"({"completion_tokens":-1000})", R"({"completion_tokens":1.5})",
                            R"({"completion_tokens":1000000})"}) {
    ResponseReader reader(StreamSpec(), OpenAiDecoder(StreamSpec()));
    const Outcome o =
        Fetch(Http("200 OK\r\nContent-Type: text/event-stream", Sse(usage)), StreamSpec(), &reader);
    EXPECT_EQ(o.error_class, ErrorClass::kMalformedUsage) << usage;
    EXPECT_FALSE(reader.tokens_from_usage()) << usage;
  }
}

TEST(ResponseReaderTest, ANonSseStreamOrAnEncodedBodyIsRefusedAtItsFirstByte) {
  ResponseReader reader(StreamSpec(), OpenAiDecoder(StreamSpec()));
  Outcome o =
      Fetch(Http("200 OK\r\nContent-Type: application/json", Sse("null")), StreamSpec(), &reader);
  EXPECT_EQ(o.error_class, ErrorClass::kUnexpectedContentType);
  EXPECT_EQ(o.curl, CURLE_WRITE_ERROR);  // stopped, not read to the end
  o = Fetch(
      Http("200 OK\r\nContent-Type: text/event-stream\r\nContent-Encoding: gzip", Sse("null")),
      StreamSpec(), &reader);
  EXPECT_EQ(o.error_class, ErrorClass::kUnexpectedEncoding);
  // No Content-Type at all: read as a stream.
  o = Fetch(Http("200 OK", Sse(R"({"completion_tokens":4})")), StreamSpec(), &reader);
  EXPECT_EQ(o.error_class, ErrorClass::kSuccess);
}

TEST(ResponseReaderTest, BodiesAndEventsOverTheCapAreTooLarge) {
  WorkloadSpec spec;
  spec.stream = false;
  spec.max_response_bytes = 1000;
  const std::string big =
      R"({"choices":[{"message":{"content":")" + std::string(5000, 'x') + R"("}}]})";
  ResponseReader reader(spec, OpenAiDecoder(spec));
  // Announced by Content-Length.
  Outcome o = Fetch(Http("200 OK\r\nContent-Type: application/json", big), spec, &reader);
  EXPECT_EQ(o.error_class, ErrorClass::kResponseTooLarge);
  EXPECT_EQ(o.curl, CURLE_WRITE_ERROR);
  // Not announced: the body runs to the end of the connection.
  o = Fetch("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n" + big,
            spec, &reader);
  EXPECT_EQ(o.error_class, ErrorClass::kResponseTooLarge);
  // Under the cap, the same reader reads a body fine.
  o = Fetch(Http("200 OK\r\nContent-Type: application/json",
                 R"({"choices":[{"message":{"content":"hi"}}],"usage":{"completion_tokens":1}})"),
            spec, &reader);
  EXPECT_EQ(o.error_class, ErrorClass::kSuccess);

  WorkloadSpec stream = StreamSpec();
  stream.max_response_bytes = 1000;
  ResponseReader stream_reader(stream, OpenAiDecoder(stream));
  o = Fetch(Http("200 OK\r\nContent-Type: text/event-stream",
                 "data: {\"x\":\"" + std::string(5000, 'y') + "\"}\n\n"),
            stream, &stream_reader);
  EXPECT_EQ(o.error_class, ErrorClass::kResponseTooLarge);
  // An error body keeps its status, however long.
  o = Fetch(Http("500 Internal Server Error\r\nContent-Type: text/plain", std::string(5000, 'e')),
            stream, &stream_reader);
  EXPECT_EQ(o.error_class, ErrorClass::kHttp5xx);
  EXPECT_EQ(o.curl, CURLE_WRITE_ERROR);
}

TEST(ResponseReaderTest, RetryAfterOfAnErrorReplyIsKeptAndCapped) {
  ResponseReader reader(StreamSpec(), OpenAiDecoder(StreamSpec()));
  Outcome o = Fetch(Http("429 Too Many Requests\r\nRetry-After: 7", "{}"), StreamSpec(), &reader);
  EXPECT_EQ(o.error_class, ErrorClass::kHttp429);
  EXPECT_EQ(reader.retry_after_ns(), 7 * kNsPerSecond);
  // Without a body (the write callback never runs) it is read at the end.
  o = Fetch(Http("503 Service Unavailable\r\nRetry-After: 999999", ""), StreamSpec(), &reader);
  EXPECT_EQ(o.error_class, ErrorClass::kHttp5xx);
  EXPECT_EQ(reader.retry_after_ns(), ResponseReader::kMaxRetryAfterNs);
  o = Fetch(Http("429 Too Many Requests\r\nRetry-After: soon", "{}"), StreamSpec(), &reader);
  EXPECT_EQ(reader.retry_after_ns(), std::nullopt);
  o = Fetch(Http("429 Too Many Requests", "{}"), StreamSpec(), &reader);
  EXPECT_EQ(reader.retry_after_ns(), std::nullopt);
  // Only error replies: a success has nothing to wait for.
  o = Fetch(Http("200 OK\r\nContent-Type: text/event-stream\r\nRetry-After: 5",
                 Sse(R"({"completion_tokens":4})")),
            StreamSpec(), &reader);
  EXPECT_EQ(o.error_class, ErrorClass::kSuccess);
  EXPECT_EQ(reader.retry_after_ns(), std::nullopt);
}

}  // namespace
}  // namespace llmload::agent
