#include "agent/saturation_watch.h"

#include <algorithm>

namespace llmload::agent {

std::optional<double> SaturationWatch::Sample(int64_t busy_ns, int64_t now_ns, int threads) {
  if (last_busy_ns_ < 0 || now_ns <= last_now_ns_ || threads <= 0) {
    last_busy_ns_ = busy_ns;
    last_now_ns_ = now_ns;
    return std::nullopt;
  }
  const double share = static_cast<double>(busy_ns - last_busy_ns_) /
                       (static_cast<double>(now_ns - last_now_ns_) * threads);
  busy_share_ = share;
  last_busy_ns_ = busy_ns;
  last_now_ns_ = now_ns;
  if (share <= kBusyLimit) {
    busy_in_a_row_ = 0;
    saturated_ = false;
    return std::nullopt;
  }
  if (++busy_in_a_row_ < kSamplesInARow || saturated_) return std::nullopt;
  saturated_ = true;
  return std::min(share, 1.0);
}

}  // namespace llmload::agent
