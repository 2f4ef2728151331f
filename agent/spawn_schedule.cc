#include "agent/spawn_schedule.h"

#include <algorithm>
#include <cmath>

namespace llmload::agent {

int64_t SpawnAtNs(int64_t global, int64_t previous_target, double spawn_rate,
                  int64_t ramp_start_ns) {
  if (spawn_rate <= 0) return ramp_start_ns;
  const int64_t rank = std::max<int64_t>(0, global - previous_target);
  return ramp_start_ns +
         static_cast<int64_t>(std::llround(static_cast<double>(rank) * 1e9 / spawn_rate));
}

}  // namespace llmload::agent
