#include "master/trace_flags.h"

#include <cmath>
#include <filesystem>
#include <utility>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "common/trace_request.h"
#include "master/workload_flags.h"
#include "schedule/trace_file.h"
#include "schedule/trace_replay.h"

namespace llmload::master {

void AddTraceFlags(CLI::App& app, TraceFlags& f) {
  app.add_option("--trace", f.path,
                 "Replay a trace (JSONL: timestamp in ms, then input_length/output_length/"
                 "hash_ids or prompt/messages): each line is sent at its offset, open loop "
                 "(instead of --users or --rate)")
      ->group("Load model");
  app.add_option("--trace-speed", f.speed,
                 "Replay the trace this many times faster (0.5: at half speed)")
      ->capture_default_str()
      ->group("Load model");
  app.add_flag("--trace-loop", f.loop,
               "Start the trace again after its last line, until --run-time or --requests")
      ->group("Load model");
  app.add_option("--trace-block-tokens", f.block_tokens,
                 "Tokens per hash_ids prefix block of a synthetic prompt (Mooncake: 512)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{1'000'000}))
      ->group("Load model");
}

absl::Status ApplyTraceFlags(const WorkloadFlags& f, WorkloadSpec& spec) {
  auto bad = [](auto... parts) { return absl::InvalidArgumentError(absl::StrCat(parts...)); };
  const TraceFlags& t = f.trace;
  for (const auto& [given, flag] :
       {std::pair{f.users_given, "--users"}, std::pair{f.rate.has_value(), "--rate"},
        std::pair{!f.stages.empty(), "--stages"}, std::pair{!f.arrival.empty(), "--arrival"},
        std::pair{f.burstiness != 1, "--burstiness"}}) {
    if (given) return bad(flag, ": not with --trace: the trace's timestamps time the sends");
  }
  for (const auto& [given, flag] :
       {std::pair{!f.prompt.empty(), "--prompt"}, std::pair{!f.dataset.empty(), "--dataset"},
        std::pair{f.min_prompt_chars > 0, "--min-prompt-chars"},
        std::pair{f.max_prompt_chars > 0, "--max-prompt-chars"}}) {
    if (given) return bad(flag, ": not with --trace: the trace's lines are the prompts");
  }
  if (spec.think_time > absl::ZeroDuration()) {
    return bad("--think-time: not with --trace (an open loop sends at the trace's times)");
  }
  if (f.requests > 0 && !t.loop) {
    return bad(
        "--requests: not with --trace, which sends each of its lines once; with --trace-loop "
        "it bounds the looped replay");
  }
  if (!std::isfinite(t.speed) || !(t.speed >= kMinTraceSpeed)) {
    return bad("--trace-speed: must be a finite number of at least ", kMinTraceSpeed, ", got ",
               t.speed);
  }
  if (t.block_tokens < 1) return bad("--trace-block-tokens: must be at least 1");
  if (f.max_queue.has_value() && f.max_concurrency == 0) {
    return bad("--max-queue: only with --max-concurrency (without a cap nothing waits)");
  }
  absl::StatusOr<schedule::Trace> trace = schedule::LoadTraceFile(t.path);
  if (!trace.ok()) return trace.status();

  spec.trace_name = std::filesystem::path(t.path).filename().string();
  spec.trace = std::move(trace->requests);
  spec.trace_speed = t.speed;
  spec.trace_loop = t.loop;
  spec.trace_block_tokens = t.block_tokens;
  // Names only: the agents build each line's prompt from the trace itself.
  spec.prompts.clear();
  spec.prompts.reserve(spec.trace.size());
  for (const TraceRequest& line : spec.trace) {
    Prompt& name = spec.prompts.emplace_back();
    name.id = absl::StrCat(spec.trace_name, ":", line.line);
  }
  spec.open_loop = true;
  spec.arrival = "trace";
  spec.rate = schedule::TraceMeanRate(spec.trace, t.speed);
  spec.max_concurrency = f.max_concurrency;
  spec.max_queue = f.max_queue.value_or(f.max_concurrency);
  spec.max_requests = t.loop ? f.requests : static_cast<int64_t>(spec.trace.size());
  return ApplyWarmupFlags(f, spec);
}

}  // namespace llmload::master
