#include "schedule/stages.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/duration.h"

namespace llmload::schedule {

absl::StatusOr<std::vector<Stage>> ParseStages(absl::string_view text) {
  if (absl::StripAsciiWhitespace(text).empty()) {
    return absl::InvalidArgumentError(
        "--stages is empty (expected DURATION:TARGET,..., e.g. '30s:10,2m:100,30s:0')");
  }
  std::vector<Stage> stages;
  int index = 0;
  for (absl::string_view item : absl::StrSplit(text, ',')) {
    ++index;
    const std::string what = absl::StrCat("--stages item ", index, " '", item, "'");
    const std::vector<absl::string_view> parts = absl::StrSplit(item, ':');
    if (parts.size() != 2) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": expected DURATION:TARGET, e.g. '30s:10'"));
    }
    absl::StatusOr<absl::Duration> duration = ParseDuration(parts[0], what);
    if (!duration.ok()) return duration.status();
    const absl::string_view target_text = absl::StripAsciiWhitespace(parts[1]);
    double target = 0;
    if (!absl::SimpleAtod(target_text, &target) || !std::isfinite(target)) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": target '", target_text, "' is not a finite number"));
    }
    if (target < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": target '", target_text, "' is negative"));
    }
    stages.push_back({*duration, target});
  }
  return stages;
}

StagesShape::StagesShape(std::vector<Stage> stages, double start, bool step)
    : stages_(std::move(stages)), total_(absl::ZeroDuration()), start_(start), step_(step) {
  ends_.reserve(stages_.size());
  for (const Stage& stage : stages_) {
    total_ += stage.duration;
    ends_.push_back(total_);
  }
}

std::optional<ShapeTarget> StagesShape::TargetAt(absl::Duration elapsed) const {
  elapsed = std::max(elapsed, absl::ZeroDuration());
  // The stage in force is the first that ends after `elapsed`; zero-duration stages end where
  // they begin and are never in force.
  const auto it = std::upper_bound(ends_.begin(), ends_.end(), elapsed);
  if (it == ends_.end()) return std::nullopt;
  const int index = static_cast<int>(it - ends_.begin());
  const Stage& stage = stages_[index];
  if (step_) return ShapeTarget{stage.target, 0, index};
  const double from = index == 0 ? start_ : stages_[index - 1].target;
  const absl::Duration begin = *it - stage.duration;
  const double fraction = absl::FDivDuration(elapsed - begin, stage.duration);
  const double slope = (stage.target - from) / absl::ToDoubleSeconds(stage.duration);
  return ShapeTarget{from + (stage.target - from) * fraction, slope, index};
}

}  // namespace llmload::schedule
