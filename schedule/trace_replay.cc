#include "schedule/trace_replay.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/synthetic_prompt.h"

namespace llmload::schedule {
namespace {

constexpr int64_t kNsPerSecond = 1'000'000'000;

}  // namespace

std::vector<size_t> StripeLines(size_t lines, int64_t stripe, int64_t stripes) {
  std::vector<size_t> out;
  if (stripes <= 0 || stripe < 0 || stripe >= stripes) return out;
  out.reserve(static_cast<size_t>(StripeSize(static_cast<int64_t>(lines), stripe, stripes)));
  for (size_t i = static_cast<size_t>(stripe); i < lines; i += static_cast<size_t>(stripes)) {
    out.push_back(i);
  }
  return out;
}

int64_t StripeSize(int64_t lines, int64_t stripe, int64_t stripes) {
  if (stripes <= 0 || stripe < 0 || stripe >= stripes || stripe >= lines) return 0;
  return (lines - stripe + stripes - 1) / stripes;
}

int64_t TraceLoopPeriodNs(const std::vector<TraceRequest>& trace) {
  if (trace.empty()) return kNsPerSecond;
  const int64_t first = trace.front().offset_ns;
  const int64_t last = trace.back().offset_ns;
  // Offsets are at most kMaxTraceOffsetNs (common/trace_request.h), so none of this overflows.
  if (trace.size() < 2 || last <= first) return last + kNsPerSecond;
  return last + (last - first) / static_cast<int64_t>(trace.size() - 1);
}

double TraceMeanRate(const std::vector<TraceRequest>& trace, double speed) {
  return static_cast<double>(trace.size()) * speed * kNsPerSecond /
         static_cast<double>(TraceLoopPeriodNs(trace));
}

Prompt TracePrompt(const TraceRequest& line, absl::string_view trace_name, int64_t block_tokens) {
  Prompt p;
  p.id = absl::StrCat(trace_name, ":", line.line);
  p.text = line.input_length > 0 ? SyntheticPrompt(line.input_length, line.hash_ids, block_tokens,
                                                   static_cast<uint64_t>(line.line))
                                 : line.prompt;
  p.max_tokens = line.output_length;
  return p;
}

int64_t ThreadShareOfSends(int64_t sent, int64_t lines, int thread, int threads) {
  if (sent <= 0 || lines <= 0 || threads <= 0 || thread < 0 || thread >= threads) return 0;
  // The thread's lines in a pass, and in the first `r` lines of one.
  const auto in_first = [&](int64_t r) {
    return r > thread ? (r - thread + threads - 1) / threads : 0;
  };
  return sent / lines * in_first(lines) + in_first(sent % lines);
}

int64_t SendsDueBefore(const std::vector<int64_t>& offsets_ns, int64_t period_ns, double speed,
                       bool loop, int64_t elapsed_ns) {
  if (offsets_ns.empty() || elapsed_ns <= 0) return 0;
  const int64_t n = static_cast<int64_t>(offsets_ns.size());
  // On the trace's own time line, `elapsed_ns` is `elapsed_ns * speed`.
  const double trace_ns = static_cast<double>(elapsed_ns) * speed;
  const auto due_in_pass = [&](double t) {  // sends of one pass due before `t`
    return static_cast<int64_t>(
        std::lower_bound(offsets_ns.begin(), offsets_ns.end(), t,
                         [](int64_t offset, double x) { return static_cast<double>(offset) < x; }) -
        offsets_ns.begin());
  };
  if (!loop) return due_in_pass(trace_ns);
  const double period = static_cast<double>(std::max<int64_t>(1, period_ns));
  const int64_t passes = static_cast<int64_t>(std::floor(trace_ns / period));
  return passes * n + due_in_pass(trace_ns - static_cast<double>(passes) * period);
}

TraceArrivals::TraceArrivals(std::vector<int64_t> offsets_ns, std::vector<int64_t> prompts,
                             int64_t period_ns, double speed, bool loop, int64_t skip)
    : offsets_ns_(std::move(offsets_ns)),
      prompts_(std::move(prompts)),
      period_ns_(std::max<int64_t>(1, period_ns)),
      speed_(speed > 0 && std::isfinite(speed) ? speed : 1),
      loop_(loop) {
  prompts_.resize(offsets_ns_.size(), -1);
  const int64_t n = static_cast<int64_t>(offsets_ns_.size());
  if (skip <= 0 || n == 0) return;
  if (!loop_ && skip >= n) {
    ended_ = true;
    return;
  }
  index_ = static_cast<size_t>(skip % n);
  pass_ = skip / n;
}

int64_t TraceArrivals::DueNs(size_t index, int64_t pass) const {
  const double due = (static_cast<double>(offsets_ns_[index]) +
                      static_cast<double>(pass) * static_cast<double>(period_ns_)) /
                     speed_;
  return due >= static_cast<double>(kMaxGapNs) ? kMaxGapNs : std::llround(due);
}

int64_t TraceArrivals::FirstSendOffsetNs() const {
  if (offsets_ns_.empty() || ended_) return kNoMoreArrivals;
  const int64_t due = DueNs(index_, pass_);
  return due >= kMaxGapNs ? kNoMoreArrivals : due;
}

int64_t TraceArrivals::PromptOfNextSend() const {
  return offsets_ns_.empty() || ended_ ? -1 : prompts_[index_];
}

int64_t TraceArrivals::NextGapNs(double /*rate*/) {
  if (offsets_ns_.empty() || ended_) return kNoMoreArrivals;
  const int64_t previous = DueNs(index_, pass_);
  if (index_ + 1 < offsets_ns_.size()) {
    ++index_;
  } else if (loop_) {
    index_ = 0;
    ++pass_;
  } else {
    return kNoMoreArrivals;
  }
  const int64_t next = DueNs(index_, pass_);
  if (next >= kMaxGapNs) return kNoMoreArrivals;  // centuries of passes: the stream is over
  return std::max<int64_t>(0, next - previous);
}

}  // namespace llmload::schedule
