// Trace replay (`--trace FILE`), the engine's side: which lines of a trace one agent sends (its
// stripe: lines i, i + n, i + 2n, ... of n stripes, so that a distributed replay keeps every
// agent's share of the trace's own rhythm), which of those each event-loop thread sends, the
// prompt each line carries, and TraceArrivals, the ArrivalProcess that sends each line at its
// recorded offset on the run's common time line, `--trace-speed` times faster, looped with
// `--trace-loop`. The file itself is read by schedule/trace_file.h.
#ifndef LLMLOAD_SCHEDULE_TRACE_REPLAY_H_
#define LLMLOAD_SCHEDULE_TRACE_REPLAY_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/prompt.h"
#include "common/trace_request.h"
#include "schedule/arrival_process.h"

namespace llmload::schedule {

// The lines (indices into a trace of `lines` lines) of stripe `stripe` of `stripes`, in order:
// stripe, stripe + stripes, ... None when `stripes` <= 0 or `stripe` is not in [0, stripes).
std::vector<size_t> StripeLines(size_t lines, int64_t stripe, int64_t stripes);
// How many lines StripeLines gives, without listing them (an agent's request budget).
int64_t StripeSize(int64_t lines, int64_t stripe, int64_t stripes);

// The time from one pass of a looped trace to the next: its last offset plus one mean gap
// between its lines (so the first line of the next pass follows the last as the lines follow
// one another), or plus 1 s for a trace whose lines all share one offset. `trace` is sorted.
int64_t TraceLoopPeriodNs(const std::vector<TraceRequest>& trace);

// The trace's mean rate in requests per second at `speed`: its lines over one loop period.
double TraceMeanRate(const std::vector<TraceRequest>& trace, double speed);

// How many of the first `sent` sends of a stripe (`lines` lines, sent in order, pass after pass
// when looped) fell to thread `thread` of `threads`, which sends the stripe's lines thread,
// thread + threads, ...: where that thread resumes when an agent rejoins a replay it had begun.
int64_t ThreadShareOfSends(int64_t sent, int64_t lines, int thread, int threads);

// How many sends of a stream (as TraceArrivals takes it) are due before `elapsed_ns` on the
// run's time line: where a looped replay with no --requests resumes, having no count to go by.
int64_t SendsDueBefore(const std::vector<int64_t>& offsets_ns, int64_t period_ns, double speed,
                       bool loop, int64_t elapsed_ns);

// The prompt a line sends: its own text, or a synthetic prompt of `input_length` tokens made
// of its hash_ids' prefix blocks of `block_tokens` tokens (common/synthetic_prompt.h), with
// the line's output_length as max_tokens. Its id is "<trace basename>:<line>".
Prompt TracePrompt(const TraceRequest& line, absl::string_view trace_name, int64_t block_tokens);

// One thread's stream of a trace.
class TraceArrivals final : public ArrivalProcess {
 public:
  // `offsets_ns`: this stream's sends on the trace's time line (non-decreasing), and
  // `prompts[k]`: the prompt index send k carries (same length). Time is divided by `speed`
  // (> 0). With `loop`, pass p of the stream is the same sends `p * period_ns` later. The
  // stream starts after its first `skip` sends (counted over the passes), which an earlier
  // engine of the run already made.
  TraceArrivals(std::vector<int64_t> offsets_ns, std::vector<int64_t> prompts, int64_t period_ns,
                double speed, bool loop, int64_t skip = 0);

  int64_t NextGapNs(double rate) override;  // `rate` is ignored: the file times the sends
  int64_t FirstSendOffsetNs() const override;
  int64_t PromptOfNextSend() const override;
  bool FollowsRate() const override { return false; }

 private:
  // When send `index` of pass `pass` is due, in ns after the stream's start.
  int64_t DueNs(size_t index, int64_t pass) const;

  std::vector<int64_t> offsets_ns_;
  std::vector<int64_t> prompts_;
  int64_t period_ns_;
  double speed_;
  bool loop_;
  size_t index_ = 0;  // the send last scheduled
  int64_t pass_ = 0;
  bool ended_ = false;  // every send of an unlooped stream was skipped
};

}  // namespace llmload::schedule

#endif  // LLMLOAD_SCHEDULE_TRACE_REPLAY_H_
