// Dispatch: how the master splits a run's users, spawn rate and request budget across the
// agents that are ready. Shares are weighted (by agent cores) and always sum exactly to the
// target: integers by the largest-remainder method (schedule/largest_remainder.h), the spawn
// rate in proportion to each agent's users so that every agent finishes its ramp at the same
// moment. Pure functions, so every rebalance sequence is unit-tested.
#ifndef LLMLOAD_MASTER_DISPATCH_H_
#define LLMLOAD_MASTER_DISPATCH_H_

#include <cstdint>
#include <vector>

namespace llmload::master {

struct AgentShare {
  int64_t users = 0;
  double spawn_rate = 0;
  int64_t max_requests = 0;  // 0: no limit
};

// Users by largest remainder over `weights`; spawn rate in proportion to the users each
// agent got (the last agent with users takes the floating-point remainder, so the shares sum
// to `spawn_rate` exactly); `max_requests` (0 = none) split like the users.
std::vector<AgentShare> SplitLoad(int64_t users, double spawn_rate, int64_t max_requests,
                                  const std::vector<double>& weights);

}  // namespace llmload::master

#endif  // LLMLOAD_MASTER_DISPATCH_H_
