// The mock's own counters. Each event loop owns a MockCounters (relaxed atomics on its own
// cache lines, so threads never contend); MockServer::stats() and GET /mock/stats sum them
// into a MockStats snapshot, which tests compare with what a load tester counted.
#ifndef LLMLOAD_MOCK_MOCK_STATS_H_
#define LLMLOAD_MOCK_MOCK_STATS_H_

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace llmload::mock {

// A point-in-time snapshot.
struct MockStats {
  uint64_t requests_total = 0;             // every request whose head was read (incl. bad ones)
  uint64_t chat_completions_requests = 0;  // POST /v1/chat/completions
  uint64_t completions_requests = 0;       // POST /v1/completions
  uint64_t models_requests = 0;            // GET /v1/models[/...]
  uint64_t health_requests = 0;            // GET /health
  uint64_t stats_requests = 0;             // GET /mock/stats
  uint64_t other_requests = 0;             // unknown path or method, unparseable request
  uint64_t streamed = 0;                   // completion responses started as a stream
  uint64_t completed = 0;                  // completion responses sent to their end
  uint64_t errors_injected = 0;            // answered with --error-status by --error-rate
  uint64_t truncated = 0;                  // cut off on purpose by --truncate-rate
  uint64_t client_disconnects = 0;         // the client went away before its response ended
  uint64_t bad_requests = 0;               // 4xx answers caused by the request itself
  uint64_t tokens_sent = 0;                // completion tokens generated (streamed or not)
  uint64_t chunks_sent = 0;  // SSE events written (role, tokens, finish, usage, [DONE])
  uint64_t bytes_sent = 0;   // bytes accepted by the kernel on all connections
  uint64_t connections_accepted = 0;
  uint64_t connections_open = 0;
  // How late tokens left the mock relative to their schedule (TTFT/ITL deadlines), measured
  // inside the mock: its own timing error, whatever the client adds. Microseconds, from a
  // log-linear histogram (about 12% resolution).
  uint64_t token_lateness_p50_us = 0;
  uint64_t token_lateness_p99_us = 0;
  uint64_t token_lateness_max_us = 0;

  // {"requests_total":..,"requests_by_endpoint":{...},...} (the /mock/stats body).
  std::string ToJson() const;
  // One line for the log: "requests=.. streamed=.. ...".
  std::string Summary() const;
};

// One event loop's counters. Only its loop writes them; any thread may read.
struct alignas(64) MockCounters {
  std::atomic<uint64_t> requests_total{0};
  std::atomic<uint64_t> chat_completions_requests{0};
  std::atomic<uint64_t> completions_requests{0};
  std::atomic<uint64_t> models_requests{0};
  std::atomic<uint64_t> health_requests{0};
  std::atomic<uint64_t> stats_requests{0};
  std::atomic<uint64_t> other_requests{0};
  std::atomic<uint64_t> streamed{0};
  std::atomic<uint64_t> completed{0};
  std::atomic<uint64_t> errors_injected{0};
  std::atomic<uint64_t> truncated{0};
  std::atomic<uint64_t> client_disconnects{0};
  std::atomic<uint64_t> bad_requests{0};
  std::atomic<uint64_t> tokens_sent{0};
  std::atomic<uint64_t> chunks_sent{0};
  std::atomic<uint64_t> bytes_sent{0};
  std::atomic<uint64_t> connections_accepted{0};
  std::atomic<uint64_t> connections_closed{0};

  // Single-writer increment: a relaxed load and store, cheaper than a locked add.
  static void Add(std::atomic<uint64_t>& c, uint64_t n = 1) {
    c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  // Lateness histogram: log-linear buckets, 8 per power of two (see LatenessBucket).
  static constexpr int kLatenessBuckets = 8 * 40;
  std::array<std::atomic<uint64_t>, kLatenessBuckets> lateness{};
  std::atomic<uint64_t> lateness_max_us{0};
  void RecordLateness(int64_t late_ns);

  // Adds this loop's counters into `*into` (percentiles are left to MergeLateness).
  void AddTo(MockStats* into) const;
  // Sums the lateness histograms of `loops` and sets the percentiles of `*into`.
  template <typename Loops>
  static void MergeLateness(const Loops& loops, MockStats* into) {
    std::array<uint64_t, kLatenessBuckets> merged{};
    for (const auto& loop : loops) {
      for (int i = 0; i < kLatenessBuckets; ++i) {
        merged[i] += loop->lateness[i].load(std::memory_order_relaxed);
      }
      into->token_lateness_max_us = std::max<uint64_t>(
          into->token_lateness_max_us, loop->lateness_max_us.load(std::memory_order_relaxed));
    }
    into->token_lateness_p50_us = Percentile(merged, 0.50);
    into->token_lateness_p99_us = Percentile(merged, 0.99);
  }

 private:
  static uint64_t Percentile(const std::array<uint64_t, kLatenessBuckets>& h, double q);
};

// The bucket of a value in microseconds, and the smallest value of a bucket.
int LatenessBucket(uint64_t us);
uint64_t LatenessBucketLow(int bucket);

}  // namespace llmload::mock

#endif  // LLMLOAD_MOCK_MOCK_STATS_H_
