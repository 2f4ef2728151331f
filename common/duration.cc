#include "common/duration.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace llmload {

absl::StatusOr<absl::Duration> ParseDuration(absl::string_view text, absl::string_view what) {
  absl::string_view trimmed = absl::StripAsciiWhitespace(text);
  absl::Duration d;
  if (trimmed.empty() || !absl::ParseDuration(trimmed, &d) || trimmed == "inf" ||
      trimmed == "-inf") {
    bool bare_number =
        !trimmed.empty() && trimmed.find_first_not_of("0123456789.") == absl::string_view::npos;
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": '", text, "' is not a duration",
                     bare_number ? " (a unit is required, e.g. '30s' or '50ms')"
                                 : " (use a number and a unit: 50ms, 30s, 5m, 1h30m)"));
  }
  if (d < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": '", text, "' is negative"));
  }
  if (d > kMaxDuration) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": '", text, "' is too long (at most ",
                                                   absl::FormatDuration(kMaxDuration), ")"));
  }
  return d;
}

}  // namespace llmload
