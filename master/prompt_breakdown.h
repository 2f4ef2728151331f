// PromptBreakdown: a run's results per prompt (`--per-prompt`), the comparison the test design
// of the built-in prompt set is made for (latency against input size, one prompt at a time:
// docs/prompts.md). Fed the per-request records the run streams anyway for --csv-out, on the
// master's run loop, never on an agent's hot path; keeps two numbers per successful request,
// so a million requests cost ~16 MB, and any number of prompts is fine.
#ifndef LLMLOAD_MASTER_PROMPT_BREAKDOWN_H_
#define LLMLOAD_MASTER_PROMPT_BREAKDOWN_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/interval_stats.h"
#include "common/prompt.h"
#include "master/run_summary.h"

namespace llmload::master {

class PromptBreakdown {
 public:
  // Counts `records`; cancelled requests are left out, as in the run totals.
  void Add(const std::vector<RequestRecord>& records);
  // One result per prompt that was sent, in prompt order, named by `prompts` (an index
  // beyond it is named by its number).
  std::vector<PromptResult> Summarize(const std::vector<Prompt>& prompts) const;

 private:
  struct PerPrompt {
    uint64_t requests = 0, succeeded = 0;
    int64_t input_tokens = 0, output_tokens = 0;  // of successful requests
    std::vector<int64_t> e2e_ns, ttft_ns;         // of successful requests
  };
  std::map<uint32_t, PerPrompt> by_prompt_;
};

}  // namespace llmload::master

#endif  // LLMLOAD_MASTER_PROMPT_BREAKDOWN_H_
