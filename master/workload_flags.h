// The flags that describe a workload, shared by `llmload run` and `llmload master`, and
// their translation into one WorkloadSpec. Raw strings are kept until BuildWorkloadSpec so
// that every error names the flag and the value the user typed.
#ifndef LLMLOAD_MASTER_WORKLOAD_FLAGS_H_
#define LLMLOAD_MASTER_WORKLOAD_FLAGS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/retry_policy.h"
#include "common/workload_spec.h"
#include "dataset/dataset_loader.h"
#include "master/conversation_flags.h"
#include "master/synthetic_flags.h"
#include "master/trace_flags.h"

namespace CLI {
class App;
}  // namespace CLI

namespace llmload::master {

// The most virtual users one run may ask for. A running user costs ~50 kB (docs/usage.md);
// users are created as they spawn, so the bound is about what a typed number can mean.
inline constexpr int64_t kMaxUsers = 10'000'000;

struct WorkloadFlags {
  std::string url;
  std::string api = "openai-chat";
  // The values of the APIs' own options (api/api_table.h), by option name; empty: not set.
  std::map<std::string, std::string> api_options;
  std::string model;
  std::optional<int> max_tokens;
  std::optional<double> temperature;
  std::vector<std::string> params;
  std::vector<std::string> headers;
  std::string api_key;
  bool stream = true;
  bool include_usage = true;
  bool insecure = false;

  std::string prompt;
  std::string dataset;
  std::string dataset_format = "auto";  // dataset/dataset_format_table.h
  std::string dataset_column;           // --column (csv)
  std::string prompt_template;          // --prompt-template; "" for none
  bool shuffle = false;
  std::string prompt_order = "round-robin";
  size_t min_prompt_chars = 0;
  size_t max_prompt_chars = 0;  // 0: no limit
  uint64_t seed = 0;

  int64_t users = 1;
  bool users_given = false;  // set by the flag parser: --users was on the command line
  double spawn_rate = 1;
  // Open loop (schedule/): --rate and its arrival process, cap and queue.
  std::optional<double> rate;
  std::string arrival;  // empty: poisson, or gamma when --burstiness is not 1
  double burstiness = 1;
  int64_t max_concurrency = 0;
  std::optional<int64_t> max_queue;
  std::string stages;
  bool stages_step = false;
  std::string warmup = "0s";
  bool warmup_given = false;  // set by the flag parser: --warmup was on the command line
  int64_t warmup_requests = 0;
  std::string run_time;
  int64_t requests = 0;
  std::string think_time = "0s";
  std::string connect_timeout = "10s";
  std::string request_timeout = "600s";
  std::string stop_timeout = "30s";
  std::string max_response_bytes = "8MiB";
  std::vector<std::string> slos;
  int retries = 0;
  std::string retry_on = std::string(kDefaultRetryOn);
  std::string retry_backoff = "500ms";
  std::string retry_backoff_max = "30s";
  bool respect_retry_after = true;
  bool record_requests = false;    // set from OutputFlags::needs_request_records()
  TraceFlags trace;                // --trace and its options (master/trace_flags.h)
  SyntheticFlags synthetic;        // --input-tokens and its options (master/synthetic_flags.h)
  ConversationFlags conversation;  // --multi-turn and its options (master/conversation_flags.h)
};

// The --dataset options of `flags` as the dataset loader takes them (with --num-prompts,
// which also counts synthetic prompts).
dataset::DatasetLoadOptions DatasetLoadOptionsOf(const WorkloadFlags& flags);

// Declares the workload flags on `app`, writing into `flags`.
void AddWorkloadFlags(CLI::App& app, WorkloadFlags& flags);

// Validates the flags and loads prompts. The API key falls back to $OPENAI_API_KEY. Integer
// flags are range-checked by AddWorkloadFlags as CLI11 parses them (so a number too large for
// its type is refused as typed, not wrapped); the rest is checked here.
absl::StatusOr<WorkloadSpec> BuildWorkloadSpec(const WorkloadFlags& flags);

// --warmup and --warmup-requests into `spec` (part of BuildWorkloadSpec; every load model has
// a warm-up).
absl::Status ApplyWarmupFlags(const WorkloadFlags& flags, WorkloadSpec& spec);

// Where the outputs of a run go.
struct OutputFlags {
  std::string json_out;
  std::string csv_out;
  std::string csv_stats;
  bool per_prompt = false;  // results per prompt in the summary and the JSON
  std::string console_interval = "2s";
  bool quiet = false;

  // Whether an output needs every request's record (--csv-out rows, --per-prompt results).
  bool needs_request_records() const { return !csv_out.empty() || per_prompt; }
};
void AddOutputFlags(CLI::App& app, OutputFlags& flags);

}  // namespace llmload::master

#endif  // LLMLOAD_MASTER_WORKLOAD_FLAGS_H_
