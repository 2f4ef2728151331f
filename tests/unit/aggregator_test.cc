#include "master/aggregator.h"

#include "common/clock.h"
#include "gtest/gtest.h"

namespace llmload::master {
namespace {

IntervalStats Delta(uint64_t ok, uint64_t http5xx, int64_t ttft_ns) {
  IntervalStats s;
  s.outcomes[static_cast<size_t>(ErrorClass::kSuccess)] = ok;
  s.outcomes[static_cast<size_t>(ErrorClass::kHttp5xx)] = http5xx;
  for (uint64_t i = 0; i < ok; ++i) s.ttft.Record(ttft_ns);
  s.output_tokens = ok * 16;
  return s;
}

TEST(AggregatorTest, MergesEachSequenceNumberOnce) {
  Aggregator agg;
  const int64_t t = 100 * kNsPerSecond;
  EXPECT_TRUE(agg.Add("a", 1, Delta(10, 1, 20'000'000), t));
  EXPECT_FALSE(agg.Add("a", 1, Delta(10, 1, 20'000'000), t));  // resent
  EXPECT_TRUE(agg.Add("b", 1, Delta(5, 0, 30'000'000), t));    // other source, same seq
  EXPECT_TRUE(agg.Add("a", 3, Delta(1, 0, 20'000'000), t));    // out of order
  EXPECT_TRUE(agg.Add("a", 2, Delta(1, 0, 20'000'000), t));
  EXPECT_FALSE(agg.Add("a", 3, Delta(1, 0, 20'000'000), t));
  EXPECT_FALSE(agg.Add("a", 2, Delta(1, 0, 20'000'000), t));
  EXPECT_EQ(agg.totals().succeeded(), 17u);
  EXPECT_EQ(agg.totals().failed(), 1u);
  EXPECT_EQ(agg.totals().ttft.count(), 17u);
  EXPECT_EQ(agg.source_requests("b"), 5u);
  EXPECT_EQ(agg.source_requests("a"), 13u);
  EXPECT_EQ(agg.source_requests("zzz"), 0u);
}

TEST(AggregatorTest, WindowForgetsOldSlots) {
  Aggregator agg(absl::Seconds(10));
  const int64_t t0 = 1000 * kNsPerSecond;
  agg.set_window_start(t0);
  agg.Add("a", 1, Delta(100, 0, 10'000'000), t0);
  agg.Add("a", 2, Delta(50, 0, 10'000'000), t0 + 5 * kNsPerSecond);
  Aggregator::WindowView early = agg.Window(t0 + 5 * kNsPerSecond + kNsPerSecond / 2);
  EXPECT_EQ(early.stats.requests(), 150u);
  EXPECT_NEAR(early.span_s, 5.5, 1e-6);
  Aggregator::WindowView later = agg.Window(t0 + 12 * kNsPerSecond);
  EXPECT_EQ(later.stats.requests(), 50u);  // the first slot fell out
  EXPECT_NEAR(later.span_s, 9.0, 1e-6);
  EXPECT_EQ(agg.totals().requests(), 150u);  // totals keep everything
}

}  // namespace
}  // namespace llmload::master
