#include "schedule/closed_loop.h"

#include <algorithm>
#include <cmath>

namespace llmload::schedule {

int64_t SpawnAtNs(int64_t global, int64_t previous_target, double spawn_rate,
                  int64_t ramp_start_ns) {
  if (spawn_rate <= 0) return ramp_start_ns;
  const int64_t rank = std::max<int64_t>(0, global - previous_target);
  const double offset_ns = std::round(static_cast<double>(rank) * 1e9 / spawn_rate);
  // Compared as doubles: converting an out-of-range double to int64 is undefined (x86 gives
  // INT64_MIN, a time long past, so the user would start at once).
  if (!(offset_ns < static_cast<double>(kNeverNs - ramp_start_ns))) return kNeverNs;
  return ramp_start_ns + static_cast<int64_t>(offset_ns);
}

}  // namespace llmload::schedule
