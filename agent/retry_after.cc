#include "agent/retry_after.h"

#include <array>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/clock.h"

namespace llmload {
namespace {

bool AllDigits(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// A fixed-width decimal field.
bool Number(absl::string_view s, int* out) { return AllDigits(s) && absl::SimpleAtoi(s, out); }

// IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT", exactly 29 characters.
std::optional<absl::Time> ParseImfFixdate(absl::string_view s) {
  static constexpr std::array<absl::string_view, 7> kDays = {"Mon", "Tue", "Wed", "Thu",
                                                             "Fri", "Sat", "Sun"};
  static constexpr std::array<absl::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (s.size() != 29 || s.substr(3, 2) != ", " || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
      s[19] != ':' || s[22] != ':' || s.substr(25) != " GMT") {
    return std::nullopt;
  }
  int weekday = -1;
  for (int i = 0; i < 7; ++i) {
    if (s.substr(0, 3) == kDays[i]) weekday = i;
  }
  int month = 0;
  for (int i = 0; i < 12; ++i) {
    if (s.substr(8, 3) == kMonths[i]) month = i + 1;
  }
  int day, year, hour, minute, second;
  if (weekday < 0 || month == 0 || !Number(s.substr(5, 2), &day) ||
      !Number(s.substr(12, 4), &year) || !Number(s.substr(17, 2), &hour) ||
      !Number(s.substr(20, 2), &minute) || !Number(s.substr(23, 2), &second)) {
    return std::nullopt;
  }
  // 60 is a leap second, which RFC 9110 allows and which counts as the next second.
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  const absl::CivilDay civil_day(year, month, day);
  // CivilDay normalizes "31 Feb" into March: a date that moved was not a date.
  if (civil_day.year() != year || civil_day.month() != month || civil_day.day() != day) {
    return std::nullopt;
  }
  if (static_cast<int>(absl::GetWeekday(civil_day)) != weekday) return std::nullopt;
  return absl::FromCivil(absl::CivilSecond(year, month, day, hour, minute, 0),
                         absl::UTCTimeZone()) +
         absl::Seconds(second);
}

}  // namespace

std::optional<int64_t> ParseRetryAfterNs(absl::string_view value, int64_t now_wall_ns) {
  const absl::string_view v = absl::StripAsciiWhitespace(value);
  if (AllDigits(v)) {
    uint64_t seconds = 0;
    constexpr uint64_t kMaxSeconds = std::numeric_limits<int64_t>::max() / kNsPerSecond;
    if (!absl::SimpleAtoi(v, &seconds) || seconds > kMaxSeconds) {
      return std::numeric_limits<int64_t>::max();  // all digits: only too large to hold
    }
    return static_cast<int64_t>(seconds) * kNsPerSecond;
  }
  const std::optional<absl::Time> at = ParseImfFixdate(v);
  if (!at) return std::nullopt;
  const absl::Duration wait = *at - absl::FromUnixNanos(now_wall_ns);
  if (wait <= absl::ZeroDuration()) return 0;
  return absl::ToInt64Nanoseconds(wait);  // saturates
}

}  // namespace llmload
