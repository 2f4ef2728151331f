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

// How many dialects (mock/dialects/dialect_table.cc) the per-dialect counters have room for.
inline constexpr int kMaxDialects = 16;
// Chat requests are counted by how many messages they carried, 1 to this many; more count here.
inline constexpr int kMaxCountedMessages = 64;

// A point-in-time snapshot.
struct MockStats {
  uint64_t requests_total = 0;             // every request whose head was read (incl. bad ones)
  uint64_t chat_completions_requests = 0;  // POST /v1/chat/completions
  uint64_t completions_requests = 0;       // POST /v1/completions
  uint64_t models_requests = 0;            // GET /v1/models[/...]
  uint64_t health_requests = 0;            // GET /health
  uint64_t stats_requests = 0;             // GET /mock/stats
  uint64_t other_requests = 0;             // unknown path or method, unparseable request
  // Requests on each dialect's paths (any method), by DialectTable() index.
  std::array<uint64_t, kMaxDialects> dialect_requests{};
  // Accepted chat requests by their number of messages (index n: n messages; the last index
  // kMaxCountedMessages or more): what a multi-turn client's history looks like from here.
  std::array<uint64_t, kMaxCountedMessages + 1> requests_by_messages{};
  uint64_t streamed = 0;            // completion responses started as a stream
  uint64_t completed = 0;           // completion responses sent to their end
  uint64_t errors_injected = 0;     // answered with --error-status by --error-rate
  uint64_t truncated = 0;           // cut off on purpose by --truncate-rate
  uint64_t client_disconnects = 0;  // the client went away before its response ended
  uint64_t bad_requests = 0;        // 4xx answers caused by the request itself
  uint64_t tokens_sent = 0;         // completion tokens generated (streamed or not)
  uint64_t chunks_sent = 0;         // SSE events written (role, tokens, finish, usage, [DONE])
  uint64_t bytes_sent = 0;          // bytes accepted by the kernel on all connections
  uint64_t connections_accepted = 0;
  uint64_t connections_open = 0;
  // How late tokens left the mock relative to their schedule (TTFT/ITL deadlines), measured
  // inside the mock: its own timing error, whatever the client adds. Microseconds, from a
  // log-linear histogram (about 12% resolution).
  uint64_t token_lateness_p50_us = 0;
  uint64_t token_lateness_p99_us = 0;
  uint64_t token_lateness_max_us = 0;
  // The server's side of TTFT, for judging a load tester's TTFT, in microseconds at the
  // midpoint of a bucket at most 0.2% wide (within 0.1%, 20 us at 20 ms): the coarse lateness
  // histogram would hide the sub-millisecond differences these are compared for. Both end when
  // a streamed completion's first content chunk is queued for send() (the send follows in the
  // same pass of the loop).
  struct Durations {
    uint64_t p50_us = 0;
    uint64_t p99_us = 0;
    uint64_t max_us = 0;
  };
  // From the moment the mock parsed the request (the instant its TTFT deadline counts from).
  Durations first_token;
  // From the moment the request's last bytes reached the mock's socket (the kernel's receive
  // timestamp, SO_TIMESTAMPNS): also counts the time the request waited in the socket buffer
  // for a busy mock to read it, as any server's queueing counts in the TTFT its clients see.
  // A client's TTFT minus this is what lies outside the server: the two trips through the
  // network and the client's own delays. Without a kernel timestamp, the parse time.
  Durations first_token_from_arrival;

  // The batch-slot queue of --max-concurrency (all 0 but generating_now/max_generating without
  // it). The *_now figures are gauges at the snapshot; the max_* figures each loop's peak,
  // summed over the loops (exact with one loop, an upper bound of the true peak with more).
  uint64_t generating_now = 0;   // completions admitted and not ended yet
  uint64_t max_generating = 0;   // the most admitted at once
  uint64_t queued_now = 0;       // completion requests waiting for a slot
  uint64_t max_queued = 0;       // the most waiting at once
  uint64_t queued_total = 0;     // completion requests that had to wait
  uint64_t queue_abandoned = 0;  // waiters whose client went away before their admission
  // Parse -> admission of every admitted completion (0 when a slot was free), the part of
  // first_token_from_arrival spent waiting for a slot.
  Durations queue_wait;

  // {"requests_total":..,"requests_by_endpoint":{...},"requests_by_dialect":{"openai":..},...}
  // (the /mock/stats body).
  std::string ToJson() const;
  // One line for the log: "requests=.. streamed=.. ...".
  std::string Summary() const;
};

// A histogram of durations in microseconds, fine enough to compare sub-millisecond
// differences: 1 us buckets below 1,024 us, then 512 per power of two up to 2^32 us (see
// FirstTokenBucket); 96 KiB, written by one event loop, read by any thread.
struct FineDurationHistogram {
  static constexpr int kBuckets = 24 * 512;
  std::array<std::atomic<uint64_t>, kBuckets> counts{};
  std::atomic<uint64_t> max_us{0};

  void Record(int64_t elapsed_ns);
  // p50/p99/max of the sum of `histogram_of(loop)` over `loops`.
  template <typename Loops, typename Get>
  static MockStats::Durations Summarize(const Loops& loops, Get histogram_of) {
    std::array<uint64_t, kBuckets> merged{};
    MockStats::Durations d;
    for (const auto& loop : loops) {
      const FineDurationHistogram& h = *histogram_of(loop);
      for (int i = 0; i < kBuckets; ++i) merged[i] += h.counts[i].load(std::memory_order_relaxed);
      d.max_us = std::max<uint64_t>(d.max_us, h.max_us.load(std::memory_order_relaxed));
    }
    d.p50_us = Percentile(merged, 0.50);
    d.p99_us = Percentile(merged, 0.99);
    return d;
  }

 private:
  static uint64_t Percentile(const std::array<uint64_t, kBuckets>& h, double q);
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
  std::array<std::atomic<uint64_t>, kMaxDialects> dialect_requests{};
  std::array<std::atomic<uint64_t>, kMaxCountedMessages + 1> requests_by_messages{};
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
  // The batch-slot queue (see MockStats); the gauges are set by their loop.
  std::atomic<uint64_t> generating_now{0};
  std::atomic<uint64_t> max_generating{0};
  std::atomic<uint64_t> queued_now{0};
  std::atomic<uint64_t> max_queued{0};
  std::atomic<uint64_t> queued_total{0};
  std::atomic<uint64_t> queue_abandoned{0};

  // Single-writer increment: a relaxed load and store, cheaper than a locked add.
  static void Add(std::atomic<uint64_t>& c, uint64_t n = 1) {
    c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  // Single-writer gauge: sets `now` and raises `peak` to it.
  static void SetGauge(std::atomic<uint64_t>& now, std::atomic<uint64_t>& peak, uint64_t v) {
    now.store(v, std::memory_order_relaxed);
    if (v > peak.load(std::memory_order_relaxed)) peak.store(v, std::memory_order_relaxed);
  }
  // Lateness histogram: log-linear buckets, 8 per power of two (see LatenessBucket).
  static constexpr int kLatenessBuckets = 8 * 40;
  std::array<std::atomic<uint64_t>, kLatenessBuckets> lateness{};
  std::atomic<uint64_t> lateness_max_us{0};
  void RecordLateness(int64_t late_ns);
  FineDurationHistogram first_token;               // see MockStats::first_token
  FineDurationHistogram first_token_from_arrival;  // see MockStats::first_token_from_arrival
  FineDurationHistogram queue_wait;                // see MockStats::queue_wait

  // Adds this loop's counters into `*into` (percentiles are left to MergeHistograms).
  void AddTo(MockStats* into) const;
  // Sums the lateness, first-token and queue-wait histograms of `loops` and sets the
  // percentiles of `*into`.
  template <typename Loops>
  static void MergeHistograms(const Loops& loops, MockStats* into) {
    std::array<uint64_t, kLatenessBuckets> lateness_merged{};
    for (const auto& loop : loops) {
      for (int i = 0; i < kLatenessBuckets; ++i) {
        lateness_merged[i] += loop->lateness[i].load(std::memory_order_relaxed);
      }
      into->token_lateness_max_us = std::max<uint64_t>(
          into->token_lateness_max_us, loop->lateness_max_us.load(std::memory_order_relaxed));
    }
    into->token_lateness_p50_us = LatenessPercentile(lateness_merged, 0.50);
    into->token_lateness_p99_us = LatenessPercentile(lateness_merged, 0.99);
    into->first_token =
        FineDurationHistogram::Summarize(loops, [](const auto& l) { return &l->first_token; });
    into->first_token_from_arrival = FineDurationHistogram::Summarize(
        loops, [](const auto& l) { return &l->first_token_from_arrival; });
    into->queue_wait =
        FineDurationHistogram::Summarize(loops, [](const auto& l) { return &l->queue_wait; });
  }

 private:
  static uint64_t LatenessPercentile(const std::array<uint64_t, kLatenessBuckets>& h, double q);
};

// The bucket of a value in microseconds, and the smallest value of a bucket.
int LatenessBucket(uint64_t us);
uint64_t LatenessBucketLow(int bucket);
// The same for the first-token histogram (values of 2^32 us and more share the top bucket),
// and the value a bucket reports: its midpoint, rounded down.
int FirstTokenBucket(uint64_t us);
uint64_t FirstTokenBucketLow(int bucket);
uint64_t FirstTokenBucketMid(int bucket);

}  // namespace llmload::mock

#endif  // LLMLOAD_MOCK_MOCK_STATS_H_
