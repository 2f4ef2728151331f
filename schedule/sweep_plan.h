// SweepPlan: the steps of a capacity search (`llmload sweep`), one at a time, each chosen from
// what the earlier ones measured. Like guidellm's sweep it first measures the synchronous rate
// (one request in flight at a time) and the maximum throughput (many in flight), both as open
// loops that keep their slots busy (an infinite rate with a cap). Then either:
//  - kRates: N open-loop rates evenly spaced strictly between the two, or
//  - kFindMax: the highest rate at which the endpoint keeps up and meets the SLOs: doubling
//    from the synchronous rate until a step fails (bracketing, capped at the maximum
//    throughput, which no sustainable rate can exceed), then bisection until the bracket is
//    within `precision` of its upper end.
// Pure logic: the master's sweep driver runs each step and reports its StepMeasure, so the
// search is tested against a simulated endpoint.
#ifndef LLMLOAD_SCHEDULE_SWEEP_PLAN_H_
#define LLMLOAD_SCHEDULE_SWEEP_PLAN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace llmload::schedule {

enum class SweepMode { kRates, kFindMax };
// "rates", "find-max" (the --sweep values).
absl::StatusOr<SweepMode> ParseSweepMode(absl::string_view text);
const char* SweepModeName(SweepMode mode);

struct SweepOptions {
  SweepMode mode = SweepMode::kRates;
  int steps = 10;               // kRates: rates between the synchronous rate and the maximum
  int64_t max_users = 256;      // the throughput step's requests in flight
  int64_t max_concurrency = 0;  // the rate steps' cap (--max-concurrency; 0: none)
  double goodput = 0.99;        // kFindMax: a step passes with at least this share within SLO
  double precision = 0.05;      // kFindMax: stop when (hi - lo) <= precision * hi
  double min_kept_up = 0.97;    // a rate step keeps up when achieved >= this * target
  int max_search_steps = 24;    // kFindMax: a bound on the search after the first two steps
};

struct SweepStep {
  enum class Kind { kSynchronous, kThroughput, kRate };
  Kind kind = Kind::kRate;
  double rate = 0;  // requests per second; infinite for kSynchronous and kThroughput
  int64_t max_concurrency = 0;
};
const char* SweepStepKindName(SweepStep::Kind kind);  // "synchronous", "throughput", "rate"

// What one step measured (the master computes it from the step's own aggregates).
struct StepMeasure {
  double achieved_rate = 0;   // sent per second over the step
  double completed_rate = 0;  // requests that succeeded per second of the measured time
  double within_slo = 1;      // share of the step's requests within every SLO (1: no SLO)
  bool kept_up = true;        // achieved_rate near the target, nothing dropped, no growing queue
};

class SweepPlan {
 public:
  explicit SweepPlan(const SweepOptions& options);

  // The step to run now; nullopt once the search is over.
  std::optional<SweepStep> Next() const;
  // The result of the step Next() returned.
  void Record(const StepMeasure& measure);

  // kFindMax: whether each recorded step passed (kRates: all nullopt).
  const std::vector<std::optional<bool>>& verdicts() const { return verdicts_; }
  double synchronous_rate() const { return sync_rate_; }
  double max_throughput() const { return max_rate_; }
  // kFindMax, once over: the highest rate that passed; nullopt when none did (the SLOs are
  // missed even one request at a time).
  std::optional<double> max_rate_under_slo() const { return best_; }
  // One line naming the result, e.g. "max rate under SLO: 37.5 req/s".
  std::string ResultLine() const;

  // Whether a measured step passes kFindMax's test (kept up and within the goodput share).
  bool Passes(const StepMeasure& measure) const;

 private:
  void PlanNext();

  SweepOptions options_;
  std::optional<SweepStep> next_;
  std::vector<std::optional<bool>> verdicts_;
  int recorded_ = 0;
  double sync_rate_ = 0, max_rate_ = 0;
  // kRates: the rates still to run, in order.
  std::vector<double> rates_;
  size_t rate_index_ = 0;
  // kFindMax: the bracket [lo_, hi_] (hi_ < 0: no failing rate seen yet) and the best pass.
  double lo_ = 0, hi_ = -1;
  bool bracketing_ = true;
  int search_steps_ = 0;
  std::optional<double> best_;
};

}  // namespace llmload::schedule

#endif  // LLMLOAD_SCHEDULE_SWEEP_PLAN_H_
