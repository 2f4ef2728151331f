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

// An open-loop stream of scheduled sends, told as the gaps between them.
class ArrivalProcess {
 public:
  virtual ~ArrivalProcess() = default;
  // Time from the previous scheduled send to the next, in ns, for a stream of `rate` (> 0)
  // sends per second; kNoMoreArrivals once the stream has ended. Allocates nothing. The
  // rate may change from one call to the next (a load shape ramping the rate); a rate that
  // is not > 0 gives kMaxGapNs. Never negative.
  virtual int64_t NextGapNs(double rate) = 0;
};

}  // namespace llmload::schedule

#endif  // LLMLOAD_SCHEDULE_ARRIVAL_PROCESS_H_
