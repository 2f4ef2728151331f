// SweepDriver: runs a capacity search's steps (schedule/sweep_plan.h) on the run loop's load
// source, one after another, each measured on its own:
//   send (the step's target, its first `warmup` left out by the engines) -> drain (no new
//   sends until nothing is in flight) -> settle -> new aggregator segment -> settle -> next.
// The quiet settle on each side of a segment boundary lasts at least one stats interval, so
// that no delta holding one step's requests has its middle on the other side (the aggregator
// files a delta by the middle of its interval): every step's figures are its own requests,
// and nothing of a step is lost. A step that does not drain within the drain limit ends the
// sweep, since its late replies would be counted in the next step.
#ifndef LLMLOAD_MASTER_SWEEP_DRIVER_H_
#define LLMLOAD_MASTER_SWEEP_DRIVER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "master/aggregator.h"
#include "master/load_source.h"
#include "master/run_summary.h"
#include "schedule/load_target.h"
#include "schedule/sweep_plan.h"

namespace llmload::master {

struct SweepConfig {
  schedule::SweepOptions options;
  absl::Duration step_time = absl::Seconds(30);
  absl::Duration warmup = absl::Seconds(6);
  absl::Duration settle = absl::Seconds(1);        // each side of a segment boundary
  absl::Duration drain_limit = absl::Seconds(30);  // a step's replies, after it stops sending
  int64_t max_queue = 0;                           // the rate steps' queue for --max-concurrency
  bool constant_arrivals = true;                   // the rate steps' sends carry no sampling noise
};

class SweepDriver {
 public:
  SweepDriver(const SweepConfig& config, LoadSource& source, Aggregator& aggregator);

  // Starts the first step at the run's start. `base`: the run's facts, copied into each step's.
  void Start(int64_t now_ns, int64_t wall_ns, const RunInfo& base);
  // Every tick of the run loop, after the deltas are merged: moves through the phases.
  void Tick(int64_t now_ns, int64_t wall_ns);
  // The plan has run its course (or ended early): the run stops.
  bool done() const { return done_; }
  // Why the sweep ended before its plan did, or empty.
  const std::string& ended_early() const { return ended_early_; }
  // Ends the sweep where it is (a stop signal, the run time): the step in progress, if it sent
  // anything, is summarized once its deltas are in (Finish).
  void Abandon(const std::string& why);
  // The summary, with the step in progress closed from what arrived so far. Call once the run
  // is over.
  SweepSummary Finish();

  // For the live view and /metrics: the step in force (-1 before the first), its kind and rate.
  int step_index() const { return step_index_; }
  const char* step_kind() const;
  double target_rate() const { return step_ ? step_->rate : 0; }
  bool sending() const { return phase_ == Phase::kSending; }

 private:
  enum class Phase { kSending, kDraining, kSettleBefore, kSettleAfter, kDone };
  schedule::LoadTarget TargetFor(const schedule::SweepStep& step, int64_t now_ns) const;
  // Closes the step in force: its summary, and (when `complete`, the step drained) its
  // measure for the plan and the plan's verdict.
  void CloseStep(int64_t now_ns, bool complete);
  void Begin(int64_t now_ns, int64_t wall_ns);

  SweepConfig config_;
  LoadSource& source_;
  Aggregator& aggregator_;
  schedule::SweepPlan plan_;
  RunInfo base_;
  int64_t run_start_ns_ = 0;

  Phase phase_ = Phase::kDone;
  std::optional<schedule::SweepStep> step_;
  int step_index_ = -1;
  int64_t phase_start_ns_ = 0;
  int64_t step_start_ns_ = 0;
  int64_t step_start_wall_ns_ = 0;
  int64_t send_end_ns_ = 0;  // when the step stopped sending; 0: it has not
  // In flight over the first and the second half of the measured time, summed per tick:
  // a queue that grows shows as a second half well above the first.
  double in_flight_first_ = 0, in_flight_second_ = 0;
  int64_t samples_first_ = 0, samples_second_ = 0;
  bool done_ = false;
  bool step_closed_ = true;
  std::string ended_early_;
  std::vector<SweepStepResult> results_;
};

}  // namespace llmload::master

#endif  // LLMLOAD_MASTER_SWEEP_DRIVER_H_
