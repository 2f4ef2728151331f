// SweepSummary: what `llmload sweep` found, step by step: each step's target and its own full
// aggregates (the same blocks as the run's), the verdict of a find-max search, and the result.
// Rendered into the JSON's "sweep" object and a table under the run's summary.
#ifndef LLMLOAD_MASTER_SWEEP_SUMMARY_H_
#define LLMLOAD_MASTER_SWEEP_SUMMARY_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"

namespace llmload::master {

struct RunSummary;

struct SweepStepResult {
  int index = 0;
  std::string kind;                  // "synchronous", "throughput", "rate"
  double target_rate = 0;            // infinite for the synchronous and throughput steps
  int64_t max_concurrency = 0;       // 0: none
  double achieved_rate = 0;          // sent per second over the step
  double completed_rate = 0;         // succeeded per second of the measured time (after warm-up)
  std::optional<double> within_slo;  // share of the measured requests within every SLO (--slo)
  bool kept_up = true;
  std::optional<bool> passed;  // find-max only, not for the throughput step
  std::shared_ptr<const RunSummary> summary;
};

struct SweepSummary {
  std::string mode;  // "rates" or "find-max"
  double step_time_s = 0, warmup_s = 0;
  double synchronous_rate = 0, max_throughput = 0;
  std::optional<double> max_rate_under_slo;  // find-max
  std::string result;                        // the line naming the result
  std::string ended_early;                   // why the sweep stopped before its plan did, or ""
  std::vector<SweepStepResult> steps;
};

nlohmann::json SweepToJson(const SweepSummary& sweep);
// One row per step and the result line, for the end of the summary.
std::string FormatSweepTable(const SweepSummary& sweep);

}  // namespace llmload::master

#endif  // LLMLOAD_MASTER_SWEEP_SUMMARY_H_
