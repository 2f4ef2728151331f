// LoadTarget: the desired state a load source runs to, in both load models: a closed loop's
// users and their spawn rate, or an open loop's arrival rate with its concurrency cap and
// queue. The master computes the run's target (from the flags or a load shape's tick), the
// dispatch splits it across agents (schedule/rate_split.h), and each engine splits its share
// across its event-loop threads the same way, so every level speaks one type.
#ifndef LLMLOAD_SCHEDULE_LOAD_TARGET_H_
#define LLMLOAD_SCHEDULE_LOAD_TARGET_H_

#include <cstdint>

#include "schedule/rate_split.h"

namespace llmload::schedule {

struct LoadTarget {
  // Closed loop.
  int64_t users = 0;
  double spawn_rate = 0;  // users started per second; <= 0: all at once
  // Open loop (WorkloadSpec::open_loop): the rate, cap, queue and first-send phase. An
  // infinite rate with a cap keeps the cap's slots busy (vLLM's --request-rate inf).
  RateShare open;
  // Requests scheduled before this time (ns since the run's start, on the master's time line)
  // are warm-up, beside those of --warmup: a sweep step's own warm-up. 0: none.
  int64_t warmup_end_ns = 0;
};

}  // namespace llmload::schedule

#endif  // LLMLOAD_SCHEDULE_LOAD_TARGET_H_
