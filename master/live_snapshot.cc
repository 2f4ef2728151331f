#include "master/live_snapshot.h"

namespace llmload::master {

void FillFromAggregator(const Aggregator& aggregator, int64_t now_ns, LiveSnapshot& snap) {
  const IntervalStats& totals = aggregator.totals();
  snap.requests = totals.requests();
  snap.succeeded = totals.succeeded();
  snap.failed = totals.failed();
  snap.output_tokens = totals.output_tokens;
  snap.sent = totals.sent;
  snap.dropped = totals.dropped;
  const Aggregator::WindowView window = aggregator.Window(now_ns);
  snap.qps = window.stats.requests() / window.span_s;
  snap.rpm = snap.qps * 60;
  snap.output_tokens_per_s = window.stats.output_tokens / window.span_s;
  snap.window_failures = window.stats.failed();
  snap.latency = LatencyStats::From(window.stats.e2e);
  snap.ttft = LatencyStats::From(window.stats.ttft);
  snap.itl = LatencyStats::From(window.stats.itl);
  snap.tpot = LatencyStats::From(window.stats.tpot);
  snap.send_lateness = LatencyStats::From(window.stats.send_lateness);
}

}  // namespace llmload::master
