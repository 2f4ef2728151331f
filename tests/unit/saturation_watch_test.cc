#include "agent/saturation_watch.h"

#include "common/clock.h"
#include "gtest/gtest.h"

namespace llmload::agent {
namespace {

constexpr int64_t kSecond = kNsPerSecond;

TEST(SaturationWatchTest, SaysSoOnceAfterThreeBusySecondsInARow) {
  SaturationWatch w;
  int64_t busy = 0;
  EXPECT_FALSE(w.Sample(busy, 0, 2));  // the first sample only sets the origin
  EXPECT_FALSE(w.busy_share().has_value());
  // Two threads, 1.9 s of work per second: 95% busy.
  busy += 19 * kSecond / 10;
  EXPECT_FALSE(w.Sample(busy, 1 * kSecond, 2));
  ASSERT_TRUE(w.busy_share().has_value());
  EXPECT_NEAR(*w.busy_share(), 0.95, 1e-9);
  busy += 19 * kSecond / 10;
  EXPECT_FALSE(w.Sample(busy, 2 * kSecond, 2));
  busy += 19 * kSecond / 10;
  std::optional<double> share = w.Sample(busy, 3 * kSecond, 2);
  ASSERT_TRUE(share.has_value());
  EXPECT_NEAR(*share, 0.95, 1e-9);
  EXPECT_TRUE(w.saturated());
  busy += 2 * kSecond;  // still saturated: no second warning
  EXPECT_FALSE(w.Sample(busy, 4 * kSecond, 2));
  EXPECT_TRUE(w.saturated());
}

TEST(SaturationWatchTest, ABreakResetsTheCountAndRecoveryAllowsANewWarning) {
  SaturationWatch w;
  int64_t busy = 0, now = 0;
  w.Sample(busy, now, 1);
  auto step = [&](double share) {
    now += kSecond;
    busy += static_cast<int64_t>(share * kSecond);
    return w.Sample(busy, now, 1);
  };
  EXPECT_FALSE(step(0.99));
  EXPECT_FALSE(step(0.99));
  EXPECT_FALSE(step(0.50));  // a quiet second: the run of busy seconds starts again
  EXPECT_FALSE(step(0.99));
  EXPECT_FALSE(step(0.99));
  EXPECT_TRUE(step(0.99));
  EXPECT_FALSE(step(0.20));  // recovered
  EXPECT_FALSE(w.saturated());
  EXPECT_FALSE(step(0.95));
  EXPECT_FALSE(step(0.95));
  EXPECT_TRUE(step(0.95));  // saturated again: said again
}

TEST(SaturationWatchTest, NinetyPercentIsNotSaturated) {
  SaturationWatch w;
  int64_t busy = 0;
  w.Sample(0, 0, 4);
  for (int s = 1; s <= 10; ++s) {
    busy += 36 * kSecond / 10;  // 3.6 of 4 threads: exactly 90%
    EXPECT_FALSE(w.Sample(busy, s * kSecond, 4)) << s;
  }
  EXPECT_FALSE(w.saturated());
}

}  // namespace
}  // namespace llmload::agent
