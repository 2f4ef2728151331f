#include "master/record_breakdown.h"

#include "absl/strings/str_cat.h"
#include "common/histogram.h"

namespace llmload::master {

void RecordBreakdown::Add(const std::vector<RequestRecord>& records) {
  for (const RequestRecord& r : records) {
    if (r.status == ErrorClass::kCancelled) continue;
    Group& g = groups_[key_ == BreakdownKey::kPrompt ? r.prompt_index : r.turn];
    ++g.requests;
    if (r.status != ErrorClass::kSuccess) continue;
    ++g.succeeded;
    g.input_tokens += r.input_tokens;
    g.output_tokens += r.output_tokens;
    g.e2e_ns.push_back(r.e2e_ns);
    if (r.ttft_ns >= 0) g.ttft_ns.push_back(r.ttft_ns);
  }
}

std::vector<BreakdownRow> RecordBreakdown::Summarize(const std::vector<Prompt>& prompts) const {
  std::vector<BreakdownRow> out;
  LatencyHistogram h;  // one at a time: the same statistics as the run's, from the samples
  auto stats = [&h](const std::vector<int64_t>& samples) {
    h.Reset();
    for (int64_t v : samples) h.Record(v);
    return LatencyStats::From(h);
  };
  for (const auto& [index, g] : groups_) {
    BreakdownRow r;
    r.index = index;
    if (key_ == BreakdownKey::kTurn) {
      r.id = absl::StrCat(index + 1);
    } else {
      r.id = index < prompts.size() ? prompts[index].id : absl::StrCat(index);
    }
    r.requests = g.requests;
    r.succeeded = g.succeeded;
    r.failed = g.requests - g.succeeded;
    r.latency = stats(g.e2e_ns);
    r.ttft = stats(g.ttft_ns);
    if (g.succeeded > 0) {
      r.input_mean = static_cast<double>(g.input_tokens) / static_cast<double>(g.succeeded);
      r.output_mean = static_cast<double>(g.output_tokens) / static_cast<double>(g.succeeded);
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace llmload::master
