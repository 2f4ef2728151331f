// Fuzzes `--stages` (schedule/stages.h): ParseStages, then the StagesShape built from what it
// accepts. An accepted list is non-empty, with finite, non-negative durations and targets; the
// shape's target at any time inside it is finite and between the lowest and the highest of the
// start and the targets, its stage is one of the list's, and past its end the shape is over.
// Any other input is an error that names --stages.
//
// Input: 1 control byte (bit 0: --stages-step; bits 1-7: the start target), then the text.
#include "schedule/stages.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using llmload::schedule::Stage;
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  const uint64_t control = llmload::fuzz::TakeFront(&text, 1);
  const bool step = (control & 1) != 0;
  const double start = static_cast<double>(control >> 1);

  auto stages = llmload::schedule::ParseStages(text);
  if (!stages.ok()) {
    FUZZ_CHECK(absl::StartsWith(stages.status().message(), "--stages"));
    return 0;
  }
  FUZZ_CHECK(!stages->empty());
  double low = start, high = start;
  absl::Duration total = absl::ZeroDuration();
  for (const Stage& stage : *stages) {
    FUZZ_CHECK(std::isfinite(stage.target) && stage.target >= 0);
    FUZZ_CHECK(stage.duration >= absl::ZeroDuration() && stage.duration < absl::InfiniteDuration());
    low = std::min(low, stage.target);
    high = std::max(high, stage.target);
    total += stage.duration;
  }
  const llmload::schedule::StagesShape shape(*stages, start, step);
  FUZZ_CHECK(shape.total_duration() == total);
  FUZZ_CHECK(shape.stage_count() == static_cast<int>(stages->size()));
  for (int k = 0; k < 16; ++k) {
    const absl::Duration at = total * (k / 16.0);
    if (at >= total) break;
    const std::optional<llmload::schedule::ShapeTarget> target = shape.TargetAt(at);
    FUZZ_CHECK(target.has_value());
    FUZZ_CHECK(std::isfinite(target->value) && std::isfinite(target->slope_per_s));
    // A ramp's value is between the targets it joins, up to the rounding of its arithmetic.
    const double slack = 1e-9 * std::max(1.0, high);
    FUZZ_CHECK(target->value >= low - slack && target->value <= high + slack);
    FUZZ_CHECK(target->stage >= 0 && target->stage < shape.stage_count());
    if (step) FUZZ_CHECK(target->slope_per_s == 0);
  }
  FUZZ_CHECK(!shape.TargetAt(total + absl::Nanoseconds(1)).has_value());
  FUZZ_CHECK(!shape.TargetAt(absl::InfiniteDuration()).has_value());
  return 0;
}
