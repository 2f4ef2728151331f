#include "common/interval_stats.h"

#include <algorithm>

namespace llmload {

IntervalStats::IntervalStats() = default;

uint64_t IntervalStats::requests() const { return succeeded() + failed(); }

uint64_t IntervalStats::failed() const {
  uint64_t n = 0;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    if (i != static_cast<size_t>(ErrorClass::kSuccess) &&
        i != static_cast<size_t>(ErrorClass::kCancelled)) {
      n += outcomes[i];
    }
  }
  return n;
}

void IntervalStats::Merge(const IntervalStats& other) {
  if (start_wall_ns == 0 || (other.start_wall_ns != 0 && other.start_wall_ns < start_wall_ns)) {
    start_wall_ns = other.start_wall_ns;
  }
  end_wall_ns = std::max(end_wall_ns, other.end_wall_ns);
  for (size_t i = 0; i < outcomes.size(); ++i) outcomes[i] += other.outcomes[i];
  input_tokens += other.input_tokens;
  output_tokens += other.output_tokens;
  tokens_from_usage += other.tokens_from_usage;
  tokens_from_chunks += other.tokens_from_chunks;
  slo_met += other.slo_met;
  last_end_wall_ns = std::max(last_end_wall_ns, other.last_end_wall_ns);
  attempts += other.attempts;
  for (size_t i = 0; i < retries.size(); ++i) retries[i] += other.retries[i];
  e2e.Merge(other.e2e);
  ttft.Merge(other.ttft);
  itl.Merge(other.itl);
  tpot.Merge(other.tpot);
  server_total.Merge(other.server_total);
  server_prompt.Merge(other.server_prompt);
  server_decode.Merge(other.server_decode);
  server_queue.Merge(other.server_queue);
  sent += other.sent;
  dropped += other.dropped;
  send_lateness.Merge(other.send_lateness);
  e2e_uncorrected.Merge(other.e2e_uncorrected);
  ttft_uncorrected.Merge(other.ttft_uncorrected);
  warmup_requests += other.warmup_requests;
  records.insert(records.end(), other.records.begin(), other.records.end());
}

void IntervalStats::Reset() {
  start_wall_ns = end_wall_ns = 0;
  outcomes.fill(0);
  input_tokens = output_tokens = tokens_from_usage = tokens_from_chunks = slo_met = 0;
  last_end_wall_ns = 0;
  attempts = 0;
  retries.fill(0);
  e2e.Reset();
  ttft.Reset();
  itl.Reset();
  tpot.Reset();
  server_total.Reset();
  server_prompt = server_decode = server_queue = DurationSum();
  sent = dropped = warmup_requests = 0;
  send_lateness.Reset();
  e2e_uncorrected.Reset();
  ttft_uncorrected.Reset();
  records.clear();
}

}  // namespace llmload
