// The master's side of a schedule: the load target as a function of the run's elapsed time
// (Locust's LoadTestShape.tick()). The target is users in closed loop and sends per second in
// open loop; the master reads it each tick and hands agents their shares of it, so stages,
// steps and sweep steps are each a LoadShape and none of them touches the engine.
#ifndef LLMLOAD_SCHEDULE_LOAD_SHAPE_H_
#define LLMLOAD_SCHEDULE_LOAD_SHAPE_H_

#include <optional>

#include "absl/time/time.h"

namespace llmload::schedule {

struct ShapeTarget {
  double value = 0;        // users (closed loop) or requests/s (open loop)
  double slope_per_s = 0;  // d(value)/dt now; 0 in a step or a hold
  int stage = 0;           // index of the stage in force
};

class LoadShape {  // the master's target as a function of time (Locust's tick())
 public:
  virtual ~LoadShape() = default;
  // nullopt once the shape is over (the run then ends).
  virtual std::optional<ShapeTarget> TargetAt(absl::Duration elapsed) const = 0;
  virtual absl::Duration total_duration() const = 0;
  virtual int stage_count() const = 0;
};

}  // namespace llmload::schedule

#endif  // LLMLOAD_SCHEDULE_LOAD_SHAPE_H_
