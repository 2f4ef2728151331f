// The flags of trace replay (`--trace FILE`, `--trace-speed`, `--trace-loop`,
// `--trace-block-tokens`) and what they make of a run: an open loop whose sends and prompts
// are the trace's lines (schedule/trace_file.h reads the file, schedule/trace_replay.h times
// the sends). Their own unit, so that the load model's flags (workload_flags.cc) only hand over
// to it when --trace is given.
#ifndef LLMLOAD_MASTER_TRACE_FLAGS_H_
#define LLMLOAD_MASTER_TRACE_FLAGS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "common/workload_spec.h"

namespace CLI {
class App;
}  // namespace CLI

namespace llmload::master {

struct TraceFlags {
  std::string path;  // empty: no trace
  double speed = 1;
  bool loop = false;
  int64_t block_tokens = 512;  // Mooncake's block size
};

void AddTraceFlags(CLI::App& app, TraceFlags& flags);

struct WorkloadFlags;

// Loads `flags.trace.path` and makes `spec` replay it: an open loop at the trace's offsets
// (`spec.rate` its mean rate, for the reports), with --max-concurrency, --max-queue and the
// warm-up as in any open loop, and one budget request per line (unless --trace-loop). The
// prompts come from the trace, so `spec.prompts` only names its lines ("<file>:<line>", no
// text) for --per-prompt and --csv-out. Flags that set another load model or other prompts
// (--users, --rate, --stages, --arrival, --burstiness, --prompt, --dataset, --think-time,
// --requests without --trace-loop) are refused by name.
absl::Status ApplyTraceFlags(const WorkloadFlags& flags, WorkloadSpec& spec);

}  // namespace llmload::master

#endif  // LLMLOAD_MASTER_TRACE_FLAGS_H_
