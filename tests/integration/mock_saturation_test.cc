// `llmload mock --max-concurrency N`: the mock generates at most N completions at once and
// queues the rest in a FIFO, so it saturates at a known rate. Real mock processes on loopback,
// raw sockets, one client thread per request, so each request's timeline (response head,
// first token, end) is stamped as it arrives. Timing checks are lower bounds only (a queued
// request cannot start before a slot frees), which a loaded machine cannot break.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/mock_process.h"
#include "support/subprocess.h"

namespace llmload::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// One blocking loopback connection with a receive timeout, so a broken mock fails the test
// instead of hanging it.
class Connection {
 public:
  explicit Connection(int port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    timeval tv{30, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~Connection() { Close(); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool connected() const { return connected_; }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  bool Send(const std::string& data) {
    size_t off = 0;
    while (off < data.size()) {
      const ssize_t n = send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    return true;
  }
  // Appends what arrives to `*buf`; false on EOF, error or timeout.
  bool Receive(std::string* buf) {
    char tmp[16384];
    const ssize_t n = recv(fd_, tmp, sizeof(tmp), 0);
    if (n <= 0) return false;
    buf->append(tmp, static_cast<size_t>(n));
    return true;
  }

 private:
  int fd_;
  bool connected_ = false;
};

// When each part of one response arrived, in ms after the test's t0; -1 if it never did.
struct Timeline {
  double head_ms = -1;         // the first bytes (sent when the request is admitted)
  double first_token_ms = -1;  // the first SSE event (the first token of a /v1/completions stream)
  double end_ms = -1;          // the terminating chunk, or EOF of a Connection: close response
  std::string bytes;
};

double MsSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// Reads one response on `c` until its end: the last chunk of a chunked body, or EOF.
Timeline ReadTimeline(Connection& c, Clock::time_point t0) {
  Timeline t;
  while (c.Receive(&t.bytes)) {
    if (t.head_ms < 0) t.head_ms = MsSince(t0);
    const size_t head_end = t.bytes.find("\r\n\r\n");
    if (t.first_token_ms < 0 && head_end != std::string::npos &&
        t.bytes.find("data: ", head_end) != std::string::npos) {
      t.first_token_ms = MsSince(t0);
    }
    if (absl::EndsWith(t.bytes, "\r\n0\r\n\r\n")) {
      t.end_ms = MsSince(t0);
      return t;
    }
  }
  if (!t.bytes.empty() && !absl::StrContains(t.bytes, "chunked")) t.end_ms = MsSince(t0);
  return t;
}

std::string Post(const std::string& path, const std::string& body,
                 const std::string& extra_headers = "") {
  return absl::StrCat("POST ", path, " HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                      "Content-Type: application/json\r\nContent-Length: ", body.size(), "\r\n",
                      extra_headers, "\r\n", body);
}

const char kStreamCompletion[] = R"({"model":"m","prompt":"x","stream":true})";

// Opens `requests.size()` connections first, then sends every request back to back and
// reads each response on its own thread. t0 is taken before the first send, so no request
// can have been admitted before it.
std::vector<Timeline> RunAtOnce(int port, const std::vector<std::string>& requests) {
  std::vector<std::unique_ptr<Connection>> conns;
  for (size_t i = 0; i < requests.size(); ++i) {
    conns.push_back(std::make_unique<Connection>(port));
    EXPECT_TRUE(conns.back()->connected());
  }
  std::vector<Timeline> timelines(requests.size());
  const Clock::time_point t0 = Clock::now();
  for (size_t i = 0; i < requests.size(); ++i) EXPECT_TRUE(conns[i]->Send(requests[i]));
  std::vector<std::thread> readers;
  for (size_t i = 0; i < requests.size(); ++i) {
    readers.emplace_back([&, i] { timelines[i] = ReadTimeline(*conns[i], t0); });
  }
  for (std::thread& t : readers) t.join();
  return timelines;
}

std::vector<double> Sorted(const std::vector<Timeline>& timelines, double Timeline::*field) {
  std::vector<double> v;
  for (const Timeline& t : timelines) v.push_back(t.*field);
  std::sort(v.begin(), v.end());
  return v;
}

// ttft 200 ms, then 10 tokens 20 ms apart: one generation takes G = 200 + 9 * 20 = 380 ms.
constexpr double kTtftMs = 200;
constexpr double kGenerationMs = 380;
const std::vector<std::string> kTiming = {"--ttft", "200ms",           "--itl",
                                          "20ms",   "--output-tokens", "10"};

std::vector<std::string> WithTiming(std::vector<std::string> args) {
  args.insert(args.end(), kTiming.begin(), kTiming.end());
  return args;
}

TEST(MockSaturationTest, SixStreamsOnTwoSlotsRunInThreeWaves) {
  MockProcess mock(WithTiming({"--max-concurrency", "2", "--threads", "1"}));
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::vector<Timeline> t = RunAtOnce(
      mock.port(), std::vector<std::string>(6, Post("/v1/completions", kStreamCompletion)));
  for (const Timeline& x : t) {
    ASSERT_GE(x.end_ms, 0) << x.bytes;
    EXPECT_TRUE(absl::StrContains(x.bytes, "data: [DONE]")) << x.bytes;
    EXPECT_GE(x.end_ms, x.first_token_ms);
  }
  // The k-th first token needs the k-th admission plus TTFT. Admissions 3 and 4 wait for one
  // of the first two generations to end, 5 and 6 for two generations in a row on one slot.
  const std::vector<double> first = Sorted(t, &Timeline::first_token_ms);
  const double slack = 1;  // ms: rounding of the two processes' clock reads
  EXPECT_GE(first[0], kTtftMs - slack);
  EXPECT_GE(first[1], kTtftMs - slack);
  EXPECT_GE(first[2], kGenerationMs + kTtftMs - slack);
  EXPECT_GE(first[3], kGenerationMs + kTtftMs - slack);
  EXPECT_GE(first[4], 2 * kGenerationMs + kTtftMs - slack);
  EXPECT_GE(first[5], 2 * kGenerationMs + kTtftMs - slack);
  // Nothing is sent for a waiting request before its admission: its head comes with it.
  const std::vector<double> heads = Sorted(t, &Timeline::head_ms);
  EXPECT_GE(heads[2], kGenerationMs - slack);
  EXPECT_GE(heads[4], 2 * kGenerationMs - slack);

  const json stats = mock.Stats();
  EXPECT_EQ(stats["queued_total"], 4) << stats.dump();
  EXPECT_EQ(stats["max_queued"], 4);
  EXPECT_EQ(stats["max_generating"], 2);
  EXPECT_EQ(stats["queued_now"], 0);
  EXPECT_EQ(stats["generating_now"], 0);
  EXPECT_EQ(stats["queue_abandoned"], 0);
  EXPECT_EQ(stats["completed"], 6);
  EXPECT_EQ(stats["streamed"], 6);
  // The last two waited for two generations, less the moment they arrived after the first.
  EXPECT_GE(stats["queue_wait_us"]["max"].get<int64_t>(), int64_t{1000} * kGenerationMs);
  // The TTFT the mock counts from arrival adds the wait (first_token_us counts from admission).
  EXPECT_GE(stats["first_token_from_arrival_us"]["max"].get<int64_t>(),
            int64_t{1000} * (kGenerationMs + kTtftMs));
}

TEST(MockSaturationTest, WithoutALimitNothingWaits) {
  MockProcess mock(WithTiming({}));
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::vector<Timeline> t = RunAtOnce(
      mock.port(), std::vector<std::string>(6, Post("/v1/completions", kStreamCompletion)));
  for (const Timeline& x : t) {
    ASSERT_GE(x.end_ms, 0) << x.bytes;
    EXPECT_GE(x.first_token_ms, kTtftMs - 1);
  }
  const json stats = mock.Stats();
  EXPECT_EQ(stats["queued_total"], 0) << stats.dump();
  EXPECT_EQ(stats["max_queued"], 0);
  EXPECT_EQ(stats["max_generating"], 6);  // all six were read within the first 380 ms
  EXPECT_EQ(stats["queue_wait_us"]["max"], 0);
  EXPECT_EQ(stats["completed"], 6);
}

// Non-streamed answers and other dialects take slots too: one OpenAI and one Anthropic
// request on one slot end one generation apart.
TEST(MockSaturationTest, EveryDialectAndNonStreamedAnswersShareTheSlots) {
  MockProcess mock(WithTiming({"--max-concurrency", "1"}));
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string close = "Connection: close\r\n";
  const std::vector<Timeline> t = RunAtOnce(
      mock.port(),
      {Post("/v1/chat/completions", R"({"model":"m","messages":[{"role":"user","content":"x"}]})",
            close),
       Post("/v1/messages",
            R"({"model":"m","max_tokens":10,"messages":[{"role":"user","content":"x"}]})", close)});
  for (const Timeline& x : t) {
    ASSERT_GE(x.end_ms, 0) << x.bytes;
    EXPECT_TRUE(absl::StartsWith(x.bytes, "HTTP/1.1 200")) << x.bytes;
  }
  const std::vector<double> ends = Sorted(t, &Timeline::end_ms);
  EXPECT_GE(ends[0], kGenerationMs - 1);
  EXPECT_GE(ends[1], 2 * kGenerationMs - 1);
  const json stats = mock.Stats();
  EXPECT_EQ(stats["queued_total"], 1) << stats.dump();
  EXPECT_EQ(stats["max_generating"], 1);
  EXPECT_EQ(stats["completed"], 2);
}

// A waiter whose client hangs up leaves the queue: it is never admitted (no ghost holding a
// slot), and the next request is served once the slot frees. Non-completion requests are
// answered at once while every slot is taken.
TEST(MockSaturationTest, ADisconnectingWaiterLeavesTheQueue) {
  // One slot; a request without max_tokens streams 100,000 tokens (1,000 s): it holds the
  // slot until its client hangs up.
  MockProcess mock(
      {"--max-concurrency", "1", "--ttft", "10ms", "--itl", "10ms", "--output-tokens", "100000"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  auto stat = [&](const char* key) { return mock.Stats()[key].get<int64_t>(); };
  const std::chrono::seconds kWait(20);

  Connection a(mock.port());
  ASSERT_TRUE(a.Send(Post("/v1/completions", kStreamCompletion)));
  std::string a_bytes;
  ASSERT_TRUE(a.Receive(&a_bytes));  // admitted: its head has come
  EXPECT_EQ(stat("generating_now"), 1);

  {
    Connection b(mock.port());
    ASSERT_TRUE(b.Send(Post("/v1/completions", kStreamCompletion)));
    ASSERT_TRUE(PollFor([&] { return stat("queued_now") == 1; }, kWait));
    // Health is never queued, even with every slot taken and a waiter.
    Connection h(mock.port());
    ASSERT_TRUE(h.Send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
    Timeline health = ReadTimeline(h, Clock::now());
    EXPECT_TRUE(absl::StartsWith(health.bytes, "HTTP/1.1 200")) << health.bytes;
  }  // b hangs up while waiting
  ASSERT_TRUE(PollFor([&] { return stat("queue_abandoned") == 1; }, kWait));
  EXPECT_EQ(stat("queued_now"), 0);
  EXPECT_EQ(stat("generating_now"), 1);  // still only a
  EXPECT_EQ(stat("streamed"), 1);        // b never started

  Connection c(mock.port());
  ASSERT_TRUE(c.Send(
      Post("/v1/completions", R"({"model":"m","prompt":"x","stream":true,"max_tokens":3})")));
  ASSERT_TRUE(PollFor([&] { return stat("queued_now") == 1; }, kWait));
  a.Close();  // ends a's generation: c is admitted (b, gone, must not be)
  const Timeline tc = ReadTimeline(c, Clock::now());
  ASSERT_GE(tc.end_ms, 0) << tc.bytes;
  EXPECT_TRUE(absl::StrContains(tc.bytes, "data: [DONE]")) << tc.bytes;

  ASSERT_TRUE(PollFor([&] { return stat("client_disconnects") == 2; }, kWait));  // a and b
  const json stats = mock.Stats();
  EXPECT_EQ(stats["queued_total"], 2) << stats.dump();  // b and c
  EXPECT_EQ(stats["queue_abandoned"], 1);
  EXPECT_EQ(stats["queued_now"], 0);
  EXPECT_EQ(stats["generating_now"], 0);
  EXPECT_EQ(stats["max_generating"], 1);
  EXPECT_EQ(stats["streamed"], 2);  // a and c
  EXPECT_EQ(stats["completed"], 1);
}

// With several loops each enforces its share (3 over 2 loops: 2 and 1), wherever the kernel
// puts the connections: never more than 3 generate, and at least 5 of 8 wait.
TEST(MockSaturationTest, TheLimitIsSplitOverTheLoops) {
  MockProcess mock(WithTiming({"--max-concurrency", "3", "--threads", "2"}));
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::vector<Timeline> t = RunAtOnce(
      mock.port(), std::vector<std::string>(8, Post("/v1/completions", kStreamCompletion)));
  for (const Timeline& x : t) ASSERT_GE(x.end_ms, 0) << x.bytes;
  const json stats = mock.Stats();
  EXPECT_LE(stats["max_generating"].get<int>(), 3) << stats.dump();
  EXPECT_GE(stats["queued_total"].get<int>(), 5);
  EXPECT_EQ(stats["completed"], 8);
  EXPECT_EQ(stats["queued_now"], 0);
}

TEST(MockSaturationTest, BadLimitsExitTwoNamingTheFlag) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--max-concurrency", "-1"},
        std::vector<std::string>{"--max-concurrency", "1", "--threads", "2"}}) {
    std::vector<std::string> argv = {LlmloadBinary(), "mock", "--port", "0"};
    argv.insert(argv.end(), args.begin(), args.end());
    Subprocess p(argv);
    EXPECT_EQ(p.Wait(std::chrono::seconds(30)), 2) << p.Output();
    EXPECT_NE(p.Output().find("--max-concurrency"), std::string::npos) << p.Output();
  }
}

}  // namespace
}  // namespace llmload::testing
