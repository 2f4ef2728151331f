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
  // Open loop (WorkloadSpec::open_loop): the rate, cap, queue and first-send phase.
  RateShare open;
};

}  // namespace llmload::schedule

#endif  // LLMLOAD_SCHEDULE_LOAD_TARGET_H_
