// MockServer: the simulated OpenAI-compatible endpoint, usable in-process (tests, `llmload run`
// without --url) or through `llmload mock`. Start() binds, starts its event-loop threads and
// returns; Stop() (or the destructor) stops and joins them. Each thread runs an EventLoop with
// its own SO_REUSEPORT listener, so there is no thread per connection and no shared lock.
// --max-concurrency N caps the completions being generated at once, like a serving engine's
// batch slots (vLLM's max_num_seqs): more wait in a FIFO. To keep the loops free of a shared
// lock, the cap is split over the loops (LoopMaxConcurrency) and each loop enforces its share
// on its own connections; exact with one loop (the default).
#ifndef LLMLOAD_MOCK_MOCK_SERVER_H_
#define LLMLOAD_MOCK_MOCK_SERVER_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "mock/latency_model.h"
#include "mock/mock_stats.h"

namespace llmload::mock {

class EventLoop;

struct MockOptions {
  std::string host = "127.0.0.1";
  int port = 0;     // 0: an ephemeral port (the `llmload mock` flag defaults to 8000)
  int threads = 1;  // event-loop threads
  LatencyModel ttft{absl::Milliseconds(50)};  // request read -> first content token
  LatencyModel itl{absl::Milliseconds(10)};   // between content tokens
  // Output length: a fixed count (capped by the request's max_tokens), else the request's
  // max_completion_tokens / max_tokens, else default_output_tokens.
  std::optional<int64_t> output_tokens;
  int64_t default_output_tokens = 128;
  double error_rate = 0;     // fraction of completion requests answered with error_status
  int error_status = 500;    // 400..599; 429 gets OpenAI's rate-limit body
  double truncate_rate = 0;  // fraction of completion responses cut off mid-stream
  uint64_t seed = 0;         // token text, jitter, error and truncation draws
  size_t max_body_bytes = 4 * 1024 * 1024;  // larger bodies get 413
  size_t max_header_bytes = 64 * 1024;      // larger header sections get 431
  std::string model = "mock-llm";           // what GET /v1/models lists
  // Completion requests generated at once; more wait in a FIFO, their TTFT counting from
  // admission (0: no limit). With several loops each gets its share (LoopMaxConcurrency).
  int max_concurrency = 0;
};

// Loop `loop`'s share of options.max_concurrency over options.threads loops, by largest
// remainder (equal weights: N / threads each, one more for the first N % threads loops);
// 0 (no limit) when max_concurrency is 0.
int LoopMaxConcurrency(const MockOptions& options, int loop);

// Checks ranges (port, threads, rates, status, token counts); InvalidArgument names the field.
absl::Status ValidateMockOptions(const MockOptions& options);

class MockServer {
  // Only members can name PrivateTag, so only Start() constructs a server.
  struct PrivateTag {
    explicit PrivateTag() = default;
  };

 public:
  // Validates `options`, raises RLIMIT_NOFILE to its hard limit (so 10k+ connections work),
  // binds, and starts the event loops. Fails with a message naming the address on bind errors.
  static absl::StatusOr<std::unique_ptr<MockServer>> Start(const MockOptions& options);
  MockServer(PrivateTag, const MockOptions& options);
  ~MockServer();  // Stop()
  MockServer(const MockServer&) = delete;
  MockServer& operator=(const MockServer&) = delete;

  // The bound port (the ephemeral one when options.port was 0).
  int port() const { return port_; }
  const std::string& host() const { return options_.host; }
  // "http://HOST:PORT" (IPv6 hosts in brackets). Clients append "/v1".
  std::string base_url() const;
  const MockOptions& options() const { return options_; }

  // Stops accepting, closes every connection and joins the threads. Idempotent.
  void Stop();

  // A snapshot of the counters of all loops.
  MockStats stats() const;

 private:
  MockOptions options_;
  int port_ = 0;
  std::atomic<uint64_t> request_seq_{0};  // numbers completion requests for --seed draws
  std::vector<std::unique_ptr<MockCounters>> counters_;  // one per loop
  std::vector<std::unique_ptr<EventLoop>> loops_;
  std::vector<std::thread> threads_;
  bool stopped_ = false;
};

}  // namespace llmload::mock

#endif  // LLMLOAD_MOCK_MOCK_SERVER_H_
