// `llmload mock` as a real process on loopback, driven by a raw-socket HTTP/1.1 client so that
// the exact bytes (status line, chunk framing, SSE events) are what is checked.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/mock_process.h"
#include "support/subprocess.h"

namespace llmload::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;                            // de-chunked
  std::vector<std::string> chunks;             // each HTTP chunk's payload, when chunked
  bool complete = false;                       // the body ended as its framing said
};

// A blocking HTTP/1.1 client over one TCP connection, with a receive timeout so a broken
// server fails the test instead of hanging it.
class RawClient {
 public:
  explicit RawClient(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{20, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~RawClient() {
    if (fd_ >= 0) close(fd_);
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }
  void Close() {
    close(fd_);
    fd_ = -1;
  }

  bool Send(const std::string& data) {
    size_t off = 0;
    while (off < data.size()) {
      ssize_t n = send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += n;
    }
    return true;
  }

  // Reads one response. Returns nullopt when the connection ends before the status line.
  std::optional<Response> Read() {
    Response r;
    size_t head_end;
    while ((head_end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    std::string head = buf_.substr(0, head_end);
    buf_.erase(0, head_end + 4);
    std::vector<std::string> lines;
    size_t pos = 0;
    while (pos <= head.size()) {
      size_t nl = head.find("\r\n", pos);
      if (nl == std::string::npos) nl = head.size();
      lines.push_back(head.substr(pos, nl - pos));
      pos = nl + 2;
    }
    if (lines.empty() || lines[0].size() < 12) return std::nullopt;
    if (!absl::SimpleAtoi(lines[0].substr(9, 3), &r.status)) return std::nullopt;
    for (size_t i = 1; i < lines.size(); ++i) {
      size_t colon = lines[i].find(':');
      if (colon == std::string::npos) continue;
      r.headers[absl::AsciiStrToLower(lines[i].substr(0, colon))] =
          std::string(absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
    }
    if (r.status == 100) return r;
    if (r.headers["transfer-encoding"] == "chunked") {
      while (true) {
        size_t nl;
        while ((nl = buf_.find("\r\n")) == std::string::npos) {
          if (!Fill()) return r;
        }
        size_t size = 0;
        if (!absl::SimpleHexAtoi(buf_.substr(0, nl), &size)) return r;
        while (buf_.size() < nl + 2 + size + 2) {
          if (!Fill()) return r;
        }
        std::string payload = buf_.substr(nl + 2, size);
        buf_.erase(0, nl + 2 + size + 2);
        if (size == 0) {
          r.complete = true;
          return r;
        }
        r.chunks.push_back(payload);
        r.body += payload;
      }
    }
    size_t length = 0;
    if (r.headers.count("content-length")) {
      absl::SimpleAtoi(r.headers["content-length"], &length);
    }
    while (buf_.size() < length) {
      if (!Fill()) return r;
    }
    r.body = buf_.substr(0, length);
    buf_.erase(0, length);
    r.complete = true;
    return r;
  }

  // Waits for at least one more byte from the server.
  bool ReceiveSome() { return Fill(); }

  // True when the server closed the connection (read returns 0 or an error).
  bool ServerClosed() {
    char c;
    return recv(fd_, &c, 1, 0) <= 0;
  }

 private:
  bool Fill() {
    char tmp[65536];
    ssize_t n = recv(fd_, tmp, sizeof(tmp), 0);
    if (n <= 0) return false;
    buf_.append(tmp, n);
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buf_;
};

std::string Post(const std::string& path, const std::string& body,
                 const std::string& extra_headers = "") {
  return absl::StrCat("POST ", path, " HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                      "Content-Type: application/json\r\nContent-Length: ", body.size(), "\r\n",
                      extra_headers, "\r\n", body);
}

std::string Get(const std::string& path) {
  return absl::StrCat("GET ", path, " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
}

const char kStreamChat[] =
    R"({"model":"test-model","messages":[{"role":"user","content":"Say hello to the mock"}],)"
    R"("stream":true,"stream_options":{"include_usage":true}})";

// Parses the SSE events of a streamed body: each chunk must be exactly one `data: ...\n\n`.
std::vector<std::string> SseData(const Response& r) {
  std::vector<std::string> events;
  for (const std::string& chunk : r.chunks) {
    EXPECT_TRUE(absl::StartsWith(chunk, "data: ")) << chunk;
    EXPECT_TRUE(absl::EndsWith(chunk, "\n\n")) << chunk;
    events.push_back(chunk.substr(6, chunk.size() - 8));
  }
  return events;
}

class MockServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    mock_ = std::make_unique<MockProcess>(
        std::vector<std::string>{"--ttft", "20ms", "--itl", "5ms", "--output-tokens", "16"});
  }
  static void TearDownTestSuite() { mock_.reset(); }
  void SetUp() override { ASSERT_GT(mock_->port(), 0) << mock_->process().Output(); }
  static int port() { return mock_->port(); }

  static std::unique_ptr<MockProcess> mock_;
};
std::unique_ptr<MockProcess> MockServerTest::mock_;

TEST_F(MockServerTest, StreamsChatCompletionInOpenAiFormat) {
  const json before = mock_->Stats();
  RawClient c(port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.Send(Post("/v1/chat/completions", kStreamChat)));
  std::optional<Response> r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->headers["content-type"], "text/event-stream");
  EXPECT_EQ(r->headers["transfer-encoding"], "chunked");
  EXPECT_TRUE(r->complete);
  std::vector<std::string> events = SseData(*r);
  // role + 16 tokens + finish + usage + [DONE]
  ASSERT_EQ(events.size(), 20u) << r->body;
  EXPECT_EQ(events.back(), "[DONE]");

  const json role = json::parse(events[0]);
  EXPECT_EQ(role["object"], "chat.completion.chunk");
  EXPECT_TRUE(absl::StartsWith(role["id"].get<std::string>(), "chatcmpl-"));
  EXPECT_EQ(role["model"], "test-model");
  EXPECT_TRUE(role["created"].is_number_integer());
  EXPECT_TRUE(role["system_fingerprint"].is_string());
  EXPECT_EQ(role["choices"][0]["index"], 0);
  EXPECT_EQ(role["choices"][0]["delta"]["role"], "assistant");
  EXPECT_EQ(role["choices"][0]["delta"]["content"], "");
  EXPECT_TRUE(role["choices"][0]["finish_reason"].is_null());
  EXPECT_TRUE(role["choices"][0]["logprobs"].is_null());
  EXPECT_TRUE(role.contains("usage") && role["usage"].is_null());

  std::string content;
  for (int i = 1; i <= 16; ++i) {
    const json chunk = json::parse(events[i]);
    EXPECT_EQ(chunk["id"], role["id"]);
    const std::string token = chunk["choices"][0]["delta"]["content"];
    EXPECT_TRUE(absl::StartsWith(token, " ")) << token;
    EXPECT_TRUE(chunk["choices"][0]["finish_reason"].is_null());
    EXPECT_TRUE(chunk["usage"].is_null());
    content += token;
  }
  const json finish = json::parse(events[17]);
  EXPECT_EQ(finish["choices"][0]["delta"], json::object());
  EXPECT_EQ(finish["choices"][0]["finish_reason"], "stop");
  const json usage = json::parse(events[18]);
  EXPECT_EQ(usage["choices"], json::array());
  EXPECT_EQ(usage["usage"]["completion_tokens"], 16);
  EXPECT_EQ(usage["usage"]["prompt_tokens"], 6);  // ceil(21 bytes / 4)
  EXPECT_EQ(usage["usage"]["total_tokens"], 22);

  const json after = mock_->Stats();
  EXPECT_GE(after["streamed"].get<int>() - before["streamed"].get<int>(), 1);
  EXPECT_GE(after["completed"].get<int>() - before["completed"].get<int>(), 1);
  EXPECT_GE(after["chunks_sent"].get<int>() - before["chunks_sent"].get<int>(), 20);
  EXPECT_GE(after["tokens_sent"].get<int>() - before["tokens_sent"].get<int>(), 16);
  EXPECT_GE(after["requests_by_endpoint"]["chat_completions"].get<int>(), 1);
  // Requests on a dialect's paths are also counted per dialect.
  EXPECT_GE(after["requests_by_dialect"]["openai"].get<int>() -
                before["requests_by_dialect"]["openai"].get<int>(),
            1);
}

TEST_F(MockServerTest, StreamWithoutUsageOmitsUsageFields) {
  RawClient c(port());
  ASSERT_TRUE(c.Send(Post("/v1/chat/completions",
                          R"({"model":"m","messages":[{"role":"user","content":"x"}],)"
                          R"("stream":true,"max_tokens":4})")));
  std::optional<Response> r = c.Read();
  ASSERT_TRUE(r);
  std::vector<std::string> events = SseData(*r);
  ASSERT_EQ(events.size(), 7u) << r->body;  // role, 4 tokens, finish, [DONE]
  for (size_t i = 0; i + 1 < events.size(); ++i) {
    EXPECT_FALSE(json::parse(events[i]).contains("usage")) << events[i];
  }
  EXPECT_EQ(json::parse(events[5])["choices"][0]["finish_reason"], "length");
}

TEST_F(MockServerTest, NonStreamingChatAndCompletions) {
  RawClient c(port());
  ASSERT_TRUE(c.Send(Post("/v1/chat/completions",
                          R"({"model":"m","messages":[{"role":"user","content":"hi"}]})")));
  std::optional<Response> r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->headers["content-type"], "application/json");
  json body = json::parse(r->body);
  EXPECT_EQ(body["object"], "chat.completion");
  EXPECT_EQ(body["choices"][0]["message"]["role"], "assistant");
  const std::string content = body["choices"][0]["message"]["content"];
  EXPECT_EQ(std::count(content.begin(), content.end(), ' '), 16) << content;
  EXPECT_EQ(body["choices"][0]["finish_reason"], "stop");
  EXPECT_EQ(body["usage"]["completion_tokens"], 16);
  EXPECT_EQ(body["usage"]["prompt_tokens"], 1);

  ASSERT_TRUE(
      c.Send(Post("/v1/completions", R"({"model":"m","prompt":"abcdefgh","max_tokens":5})")));
  r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  body = json::parse(r->body);
  EXPECT_EQ(body["object"], "text_completion");
  EXPECT_TRUE(absl::StartsWith(body["id"].get<std::string>(), "cmpl-"));
  EXPECT_EQ(body["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(body["usage"]["completion_tokens"], 5);
  EXPECT_EQ(body["usage"]["prompt_tokens"], 2);
}

TEST_F(MockServerTest, StreamsCompletions) {
  RawClient c(port());
  ASSERT_TRUE(c.Send(
      Post("/v1/completions", R"({"model":"m","prompt":["a","b"],"stream":true,"max_tokens":3})")));
  std::optional<Response> r = c.Read();
  ASSERT_TRUE(r);
  std::vector<std::string> events = SseData(*r);
  ASSERT_EQ(events.size(), 5u) << r->body;  // 3 tokens, finish, [DONE]: no role chunk
  for (int i = 0; i < 3; ++i) {
    json e = json::parse(events[i]);
    EXPECT_EQ(e["object"], "text_completion");
    EXPECT_TRUE(absl::StartsWith(e["choices"][0]["text"].get<std::string>(), " "));
  }
  EXPECT_EQ(json::parse(events[3])["choices"][0]["finish_reason"], "length");
}

TEST_F(MockServerTest, ModelsAndHealth) {
  RawClient c(port());
  ASSERT_TRUE(c.Send(Get("/v1/models")));
  std::optional<Response> r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  json models = json::parse(r->body);
  EXPECT_EQ(models["object"], "list");
  ASSERT_EQ(models["data"].size(), 1u);
  EXPECT_EQ(models["data"][0]["id"], "mock-llm");
  EXPECT_EQ(models["data"][0]["object"], "model");

  ASSERT_TRUE(c.Send(Get("/health")));
  r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json::parse(r->body), json::parse(R"({"status":"ok"})"));
}

TEST_F(MockServerTest, KeepAliveAndPipelinedRequests) {
  RawClient c(port());
  // Sequential requests on one connection.
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(c.Send(Post("/v1/chat/completions", kStreamChat)));
    std::optional<Response> r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(SseData(*r).size(), 20u);
  }
  // Three pipelined requests in one write: answered in order.
  ASSERT_TRUE(c.Send(Post("/v1/chat/completions", kStreamChat) + Get("/health") +
                     Post("/v1/completions", R"({"model":"m","prompt":"x","max_tokens":2})")));
  std::optional<Response> a = c.Read();
  std::optional<Response> b = c.Read();
  std::optional<Response> d = c.Read();
  ASSERT_TRUE(a && b && d);
  EXPECT_EQ(SseData(*a).size(), 20u);
  EXPECT_EQ(b->body, R"({"status":"ok"})");
  EXPECT_EQ(json::parse(d->body)["usage"]["completion_tokens"], 2);
}

TEST_F(MockServerTest, BadRequestsGetOpenAiErrors) {
  struct Case {
    std::string request;
    int status;
    std::string param;  // "" for null
    std::string message_part;
  };
  const Case cases[] = {
      {Post("/v1/chat/completions", "{not json"), 400, "", "could not parse the JSON body"},
      {Post("/v1/chat/completions", R"({"messages":[{"role":"user","content":"x"}]})"), 400, "",
       "you must provide a model parameter"},
      {Post("/v1/chat/completions", R"({"model":"m"})"), 400, "messages",
       "Missing required parameter: 'messages'."},
      {Post("/v1/completions", R"({"model":"m"})"), 400, "prompt", "'prompt'"},
      {Post("/v1/chat/completions",
            R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":"5"})"),
       400, "max_tokens", "expected an integer"},
      {Post("/v1/chat/completions", R"({"model":"m","messages":"hi"})"), 400, "messages",
       "Invalid type for 'messages'"},
      {Post("/v1/foo", "{}"), 404, "", "Invalid URL (POST /v1/foo)"},
      {Get("/v1/chat/completions"), 405, "", "GET /v1/chat/completions"},
  };
  RawClient c(port());
  for (const Case& k : cases) {
    ASSERT_TRUE(c.Send(k.request));
    std::optional<Response> r = c.Read();
    ASSERT_TRUE(r) << k.request;
    EXPECT_EQ(r->status, k.status) << k.request;
    json e = json::parse(r->body)["error"];
    EXPECT_EQ(e["type"], "invalid_request_error");
    if (k.param.empty()) {
      EXPECT_TRUE(e["param"].is_null()) << r->body;
    } else {
      EXPECT_EQ(e["param"], k.param) << r->body;
    }
    EXPECT_NE(e["message"].get<std::string>().find(k.message_part), std::string::npos) << r->body;
  }
  // Still serving on the same connection after all of them.
  ASSERT_TRUE(c.Send(Get("/health")));
  std::optional<Response> r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(MockServerTest, HttpLevelErrorsCloseTheConnection) {
  {
    RawClient c(port());  // body over --max-body-bytes (4 MiB): refused before it is sent
    ASSERT_TRUE(c.Send("POST /v1/chat/completions HTTP/1.1\r\nContent-Length: 5000000\r\n\r\n"));
    std::optional<Response> r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
    EXPECT_NE(r->body.find("max-body-bytes"), std::string::npos);
    EXPECT_TRUE(c.ServerClosed());
  }
  {
    RawClient c(port());
    ASSERT_TRUE(c.Send("POST /v1/completions HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"));
    std::optional<Response> r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 411);
  }
  {
    RawClient c(port());
    ASSERT_TRUE(c.Send("GET /health HTTP/1.1\r\nX-Big: " + std::string(70000, 'a') + "\r\n\r\n"));
    std::optional<Response> r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 431);
  }
  {
    RawClient c(port());
    ASSERT_TRUE(c.Send("garbage\r\n\r\n"));
    std::optional<Response> r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
  }
}

TEST_F(MockServerTest, ExpectContinueAndConnectionClose) {
  RawClient c(port());
  const std::string body = R"({"model":"m","messages":[{"role":"user","content":"x"}]})";
  ASSERT_TRUE(
      c.Send(absl::StrCat("POST /v1/chat/completions HTTP/1.1\r\nContent-Length: ", body.size(),
                          "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n")));
  std::optional<Response> cont = c.Read();
  ASSERT_TRUE(cont);
  EXPECT_EQ(cont->status, 100);
  ASSERT_TRUE(c.Send(body));
  std::optional<Response> r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->headers["connection"], "close");
  EXPECT_TRUE(c.ServerClosed());
}

TEST_F(MockServerTest, ClientDisconnectMidStreamIsCountedAndHarmless) {
  const int before = mock_->Stats()["client_disconnects"].get<int>();
  {
    RawClient c(port());
    ASSERT_TRUE(c.Send(Post("/v1/chat/completions",
                            R"({"model":"m","messages":[{"role":"user","content":"x"}],)"
                            R"("stream":true,"max_tokens":100000})")));
    ASSERT_TRUE(c.ReceiveSome());  // the stream has started; now hang up
  }
  // The server notices the close and keeps serving.
  for (int i = 0; i < 100 && mock_->Stats()["client_disconnects"].get<int>() == before; ++i) {
    usleep(50'000);
  }
  EXPECT_GT(mock_->Stats()["client_disconnects"].get<int>(), before);
  RawClient c(port());
  ASSERT_TRUE(c.Send(Get("/health")));
  ASSERT_TRUE(c.Read());
}

TEST(MockServerProcessTest, InjectsRateLimitErrors) {
  MockProcess mock({"--error-rate", "1", "--error-status", "429", "--ttft", "0s"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  RawClient c(mock.port());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(c.Send(Post("/v1/chat/completions", kStreamChat)));
    std::optional<Response> r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 429);
    json e = json::parse(r->body)["error"];
    EXPECT_EQ(e["code"], "rate_limit_exceeded");
    EXPECT_EQ(e["type"], "requests");
    EXPECT_NE(e["message"].get<std::string>().find("Rate limit reached"), std::string::npos);
  }
  // Health and models are never failed on purpose.
  ASSERT_TRUE(c.Send(Get("/health")));
  EXPECT_EQ(c.Read()->status, 200);
  json stats = mock.Stats();
  EXPECT_EQ(stats["errors_injected"], 3);
  EXPECT_EQ(stats["completed"], 0);
}

// The state letter of /proc/PID/stat ('R', 'S', 'T' for stopped, ...); '?' if unreadable.
char ProcessState(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t paren = stat.rfind(')');
  return paren == std::string::npos || paren + 2 >= stat.size() ? '?' : stat[paren + 2];
}

// first_token_us starts when the mock parses a request; first_token_from_arrival_us when the
// request reached its socket. A mock held stopped while a request arrives (SIGSTOP) reads it
// late: only the second figure counts that wait, as a client's TTFT does.
TEST(MockServerProcessTest, FirstTokenFromArrivalCountsTimeBeforeTheMockReads) {
  MockProcess mock({"--ttft", "20ms", "--itl", "1ms", "--output-tokens", "2"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  RawClient c(mock.port());
  ASSERT_TRUE(c.connected());
  mock.process().Signal(SIGSTOP);
  // kill() returns before the target has stopped: send only once it has.
  ASSERT_TRUE(PollFor([&] { return ProcessState(mock.process().pid()) == 'T'; },
                      std::chrono::seconds(10), std::chrono::milliseconds(1)));
  ASSERT_TRUE(c.Send(Post("/v1/chat/completions", kStreamChat)));
  usleep(300'000);
  mock.process().Signal(SIGCONT);
  std::optional<Response> r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->complete);
  const json stats = mock.Stats();
  const int64_t from_parse = stats["first_token_us"]["max"].get<int64_t>();
  const int64_t from_arrival = stats["first_token_from_arrival_us"]["max"].get<int64_t>();
  EXPECT_GE(from_parse, 20'000);
  EXPECT_LT(from_parse, 250'000);  // TTFT 20 ms, plus whatever a loaded machine adds
  EXPECT_GE(from_arrival, 300'000 + 20'000 - 1'000);  // the 300 ms stop counts (1 ms: usleep slop)
  EXPECT_EQ(stats["first_token_from_arrival_us"]["p50"],
            stats["first_token_from_arrival_us"]["p99"]);
}

TEST(MockServerProcessTest, TruncatesStreamsOnRequest) {
  MockProcess mock({"--truncate-rate", "1", "--ttft", "0s", "--itl", "1ms"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  RawClient c(mock.port());
  ASSERT_TRUE(c.Send(Post("/v1/chat/completions",
                          R"({"model":"m","messages":[{"role":"user","content":"x"}],)"
                          R"("stream":true,"max_tokens":10})")));
  std::optional<Response> r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_FALSE(r->complete);  // no terminating chunk
  EXPECT_EQ(r->body.find("[DONE]"), std::string::npos);
  EXPECT_GE(r->chunks.size(), 2u);  // role + at least one token
  EXPECT_LT(r->chunks.size(), 11u);
  EXPECT_EQ(mock.Stats()["truncated"], 1);
}

TEST(MockServerProcessTest, StopsOnSigtermWithASummary) {
  MockProcess mock({});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  mock.process().Signal(SIGTERM);
  EXPECT_EQ(mock.process().Wait(seconds(10)), 0);
  EXPECT_NE(mock.process().Output().find("llmload mock stopped (SIGTERM): requests="),
            std::string::npos)
      << mock.process().Output();
}

TEST(MockServerProcessTest, BadFlagsExitTwoNamingTheFlag) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--ttft", "20"}, "--ttft"},
      {{"--itl", "fast"}, "--itl"},
      {{"--error-rate", "2"}, "--error-rate"},
      {{"--ttft-distribution", "zipf"}, "--ttft-distribution"},
      {{"--port", "70000"}, "--port"},
      {{"--no-such-flag"}, "no-such-flag"},
  };
  for (const auto& [args, flag] : cases) {
    std::vector<std::string> argv = {LlmloadBinary(), "mock"};
    argv.insert(argv.end(), args.begin(), args.end());
    Subprocess p(argv);
    EXPECT_EQ(p.Wait(seconds(30)), 2) << p.Output();
    EXPECT_NE(p.Output().find(flag), std::string::npos) << p.Output();
  }
}

TEST(MockServerProcessTest, PortInUseIsAClearError) {
  MockProcess first({});
  ASSERT_GT(first.port(), 0);
  Subprocess second({LlmloadBinary(), "mock", "--port", std::to_string(first.port())});
  EXPECT_EQ(second.Wait(seconds(30)), 1) << second.Output();
  EXPECT_NE(second.Output().find("cannot listen on 127.0.0.1:"), std::string::npos)
      << second.Output();
}

}  // namespace
}  // namespace llmload::testing
