#include "agent/retry_after.h"

#include <limits>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "gtest/gtest.h"

namespace llmload {
namespace {

// 1994-11-06 08:49:37 UTC, the RFC's example date.
const int64_t kRfcDateNs = absl::ToUnixNanos(
    absl::FromCivil(absl::CivilSecond(1994, 11, 6, 8, 49, 37), absl::UTCTimeZone()));

TEST(ParseRetryAfterTest, DeltaSeconds) {
  EXPECT_EQ(ParseRetryAfterNs("120", 0), 120 * kNsPerSecond);
  EXPECT_EQ(ParseRetryAfterNs("0", 0), 0);
  EXPECT_EQ(ParseRetryAfterNs("  5 ", 12345), 5 * kNsPerSecond);
  // Too large to hold: saturated, for the caller to cap.
  EXPECT_EQ(ParseRetryAfterNs("99999999999999999999999", 0), std::numeric_limits<int64_t>::max());
}

TEST(ParseRetryAfterTest, ImfFixdate) {
  EXPECT_EQ(ParseRetryAfterNs("Sun, 06 Nov 1994 08:49:37 GMT", kRfcDateNs - 30 * kNsPerSecond),
            30 * kNsPerSecond);
  EXPECT_EQ(ParseRetryAfterNs("Sun, 06 Nov 1994 08:49:37 GMT", kRfcDateNs - 1), 1);
  // A date already past: no wait.
  EXPECT_EQ(ParseRetryAfterNs("Sun, 06 Nov 1994 08:49:37 GMT", kRfcDateNs + kNsPerSecond), 0);
  EXPECT_EQ(ParseRetryAfterNs("Thu, 01 Jan 1970 00:00:10 GMT", 0), 10 * kNsPerSecond);
  EXPECT_EQ(ParseRetryAfterNs("Sat, 29 Feb 2020 23:59:59 GMT", 0).has_value(), true);
}

TEST(ParseRetryAfterTest, AnythingElseIsRefused) {
  for (const char* bad : {"", " ", "-5", "1.5", "+5", "5s", "soon", "0x10",
                          // the obsolete forms, which RFC 9110 lets a recipient refuse
                          "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
                          // wrong zone, weekday, date, time or spacing
                          "Sun, 06 Nov 1994 08:49:37 UTC", "Mon, 06 Nov 1994 08:49:37 GMT",
                          "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
                          "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 6 Nov 1994 08:49:37 GMT",
                          "Sun,  06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:3x GMT"}) {
    EXPECT_EQ(ParseRetryAfterNs(bad, kRfcDateNs), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace llmload
