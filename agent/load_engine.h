// LoadEngine: one agent's load generator. It owns N EventLoop threads (EngineThread), splits
// the agent's users across them (user i runs on thread i mod N, started at ramp_start + i /
// spawn_rate, so the ramp is exact however many threads there are), and hands out what they
// measured. The master talks to it only through desired state (SetTarget) and Stop, which is
// the same contract the gRPC agent obeys, so `llmload run` and the distributed mode share it.
#ifndef LLMLOAD_AGENT_LOAD_ENGINE_H_
#define LLMLOAD_AGENT_LOAD_ENGINE_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "agent/engine_shared.h"
#include "agent/engine_thread.h"
#include "common/interval_stats.h"
#include "common/workload_spec.h"
#include "schedule/load_target.h"

namespace llmload::agent {

struct EngineOptions {
  int threads = 0;  // 0: one per core
  uint32_t agent_index = 0;
  // Trace replay: the engine sends lines trace_stripe, trace_stripe + trace_stripes, ... of
  // spec.trace (schedule/trace_replay.h); a local run is stripe 0 of 1.
  int64_t trace_stripe = 0;
  int64_t trace_stripes = 1;
  // This engine's share of --max-concurrency (the master's split); 0: the spec's whole cap. A
  // capped replay runs no more threads than it has slots, so that each thread has one.
  int64_t max_concurrency_share = 0;
  // Resuming a replay an earlier engine of the run began (an agent that lost its master and
  // rejoined): the stripe's lines it already sent or dropped, when the run counts them (it
  // has a budget); otherwise, with trace_sent < 0, the time elapsed on the run's time line,
  // and the engine resumes with the first send due after it.
  int64_t trace_sent = 0;
  int64_t trace_elapsed_ns = 0;
};

class LoadEngine {
  // Only Create() can name this, so only Create() constructs an engine.
  struct PrivateTag {
    explicit PrivateTag() = default;
  };

 public:
  // Validates the spec and builds request bodies; starts no thread yet.
  static absl::StatusOr<std::unique_ptr<LoadEngine>> Create(const WorkloadSpec& spec,
                                                            const EngineOptions& options);
  explicit LoadEngine(PrivateTag) {}
  ~LoadEngine();

  // Starts the event-loop threads; `run_start_ns` (monotonic) is time zero of the records.
  void Start(int64_t run_start_ns);
  // Desired state of this engine as a whole: closed loop, `users` in total, new ones at
  // `spawn_rate` per second; open loop, `open` is the engine's share of the rate, cap and
  // queue, and its first send's phase after the run's start.
  void SetTarget(const schedule::LoadTarget& target);
  // Stops starting requests; in-flight ones get `grace` to finish, then are cancelled.
  void Stop(absl::Duration grace);
  // Waits for every thread to exit (call after Stop).
  void Join();

  // Merges what was measured since the last call, across threads, into `out`; false when
  // there was nothing. Allocates nothing, so it can be called often.
  bool TakeStats(IntervalStats* out);

  int threads() const { return static_cast<int>(threads_.size()); }
  int64_t running_users() const;
  int64_t in_flight() const;
  // Summed over threads: time their loops spent working rather than waiting (see
  // agent/saturation_watch.h).
  int64_t busy_ns(int64_t now_ns) const;
  // Requests taken from the --requests budget (never more than the budget); 0 without one.
  int64_t requests_started() const;
  // True when --requests is used up and nothing is in flight any more.
  bool budget_done() const;
  bool finished() const;

 private:
  std::unique_ptr<EngineShared> shared_;
  std::vector<std::unique_ptr<EngineThread>> threads_;
};

}  // namespace llmload::agent

#endif  // LLMLOAD_AGENT_LOAD_ENGINE_H_
