#include "master/prompt_breakdown.h"

#include "absl/strings/str_cat.h"
#include "common/histogram.h"

namespace llmload::master {

void PromptBreakdown::Add(const std::vector<RequestRecord>& records) {
  for (const RequestRecord& r : records) {
    if (r.status == ErrorClass::kCancelled) continue;
    PerPrompt& p = by_prompt_[r.prompt_index];
    ++p.requests;
    if (r.status != ErrorClass::kSuccess) continue;
    ++p.succeeded;
    p.input_tokens += r.input_tokens;
    p.output_tokens += r.output_tokens;
    p.e2e_ns.push_back(r.e2e_ns);
    if (r.ttft_ns >= 0) p.ttft_ns.push_back(r.ttft_ns);
  }
}

std::vector<PromptResult> PromptBreakdown::Summarize(const std::vector<Prompt>& prompts) const {
  std::vector<PromptResult> out;
  LatencyHistogram h;  // one at a time: the same statistics as the run's, from the samples
  auto stats = [&h](const std::vector<int64_t>& samples) {
    h.Reset();
    for (int64_t v : samples) h.Record(v);
    return LatencyStats::From(h);
  };
  for (const auto& [index, p] : by_prompt_) {
    PromptResult r;
    r.id = index < prompts.size() ? prompts[index].id : absl::StrCat(index);
    r.requests = p.requests;
    r.succeeded = p.succeeded;
    r.failed = p.requests - p.succeeded;
    r.latency = stats(p.e2e_ns);
    r.ttft = stats(p.ttft_ns);
    if (p.succeeded > 0) {
      r.input_mean = static_cast<double>(p.input_tokens) / static_cast<double>(p.succeeded);
      r.output_mean = static_cast<double>(p.output_tokens) / static_cast<double>(p.succeeded);
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace llmload::master
