// LiveSnapshot: the "now" of a running test, taken once per tick from the aggregator and the
// engine(s); the console view, the per-interval CSV history and the Prometheus gauges all
// render the same snapshot, so they never disagree.
#ifndef LLMLOAD_MASTER_LIVE_SNAPSHOT_H_
#define LLMLOAD_MASTER_LIVE_SNAPSHOT_H_

#include <cstdint>
#include <map>
#include <string>

#include "master/aggregator.h"
#include "master/run_summary.h"

namespace llmload::master {

struct LiveSnapshot {
  int64_t wall_ns = 0;
  double elapsed_s = 0;
  double planned_s = 0;  // 0: no --run-time
  std::string phase;     // "ramping", "running", "stopping"
  int64_t users = 0;
  int64_t target_users = 0;
  int agents = 1;
  // Agents by state (idle, running, stopping, stopped, missing). `llmload run` has one
  // in-process agent, "running" until the run stops.
  std::map<std::string, int64_t> agents_by_state;
  // Open loop: the rate asked for now; the stage of --stages in force (-1: no stages).
  bool open_loop = false;
  double target_rate = 0;
  int stage = -1;
  // A sweep (`llmload sweep`): the step in force (-1: none) and its kind.
  int sweep_step = -1;
  std::string sweep_kind;

  // Whole run so far.
  uint64_t requests = 0, succeeded = 0, failed = 0;
  uint64_t output_tokens = 0;
  uint64_t sent = 0, dropped = 0;  // open loop
  // Over the sliding window.
  double qps = 0, rpm = 0, output_tokens_per_s = 0;
  uint64_t window_failures = 0;
  LatencyStats latency, ttft, itl, tpot;
  LatencyStats send_lateness;  // open loop: actual minus scheduled send
};

// Fills the stats fields of a snapshot from the aggregator at `now_ns`.
void FillFromAggregator(const Aggregator& aggregator, int64_t now_ns, LiveSnapshot& snap);

}  // namespace llmload::master

#endif  // LLMLOAD_MASTER_LIVE_SNAPSHOT_H_
