// Stages (`--stages "30s:10,2m:100,30s:0"`, k6's stages): a load shape that ramps linearly
// from one target to the next over each stage's duration, as k6's ramping-vus and
// ramping-arrival-rate executors do, or with `--stages-step` holds each stage's target for the
// whole stage. The targets are users in closed loop and the rate under --rate.
#ifndef LLMLOAD_SCHEDULE_STAGES_H_
#define LLMLOAD_SCHEDULE_STAGES_H_

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "schedule/load_shape.h"

namespace llmload::schedule {

struct Stage {
  absl::Duration duration;
  double target;
};

// "30s:10,2m:100,30s:0" (k6 stages): durations as common/duration.h parses them, targets
// finite and >= 0; errors name the item and what is wrong ("--stages item 2 '2m:x': ...").
absl::StatusOr<std::vector<Stage>> ParseStages(absl::string_view text);

class StagesShape : public LoadShape {
 public:
  // Ramps linearly from `start` to stage 0's target over its duration, then to stage 1's...
  // (k6 ramping-vus / ramping-arrival-rate); `step`: each stage holds its target for its
  // whole duration instead. A zero-duration stage jumps: it is never in force, and the next
  // stage starts from its target. The shape is over at the sum of the durations.
  StagesShape(std::vector<Stage> stages, double start, bool step);

  std::optional<ShapeTarget> TargetAt(absl::Duration elapsed) const override;
  absl::Duration total_duration() const override { return total_; }
  int stage_count() const override { return static_cast<int>(stages_.size()); }

 private:
  std::vector<Stage> stages_;
  std::vector<absl::Duration> ends_;  // ends_[i]: elapsed time at which stage i ends
  absl::Duration total_;
  double start_;
  bool step_;
};

}  // namespace llmload::schedule

#endif  // LLMLOAD_SCHEDULE_STAGES_H_
