// Constant arrivals: evenly spaced sends, one every 1/rate seconds (guidellm's "constant",
// vLLM's --request-rate with infinite burstiness). Gaps are rounded to whole nanoseconds with
// the remainder carried, so a long stream at a rate that does not divide a second never drifts.
// Split over agents and threads with the phases of schedule/rate_split.h, the merged stream
// stays evenly spaced.
#ifndef LLMLOAD_SCHEDULE_CONSTANT_ARRIVALS_H_
#define LLMLOAD_SCHEDULE_CONSTANT_ARRIVALS_H_

#include "schedule/arrival_process.h"
#include "schedule/gap_rounder.h"

namespace llmload::schedule {

class ConstantArrivals : public ArrivalProcess {
 public:
  int64_t NextGapNs(double rate) override;

 private:
  GapRounder rounder_;
};

}  // namespace llmload::schedule

#endif  // LLMLOAD_SCHEDULE_CONSTANT_ARRIVALS_H_
