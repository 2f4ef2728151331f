// IntervalStats: what one agent (or one of its event-loop threads) measured during one stats
// interval. Agents send one per interval; the master merges them. Everything in it merges
// exactly (counters add, histograms merge bucket by bucket), so merged percentiles equal
// those of one histogram fed every sample, and nothing is ever averaged.
#ifndef LLMLOAD_COMMON_INTERVAL_STATS_H_
#define LLMLOAD_COMMON_INTERVAL_STATS_H_

#include <array>
#include <cstdint>
#include <vector>

#include "common/error_class.h"
#include "common/histogram.h"

namespace llmload {

// One finished request, kept only when per-request output (--csv-out) is asked for.
struct RequestRecord {
  int64_t start_offset_ns = 0;  // send time relative to the run's start
  ErrorClass status = ErrorClass::kSuccess;
  int32_t http_status = 0;
  int64_t ttft_ns = -1;  // -1: no content arrived
  int64_t e2e_ns = 0;
  int64_t itl_mean_ns = -1;  // -1: fewer than two content chunks
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  uint32_t prompt_index = 0;
  uint32_t agent_index = 0;
  uint32_t turn = 0;  // a multi-turn conversation's turn, from 0 (0 for every single request)
};

// A duration the server reported, summed for its mean (the server's prefill or decode time).
// Microseconds, so that billions of requests of an hour each cannot overflow the sum.
struct DurationSum {
  uint64_t count = 0;
  uint64_t sum_us = 0;
  void Add(int64_t ns) {
    ++count;
    sum_us += static_cast<uint64_t>(ns < 0 ? 0 : ns / 1000);
  }
  void Merge(const DurationSum& other) {
    count += other.count;
    sum_us += other.sum_us;
  }
  double mean_s() const { return count == 0 ? 0 : 1e-6 * static_cast<double>(sum_us) / count; }
};

struct IntervalStats {
  IntervalStats();

  // Bounds of the interval, in wall-clock ns since the epoch.
  int64_t start_wall_ns = 0;
  int64_t end_wall_ns = 0;

  // Requests that ended in this interval, by outcome (kSuccess included).
  std::array<uint64_t, kErrorClassCount> outcomes{};
  uint64_t input_tokens = 0;
  uint64_t output_tokens = 0;
  uint64_t tokens_from_usage = 0;   // requests whose token counts came from `usage`
  uint64_t tokens_from_chunks = 0;  // ... from counting content chunks
  uint64_t slo_met = 0;             // successful requests that met every SLO
  int64_t last_end_wall_ns = 0;     // when the latest request in here ended (0: none)
  // Attempts sent: one per request plus one per retry (common/retry_policy.h), cancelled
  // ones included. `retries` counts the attempts that were sent again, by their class.
  uint64_t attempts = 0;
  std::array<uint64_t, kErrorClassCount> retries{};

  // Histograms of successful requests only, so an error page does not look like a fast reply.
  LatencyHistogram e2e;
  LatencyHistogram ttft;
  LatencyHistogram itl;
  LatencyHistogram tpot;
  // What servers reported about their own work on successful requests, where the API says
  // (api/response_decoder.h ServerTimings): the whole request as a histogram, beside the
  // client's e2e; prefill, decode and queueing as means.
  LatencyHistogram server_total;
  DurationSum server_prompt;
  DurationSum server_decode;
  DurationSum server_queue;

  // Open loop (schedule/): requests sent for scheduled arrivals; arrivals dropped (the
  // --max-queue was full, or the run stopped while they waited); how late each send went out
  // after its scheduled time; and e2e and TTFT from the actual send ("uncorrected": they hide
  // the client's own queueing, the corrected e2e/ttft above do not).
  uint64_t sent = 0;
  uint64_t dropped = 0;
  LatencyHistogram send_lateness;
  LatencyHistogram e2e_uncorrected;
  LatencyHistogram ttft_uncorrected;
  // Requests that ended but started in the warm-up: counted here and nowhere else.
  uint64_t warmup_requests = 0;

  std::vector<RequestRecord> records;

  uint64_t requests() const;  // every ended request, cancelled ones excluded
  uint64_t succeeded() const { return outcomes[static_cast<size_t>(ErrorClass::kSuccess)]; }
  uint64_t failed() const;  // ended with an error class (not cancelled)
  uint64_t cancelled() const { return outcomes[static_cast<size_t>(ErrorClass::kCancelled)]; }

  // Adds `other` into this one; interval bounds widen to cover both.
  void Merge(const IntervalStats& other);
  void Reset();
};

}  // namespace llmload

#endif  // LLMLOAD_COMMON_INTERVAL_STATS_H_
