// Turns exact gaps (fractional nanoseconds) into whole-nanosecond gaps without drift: the
// rounding error of each gap is carried into the next, so the sum of the rounded gaps stays
// within half a nanosecond of the sum of the exact ones (3 sends/s over 10^6 gaps ends where
// it should, not 0.33 ms early). Every arrival process rounds through one.
#ifndef LLMLOAD_SCHEDULE_GAP_ROUNDER_H_
#define LLMLOAD_SCHEDULE_GAP_ROUNDER_H_

#include <cmath>
#include <cstdint>

#include "schedule/arrival_process.h"

namespace llmload::schedule {

class GapRounder {
 public:
  // `exact_ns` >= 0, possibly +inf; a gap of kMaxGapNs or more (or NaN) saturates to
  // kMaxGapNs and drops the carried remainder.
  int64_t Round(double exact_ns) {
    if (!(exact_ns < static_cast<double>(kMaxGapNs))) {
      carry_ns_ = 0;
      return kMaxGapNs;
    }
    const double with_carry = exact_ns + carry_ns_;
    // with_carry >= -0.5, so the gap is never negative and the carry stays in [-0.5, 0.5].
    const int64_t gap = with_carry > 0 ? std::llround(with_carry) : 0;
    carry_ns_ = with_carry - static_cast<double>(gap);
    return gap;
  }

 private:
  double carry_ns_ = 0;
};

}  // namespace llmload::schedule

#endif  // LLMLOAD_SCHEDULE_GAP_ROUNDER_H_
