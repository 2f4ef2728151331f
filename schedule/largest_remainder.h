// The largest-remainder method: splitting an integer total (users, a request budget, a
// concurrency cap) into integer shares proportional to weights that sum exactly to the total.
// Used by the master to split a run over its agents and by the rate split to share a
// concurrency cap, so it lives with the schedules rather than in either caller.
#ifndef LLMLOAD_SCHEDULE_LARGEST_REMAINDER_H_
#define LLMLOAD_SCHEDULE_LARGEST_REMAINDER_H_

#include <cstdint>
#include <vector>

namespace llmload::schedule {

// Splits `total` into shares proportional to `weights` (each > 0; non-positive weights get 0)
// that sum exactly to `total`. Ties in the remainders go to the earlier index, so the result
// is deterministic.
std::vector<int64_t> SplitLargestRemainder(int64_t total, const std::vector<double>& weights);

}  // namespace llmload::schedule

#endif  // LLMLOAD_SCHEDULE_LARGEST_REMAINDER_H_
