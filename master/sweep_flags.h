// The flags of a capacity search (`llmload sweep`, and `llmload master --sweep` for a
// distributed one) and their translation: a SweepPlan's options, the step timing, and the
// workload made into the open loop every step runs (schedule/sweep_plan.h).
#ifndef LLMLOAD_MASTER_SWEEP_FLAGS_H_
#define LLMLOAD_MASTER_SWEEP_FLAGS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/workload_spec.h"
#include "master/sweep_driver.h"
#include "master/workload_flags.h"
#include "schedule/sweep_plan.h"

namespace CLI {
class App;
}  // namespace CLI

namespace llmload::master {

struct SweepFlags {
  std::string sweep;  // "rates" or "find-max"; empty: no sweep
  int steps = 10;
  std::string step_time = "30s";
  int64_t max_users = 256;
  double goodput = 0.99;
  double precision = 0.05;
};

// `default_mode`: what --sweep is when not given ("rates" for `llmload sweep`; "" for the
// master, where a sweep is asked for by --sweep).
void AddSweepFlags(CLI::App& app, SweepFlags& flags, const std::string& default_mode);

// Checks the sweep's flags against the workload's (the sweep sets the load itself: --users,
// --rate, --stages, --requests and --warmup-requests are refused by name) and makes `spec`
// the open loop its steps run: arrivals as --arrival says (constant when not given, so that
// a step's achieved rate carries no sampling noise), capped by --max-concurrency if given.
// The warm-up of each step is --warmup when given, else a fifth of the step, at most 10 s.
// `stats_interval`: how often the load source hands over its stats (the settle between steps
// waits that long; master/sweep_driver.h).
absl::StatusOr<SweepConfig> ApplySweepFlags(const SweepFlags& sweep, const WorkloadFlags& workload,
                                            absl::Duration stats_interval, WorkloadSpec* spec);

}  // namespace llmload::master

#endif  // LLMLOAD_MASTER_SWEEP_FLAGS_H_
