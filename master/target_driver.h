// TargetDriver: what the master asks its load source for, moment by moment. Without --stages
// that is the flags' target, once. With --stages it steps the load shape
// (schedule/load_shape.h) on every tick of the run loop and hands out a new target when the
// shape's value has moved: the users in a closed loop (each new user timed at the shape's
// slope, so a ramp stays linear between ticks), the rate in an open loop (the engines re-scale
// the gap in progress, so the stream stays the process it is). Rate updates are spaced by at
// least kRateUpdateEvery so that a ramp does not flood agents with assignments.
#ifndef LLMLOAD_MASTER_TARGET_DRIVER_H_
#define LLMLOAD_MASTER_TARGET_DRIVER_H_

#include <cstdint>
#include <memory>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/workload_spec.h"
#include "schedule/load_shape.h"
#include "schedule/load_target.h"

namespace llmload::master {

class TargetDriver {
 public:
  static constexpr absl::Duration kRateUpdateEvery = absl::Milliseconds(250);

  // Fails only on stages a typed flag could not have produced (they were checked then).
  static absl::StatusOr<TargetDriver> Create(const WorkloadSpec& spec);

  // The target the run starts with (the shape's value at 0).
  const schedule::LoadTarget& current() const { return current_; }
  // The target at `elapsed` since the run started, when it differs from the last one handed
  // out; nullopt when it does not, or once the shape is over (see done()).
  std::optional<schedule::LoadTarget> Tick(absl::Duration elapsed);
  // The shape has run its course: the run ends.
  bool done() const { return done_; }
  // The stage in force, from 0; -1 without --stages.
  int stage() const { return stage_; }
  bool has_shape() const { return shape_ != nullptr; }
  int stage_count() const { return shape_ ? shape_->stage_count() : 0; }
  absl::Duration shape_duration() const {
    return shape_ ? shape_->total_duration() : absl::ZeroDuration();
  }

 private:
  TargetDriver() = default;
  schedule::LoadTarget TargetFor(const schedule::ShapeTarget& at) const;

  bool open_loop_ = false;
  std::shared_ptr<const schedule::LoadShape> shape_;  // null: no --stages
  schedule::LoadTarget current_;
  absl::Duration last_update_ = absl::ZeroDuration();
  int stage_ = -1;
  bool done_ = false;
};

}  // namespace llmload::master

#endif  // LLMLOAD_MASTER_TARGET_DRIVER_H_
