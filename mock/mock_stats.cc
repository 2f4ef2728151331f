#include "mock/mock_stats.h"

#include <bit>

#include "absl/strings/str_cat.h"
#include "mock/dialects/dialect_table.h"

namespace llmload::mock {
namespace {

// The bucket holding the q-th quantile (nearest rank over `n` counts), or -1 when empty.
int PercentileBucket(const uint64_t* h, int n, double q) {
  uint64_t total = 0;
  for (int i = 0; i < n; ++i) total += h[i];
  if (total == 0) return -1;
  const uint64_t rank = static_cast<uint64_t>(q * static_cast<double>(total - 1));
  uint64_t seen = 0;
  for (int i = 0; i < n; ++i) {
    seen += h[i];
    if (seen > rank) return i;
  }
  return n - 1;
}

// Values below 2^10 us have a bucket each; above, each power of two is split into 512 buckets
// (the layout of common/histogram.h, in microseconds instead of nanoseconds).
constexpr int kFirstTokenSubBits = 10;
constexpr int kFirstTokenHalf = 1 << (kFirstTokenSubBits - 1);

std::string DurationsJson(const MockStats::Durations& d) {
  return absl::StrCat("{\"p50\":", d.p50_us, ",\"p99\":", d.p99_us, ",\"max\":", d.max_us, "}");
}

}  // namespace

void MockCounters::AddTo(MockStats* s) const {
  auto v = [](const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); };
  s->requests_total += v(requests_total);
  s->chat_completions_requests += v(chat_completions_requests);
  s->completions_requests += v(completions_requests);
  s->models_requests += v(models_requests);
  s->health_requests += v(health_requests);
  s->stats_requests += v(stats_requests);
  s->other_requests += v(other_requests);
  for (int i = 0; i < kMaxDialects; ++i) s->dialect_requests[i] += v(dialect_requests[i]);
  for (int i = 0; i <= kMaxCountedMessages; ++i) {
    s->requests_by_messages[i] += v(requests_by_messages[i]);
  }
  s->streamed += v(streamed);
  s->completed += v(completed);
  s->errors_injected += v(errors_injected);
  s->truncated += v(truncated);
  s->client_disconnects += v(client_disconnects);
  s->bad_requests += v(bad_requests);
  s->tokens_sent += v(tokens_sent);
  s->chunks_sent += v(chunks_sent);
  s->bytes_sent += v(bytes_sent);
  const uint64_t accepted = v(connections_accepted);
  const uint64_t closed = v(connections_closed);
  s->connections_accepted += accepted;
  s->connections_open += accepted >= closed ? accepted - closed : 0;
  s->generating_now += v(generating_now);
  s->max_generating += v(max_generating);
  s->queued_now += v(queued_now);
  s->max_queued += v(max_queued);
  s->queued_total += v(queued_total);
  s->queue_abandoned += v(queue_abandoned);
}

int LatenessBucket(uint64_t us) {
  if (us < 8) return static_cast<int>(us);
  const int msb = 63 - __builtin_clzll(us);
  const int b = (msb - 2) * 8 + static_cast<int>((us >> (msb - 3)) & 7);
  return std::min(b, MockCounters::kLatenessBuckets - 1);
}

uint64_t LatenessBucketLow(int bucket) {
  if (bucket < 8) return static_cast<uint64_t>(bucket);
  const int msb = bucket / 8 + 2;
  return (uint64_t{8} | static_cast<uint64_t>(bucket % 8)) << (msb - 3);
}

void MockCounters::RecordLateness(int64_t late_ns) {
  const uint64_t us = late_ns <= 0 ? 0 : static_cast<uint64_t>(late_ns) / 1000;
  Add(lateness[LatenessBucket(us)]);
  if (us > lateness_max_us.load(std::memory_order_relaxed)) {
    lateness_max_us.store(us, std::memory_order_relaxed);
  }
}

int FirstTokenBucket(uint64_t us) {
  us = std::min<uint64_t>(us, (uint64_t{1} << 32) - 1);
  const int e = std::max(0, static_cast<int>(std::bit_width(us)) - kFirstTokenSubBits);
  return e * kFirstTokenHalf + static_cast<int>(us >> e);
}

uint64_t FirstTokenBucketLow(int bucket) {
  if (bucket < 2 * kFirstTokenHalf) return static_cast<uint64_t>(bucket);
  const int e = bucket / kFirstTokenHalf - 1;
  return static_cast<uint64_t>(bucket - e * kFirstTokenHalf) << e;
}

uint64_t FirstTokenBucketMid(int bucket) {
  if (bucket < 2 * kFirstTokenHalf) return static_cast<uint64_t>(bucket);
  const int e = bucket / kFirstTokenHalf - 1;
  return FirstTokenBucketLow(bucket) + ((uint64_t{1} << e) - 1) / 2;
}

void FineDurationHistogram::Record(int64_t elapsed_ns) {
  const uint64_t us = elapsed_ns <= 0 ? 0 : static_cast<uint64_t>(elapsed_ns) / 1000;
  MockCounters::Add(counts[FirstTokenBucket(us)]);
  if (us > max_us.load(std::memory_order_relaxed)) max_us.store(us, std::memory_order_relaxed);
}

uint64_t MockCounters::LatenessPercentile(const std::array<uint64_t, kLatenessBuckets>& h,
                                          double q) {
  const int b = PercentileBucket(h.data(), kLatenessBuckets, q);
  return b < 0 ? 0 : LatenessBucketLow(b);
}

uint64_t FineDurationHistogram::Percentile(const std::array<uint64_t, kBuckets>& h, double q) {
  const int b = PercentileBucket(h.data(), kBuckets, q);
  return b < 0 ? 0 : FirstTokenBucketMid(b);
}

std::string MockStats::ToJson() const {
  std::string by_dialect;
  const absl::Span<const DialectEntry> dialects = DialectTable();
  for (size_t i = 0; i < dialects.size(); ++i) {
    absl::StrAppend(&by_dialect, i == 0 ? "" : ",", "\"", dialects[i].name,
                    "\":", dialect_requests[i]);
  }
  // Only the counts seen: {"1":40,"3":40,"5":40}, the last key "64+".
  std::string by_messages;
  for (int n = 1; n <= kMaxCountedMessages; ++n) {
    if (requests_by_messages[n] == 0) continue;
    absl::StrAppend(&by_messages, by_messages.empty() ? "" : ",", "\"", n,
                    n == kMaxCountedMessages ? "+" : "", "\":", requests_by_messages[n]);
  }
  return absl::StrCat(
      "{\"requests_total\":", requests_total,
      ",\"requests_by_endpoint\":{\"chat_completions\":", chat_completions_requests,
      ",\"completions\":", completions_requests, ",\"models\":", models_requests,
      ",\"health\":", health_requests, ",\"stats\":", stats_requests, ",\"other\":", other_requests,
      "},\"requests_by_dialect\":{", by_dialect, "},\"requests_by_messages\":{", by_messages,
      "},\"streamed\":", streamed, ",\"completed\":", completed,
      ",\"errors_injected\":", errors_injected, ",\"truncated\":", truncated,
      ",\"client_disconnects\":", client_disconnects, ",\"bad_requests\":", bad_requests,
      ",\"tokens_sent\":", tokens_sent, ",\"chunks_sent\":", chunks_sent,
      ",\"bytes_sent\":", bytes_sent, ",\"connections_accepted\":", connections_accepted,
      ",\"connections_open\":", connections_open, ",\"generating_now\":", generating_now,
      ",\"max_generating\":", max_generating, ",\"queued_now\":", queued_now,
      ",\"max_queued\":", max_queued, ",\"queued_total\":", queued_total,
      ",\"queue_abandoned\":", queue_abandoned,
      ",\"token_lateness_us\":{\"p50\":", token_lateness_p50_us, ",\"p99\":", token_lateness_p99_us,
      ",\"max\":", token_lateness_max_us, "},\"first_token_us\":", DurationsJson(first_token),
      ",\"first_token_from_arrival_us\":", DurationsJson(first_token_from_arrival),
      ",\"queue_wait_us\":", DurationsJson(queue_wait), "}");
}

std::string MockStats::Summary() const {
  return absl::StrCat(
      "requests=", requests_total, " streamed=", streamed, " completed=", completed,
      " errors_injected=", errors_injected, " truncated=", truncated,
      " client_disconnects=", client_disconnects, " bad_requests=", bad_requests,
      " tokens=", tokens_sent, " chunks=", chunks_sent, " bytes=", bytes_sent,
      " connections=", connections_accepted, " token_lateness_us_p50=", token_lateness_p50_us,
      " p99=", token_lateness_p99_us, " max=", token_lateness_max_us,
      " first_token_us_p50=", first_token.p50_us, " p99=", first_token.p99_us,
      " max=", first_token.max_us,
      " first_token_from_arrival_us_p50=", first_token_from_arrival.p50_us,
      " p99=", first_token_from_arrival.p99_us, " max=", first_token_from_arrival.max_us,
      " max_generating=", max_generating, " queued=", queued_total, " max_queued=", max_queued,
      " queue_abandoned=", queue_abandoned, " queue_wait_us_p50=", queue_wait.p50_us,
      " p99=", queue_wait.p99_us, " max=", queue_wait.max_us);
}

}  // namespace llmload::mock
