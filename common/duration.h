// Parsing and printing of the human durations used on the command line and in scenario
// files: "50ms", "30s", "5m", "1h30m", "1.5s". A bare number is refused, because "30" could
// mean seconds or milliseconds and a load test that silently guesses is worse than one that asks.
// Durations are capped at kMaxDuration (one year), so that every deadline computed from one
// (now + duration, in int64 nanoseconds) stays far from overflow.
#ifndef LLMLOAD_COMMON_DURATION_H_
#define LLMLOAD_COMMON_DURATION_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace llmload {

// The longest duration any flag or field accepts: 8760h (365 days).
inline constexpr absl::Duration kMaxDuration = absl::Hours(8760);

// Parses a non-negative duration of at most kMaxDuration. `what` names the flag or field for
// the error message.
absl::StatusOr<absl::Duration> ParseDuration(absl::string_view text, absl::string_view what);

}  // namespace llmload

#endif  // LLMLOAD_COMMON_DURATION_H_
