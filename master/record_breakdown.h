// RecordBreakdown: a run's results per prompt (`--per-prompt`, the comparison the test design
// of the built-in prompt set is made for: latency against input size, one prompt at a time;
// docs/prompts.md) or per turn of a multi-turn run (`--multi-turn`: how latency, TTFT and input
// tokens grow with the conversation's context). Fed the per-request records the run streams
// anyway for --csv-out, on the master's run loop, never on an agent's hot path; keeps two
// numbers per successful request, so a million requests cost ~16 MB, and any number of
// prompts or turns is fine.
#ifndef LLMLOAD_MASTER_RECORD_BREAKDOWN_H_
#define LLMLOAD_MASTER_RECORD_BREAKDOWN_H_

#include <cstdint>
#include <map>
#include <vector>

#include "common/interval_stats.h"
#include "common/prompt.h"
#include "master/run_summary.h"

namespace llmload::master {

// What the records are grouped by.
enum class BreakdownKey { kPrompt, kTurn };

class RecordBreakdown {
 public:
  explicit RecordBreakdown(BreakdownKey key) : key_(key) {}

  // Counts `records`; cancelled requests are left out, as in the run totals.
  void Add(const std::vector<RequestRecord>& records);
  // One row per prompt (or turn) that was sent, in index order. A prompt's row is named by
  // `prompts` (an index beyond it by its number); a turn's by its number from 1.
  std::vector<BreakdownRow> Summarize(const std::vector<Prompt>& prompts = {}) const;

 private:
  struct Group {
    uint64_t requests = 0, succeeded = 0;
    int64_t input_tokens = 0, output_tokens = 0;  // of successful requests
    std::vector<int64_t> e2e_ns, ttft_ns;         // of successful requests
  };
  BreakdownKey key_;
  std::map<uint32_t, Group> groups_;
};

}  // namespace llmload::master

#endif  // LLMLOAD_MASTER_RECORD_BREAKDOWN_H_
