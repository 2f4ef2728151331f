// How an open-loop load (a rate, a concurrency cap and a queue bound) is shared: by the master
// over its agents (weighted by cores), and by each agent again over its event-loop threads
// (equal weights). The shares sum exactly to the totals, and each share with a rate gets a
// phase so that constant-rate shares interleave into one evenly spaced stream: applied over A
// equal agents and then over N threads (the agent's phase added to each thread's), thread i of
// agent a sends at (a + A*(i + N*m)) / R for m = 0, 1, ... Poisson shares need no phase (they
// are independent streams) and get one anyway, a fraction of one gap that nothing can see.
#ifndef LLMLOAD_SCHEDULE_RATE_SPLIT_H_
#define LLMLOAD_SCHEDULE_RATE_SPLIT_H_

#include <cstdint>
#include <vector>

namespace llmload::schedule {

struct RateShare {
  double rate = 0;              // sends per second of this share; shares sum exactly to the total
  int64_t phase_ns = 0;         // delay of this share's first send after the stream start
  int64_t max_concurrency = 0;  // 0: no cap
  int64_t max_queue = 0;
};

// One share per weight (non-positive weights get an empty share). Without a cap
// (`max_concurrency` 0) the rate goes in proportion to the weights; with one, the cap is split
// by the largest-remainder method and the rate in proportion to each share's part of the cap,
// so a share with no concurrency gets no rate (a cap below the number of agents leaves some
// idle rather than uncapped). `max_queue` goes by largest remainder in the same proportion as
// the rate. The last share with a rate takes the floating-point remainder, and the shares
// are whole multiples of the rate's ulp, so they sum to `rate` exactly in any order. The k-th share
// with a rate (k = 0, 1, ...) has phase round(k * 1e9 / rate) ns. An infinite `rate` with a cap
// (keep the slots busy) gives every share with slots an infinite rate and phase 0. Any other
// `rate` that is not a finite number > 0 gives every share rate 0 and phase 0.
std::vector<RateShare> SplitRate(double rate, int64_t max_concurrency, int64_t max_queue,
                                 const std::vector<double>& weights);

}  // namespace llmload::schedule

#endif  // LLMLOAD_SCHEDULE_RATE_SPLIT_H_
