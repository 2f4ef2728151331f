#include "master/target_driver.h"

#include <cmath>
#include <utility>
#include <vector>

#include "schedule/stages.h"

namespace llmload::master {

absl::StatusOr<TargetDriver> TargetDriver::Create(const WorkloadSpec& spec) {
  TargetDriver d;
  d.open_loop_ = spec.open_loop;
  d.current_.users = spec.users;
  d.current_.spawn_rate = spec.spawn_rate;
  d.current_.open = schedule::RateShare{.rate = spec.rate,
                                        .phase_ns = 0,
                                        .max_concurrency = spec.max_concurrency,
                                        .max_queue = spec.max_queue};
  if (spec.stages.empty()) return d;
  absl::StatusOr<std::vector<schedule::Stage>> stages = schedule::ParseStages(spec.stages);
  if (!stages.ok()) return stages.status();
  // A closed loop ramps from no users (k6's ramping-vus); an open loop from --rate.
  d.shape_ = std::make_shared<schedule::StagesShape>(
      std::move(*stages), spec.open_loop ? spec.rate : 0.0, spec.stages_step);
  if (std::optional<schedule::ShapeTarget> at = d.shape_->TargetAt(absl::ZeroDuration())) {
    d.current_ = d.TargetFor(*at);
    d.stage_ = at->stage;
  }
  return d;
}

schedule::LoadTarget TargetDriver::TargetFor(const schedule::ShapeTarget& at) const {
  schedule::LoadTarget t = current_;
  if (open_loop_) {
    t.open.rate = std::max(0.0, at.value);
  } else {
    t.users = std::max<int64_t>(0, std::llround(at.value));
    // New users are spaced at the shape's slope, so the ramp is linear between ticks; a step
    // (or a ramp down, which retires users) starts them at once.
    t.spawn_rate = at.slope_per_s > 0 ? at.slope_per_s : 0;
  }
  return t;
}

std::optional<schedule::LoadTarget> TargetDriver::Tick(absl::Duration elapsed) {
  if (shape_ == nullptr || done_) return std::nullopt;
  const std::optional<schedule::ShapeTarget> at = shape_->TargetAt(elapsed);
  if (!at.has_value()) {
    done_ = true;
    return std::nullopt;
  }
  const bool new_stage = at->stage != stage_;
  stage_ = at->stage;
  const schedule::LoadTarget next = TargetFor(*at);
  const bool changed =
      open_loop_ ? next.open.rate != current_.open.rate : next.users != current_.users;
  if (!changed) return std::nullopt;
  if (open_loop_ && !new_stage && elapsed - last_update_ < kRateUpdateEvery) return std::nullopt;
  current_ = next;
  last_update_ = elapsed;
  return current_;
}

}  // namespace llmload::master
