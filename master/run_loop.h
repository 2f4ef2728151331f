// RunLoop: the master's clock for one run. It starts the load, collects deltas every
// second, refreshes the live view, stops on --run-time, --requests or Ctrl-C (a second
// Ctrl-C cancels in-flight requests at once), and writes the summary and every output file.
// SIGINT and SIGTERM must be blocked in all threads before any is created (see
// common/stop_signals.h); the loop takes them synchronously.
#ifndef LLMLOAD_MASTER_RUN_LOOP_H_
#define LLMLOAD_MASTER_RUN_LOOP_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/workload_spec.h"
#include "master/aggregator.h"
#include "master/csv_output.h"
#include "master/live_snapshot.h"
#include "master/load_source.h"
#include "master/prompt_breakdown.h"
#include "master/run_summary.h"
#include "master/workload_flags.h"

namespace llmload::master {

// The output files of a run, opened (and the console interval parsed) before anything starts,
// so a typo in a path costs nothing.
struct RunOutputs {
  std::optional<RequestCsvWriter> request_csv;
  std::optional<StatsCsvWriter> stats_csv;
  std::optional<UniqueFile> json_file;
  std::optional<PromptBreakdown> prompt_breakdown;  // --per-prompt
  absl::Duration console_interval = absl::Seconds(2);
  bool quiet = false;
};
// `prompts` names the prompt ids in --csv-out rows and must outlive the run.
absl::StatusOr<RunOutputs> OpenRunOutputs(const OutputFlags& flags,
                                          const std::vector<Prompt>* prompts);

struct RunLoopOptions {
  absl::Duration stats_window = absl::Seconds(10);
  // Called with a snapshot when the load starts, then once per second, then once more with
  // the final totals (e.g. to update Prometheus metrics); may be empty.
  std::function<void(const LiveSnapshot&, const Aggregator&)> on_tick;
};

// Runs the test and writes the outputs; returns the process exit code.
int RunLoad(LoadSource& source, const WorkloadSpec& spec, RunInfo info,
            const RunLoopOptions& options, RunOutputs outputs);

// Parses --window: whole seconds, at least one (the window is made of one-second slots).
absl::StatusOr<absl::Duration> ParseStatsWindow(const std::string& text);

// A fresh run id: UTC time plus random bits, e.g. 20261123-153000-3f9a.
std::string NewRunId();

}  // namespace llmload::master

#endif  // LLMLOAD_MASTER_RUN_LOOP_H_
