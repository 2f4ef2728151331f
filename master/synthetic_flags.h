// The flags of synthetic prompts (`--input-tokens` and `--output-tokens` with their spreads,
// `--prefix-tokens`/`--prefix-groups`, `--num-prompts`, `--ignore-eos`) and what they make of a
// run: prompts of the asked lengths in tokens in place of a dataset (common/synthetic_dataset.h).
// Their own unit, so that the workload flags (workload_flags.cc) only hand over to it.
#ifndef LLMLOAD_MASTER_SYNTHETIC_FLAGS_H_
#define LLMLOAD_MASTER_SYNTHETIC_FLAGS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "common/workload_spec.h"

namespace CLI {
class App;
}  // namespace CLI

namespace llmload::master {

struct SyntheticFlags {
  int64_t input_tokens = 0;  // 0: no synthetic prompts
  double input_stddev = 0;
  std::string input_dist;
  int64_t output_tokens = 0;
  double output_stddev = 0;
  std::string output_dist;
  int64_t prefix_tokens = 0;
  int64_t prefix_groups = 1;
  int64_t num_prompts = 1000;
  bool num_prompts_given = false;
  bool ignore_eos = false;

  bool given() const { return input_tokens > 0 || !input_dist.empty(); }
};

void AddSyntheticFlags(CLI::App& app, SyntheticFlags& flags);

struct WorkloadFlags;

// Makes `spec` send synthetic prompts when --input-tokens (or --input-tokens-dist) is given,
// and sets ignore_eos for --ignore-eos. Refused by name: other prompts (--prompt, --dataset,
// --trace, --multi-turn, the length filters), --output-tokens or --prefix-*/--num-prompts
// without --input-tokens, --output-tokens with --max-tokens, and --ignore-eos on an API without
// that field.
absl::Status ApplySyntheticFlags(const WorkloadFlags& flags, WorkloadSpec& spec);

}  // namespace llmload::master

#endif  // LLMLOAD_MASTER_SYNTHETIC_FLAGS_H_
