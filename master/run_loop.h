// RunLoop: the master's clock for one run. It starts the load, collects deltas every
// second, refreshes the live view, stops on --run-time, --requests or a stop signal (SIGINT,
// SIGTERM, SIGHUP; a second one cancels in-flight requests at once), and writes every output
// file and then the summary. The stop signals must be blocked in all threads before any is
// created (see common/stop_signals.h); the loop takes them synchronously.
#ifndef LLMLOAD_MASTER_RUN_LOOP_H_
#define LLMLOAD_MASTER_RUN_LOOP_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/workload_spec.h"
#include "master/aggregator.h"
#include "master/live_snapshot.h"
#include "master/load_source.h"
#include "master/run_summary.h"
#include "master/sweep_driver.h"
#include "master/workload_flags.h"

namespace llmload::master {

// The outputs of a run. Their paths are checked (and the console interval parsed) when the
// flags are, so a typo costs nothing; the files themselves are created only once the run
// starts (RunLoad), so a run that fails before its first request leaves an earlier file of
// the same name as it was (master/output_file.h).
struct RunOutputs {
  std::string json_path;                         // --json-out
  std::string csv_path;                          // --csv-out
  std::string stats_path;                        // --csv-stats
  const std::vector<Prompt>* prompts = nullptr;  // names the prompt ids of --csv-out rows
  bool per_prompt = false;                       // --per-prompt
  absl::Duration console_interval = absl::Seconds(2);
  bool quiet = false;
};
// `prompts` must outlive the run.
absl::StatusOr<RunOutputs> PrepareRunOutputs(const OutputFlags& flags,
                                             const std::vector<Prompt>* prompts);

struct RunLoopOptions {
  absl::Duration stats_window = absl::Seconds(10);
  // Called with a snapshot when the load starts, then once per second, then once more with
  // the final totals (e.g. to update Prometheus metrics); may be empty.
  std::function<void(const LiveSnapshot&, const Aggregator&)> on_tick;
  // A capacity search (`llmload sweep`): the run is its steps, each with its own aggregates
  // (master/sweep_driver.h), and ends when the search does. The spec is an open loop.
  std::optional<SweepConfig> sweep;
};

// Runs the test and writes the outputs; returns the process exit code. Every file is
// complete and closed before the summary goes to stdout; an output that could not be written
// completely (a file, or the summary itself) is named on stderr and the exit code is
// kExitResultsIncomplete.
int RunLoad(LoadSource& source, const WorkloadSpec& spec, RunInfo info,
            const RunLoopOptions& options, RunOutputs outputs);

// Parses --window: whole seconds, at least one (the window is made of one-second slots).
absl::StatusOr<absl::Duration> ParseStatsWindow(const std::string& text);

// A fresh run id: UTC time plus random bits, e.g. 20261123-153000-3f9a.
std::string NewRunId();

}  // namespace llmload::master

#endif  // LLMLOAD_MASTER_RUN_LOOP_H_
