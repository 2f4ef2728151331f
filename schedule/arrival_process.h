// The engine's side of an open-loop schedule: a stream of scheduled sends, told one gap at a
// time, so that the event loop only ever asks "when is the next one?" and adding a schedule
// (Poisson, gamma, constant, a trace) never touches the loop. Implementations are made by the
// table in schedule/arrival_table.h, one per event-loop thread, each with its own seed.
#ifndef LLMLOAD_SCHEDULE_ARRIVAL_PROCESS_H_
#define LLMLOAD_SCHEDULE_ARRIVAL_PROCESS_H_

#include <cstdint>

namespace llmload::schedule {

inline constexpr int64_t kNoMoreArrivals = INT64_MAX;

// The longest gap a process reports while its stream goes on (a rate so small that the next
// send lies beyond the int64 range, or a rate of 0): far enough to be never in practice, and
// small enough that the engine can add it to any time of a run without overflow.
inline constexpr int64_t kMaxGapNs = INT64_MAX / 4;

// An open-loop stream of scheduled sends, told as the gaps between them, and, for a stream
// that decides what each send carries (a trace), which prompt each one sends.
class ArrivalProcess {
 public:
  virtual ~ArrivalProcess() = default;
  // Time from the previous scheduled send to the next, in ns, for a stream of `rate` (> 0)
  // sends per second; kNoMoreArrivals once the stream has ended. Allocates nothing. The
  // rate may change from one call to the next (a load shape ramping the rate); a rate that
  // is not > 0 gives kMaxGapNs. Never negative.
  virtual int64_t NextGapNs(double rate) = 0;

  // Where the first send lies after the stream's start (a trace's first offset), or
  // kNoMoreArrivals for a stream with no sends at all. Rate-driven processes start at once.
  virtual int64_t FirstSendOffsetNs() const { return 0; }
  // The prompt (an index into the engine's prompts) of the send the latest NextGapNs call
  // scheduled, or of the first send before any call; -1: the engine's prompt order picks.
  virtual int64_t PromptOfNextSend() const { return -1; }
  // Whether the gaps follow the `rate` passed in. When false (a trace, timed by its file), a
  // change of rate does not re-scale the gap in progress.
  virtual bool FollowsRate() const { return true; }
};

}  // namespace llmload::schedule

#endif  // LLMLOAD_SCHEDULE_ARRIVAL_PROCESS_H_
