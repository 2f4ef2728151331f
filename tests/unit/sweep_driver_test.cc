#include "master/sweep_driver.h"

#include <cmath>
#include <vector>

#include "common/clock.h"
#include "gtest/gtest.h"

namespace llmload::master {
namespace {

// A load source that records the targets it is given and reports what the test says is in
// flight; the test feeds the aggregator deltas itself.
class FakeSource : public LoadSource {
 public:
  using LoadSource::SetTarget;
  void SetTarget(const schedule::LoadTarget& target) override { targets.push_back(target); }
  void Stop(absl::Duration) override {}
  bool Finished() override { return true; }
  bool BudgetDone() override { return false; }
  int64_t RunningUsers() override { return in_flight; }
  int Agents() override { return 1; }
  std::vector<Delta> TakeDeltas() override { return {}; }

  std::vector<schedule::LoadTarget> targets;
  int64_t in_flight = 0;
};

constexpr int64_t kSecond = kNsPerSecond;
constexpr int64_t kWall0 = 1'700'000'000 * kSecond;

// `n` successful requests sent and ended within [from_s, to_s] of the run.
IntervalStats Requests(uint64_t n, double from_s, double to_s) {
  IntervalStats d;
  d.start_wall_ns = kWall0 + static_cast<int64_t>(from_s * kSecond);
  d.end_wall_ns = kWall0 + static_cast<int64_t>(to_s * kSecond);
  d.sent = n;
  d.outcomes[static_cast<size_t>(ErrorClass::kSuccess)] = n;
  d.slo_met = n;
  for (uint64_t i = 0; i < n; ++i) {
    d.e2e.Record(100 * kNsPerMs);
    d.ttft.Record(20 * kNsPerMs);
  }
  return d;
}

class SweepDriverTest : public ::testing::Test {
 protected:
  SweepConfig Config() {
    SweepConfig c;
    c.options.mode = schedule::SweepMode::kRates;
    c.options.steps = 1;
    c.options.max_users = 16;
    c.step_time = absl::Seconds(10);
    c.warmup = absl::Seconds(2);
    c.settle = absl::Seconds(1);
    c.drain_limit = absl::Seconds(5);
    return c;
  }
  // Ticks every 100 ms up to `to_s` (run seconds); now_s_ is then the next tick's time.
  void TickUntil(SweepDriver& d, double to_s) {
    const int64_t to_ms = std::llround(to_s * 1000);
    for (; now_ms_ <= to_ms && !d.done(); now_ms_ += 100) {
      now_s_ = static_cast<double>(now_ms_) / 1000;
      d.Tick(now_ms_ * kNsPerMs, kWall0 + now_ms_ * kNsPerMs);
    }
    now_s_ = static_cast<double>(now_ms_) / 1000;
  }
  FakeSource source_;
  Aggregator aggregator_;
  double now_s_ = 0;
  int64_t now_ms_ = 0;
  uint64_t seq_ = 0;
};

TEST_F(SweepDriverTest, EachStepSendsDrainsAndGetsItsOwnSegment) {
  SweepDriver d(Config(), source_, aggregator_);
  RunInfo base;
  base.id = "r";
  d.Start(0, kWall0, base);
  ASSERT_EQ(source_.targets.size(), 1u);
  // The synchronous step: one slot kept busy, its warm-up the first 2 s of the run.
  EXPECT_TRUE(std::isinf(source_.targets[0].open.rate));
  EXPECT_EQ(source_.targets[0].open.max_concurrency, 1);
  EXPECT_EQ(source_.targets[0].warmup_end_ns, 2 * kSecond);
  EXPECT_EQ(d.step_index(), 0);
  EXPECT_STREQ(d.step_kind(), "synchronous");

  source_.in_flight = 1;
  aggregator_.Add("local", ++seq_, Requests(80, 2, 9.9), 0);  // 80 in the 8 measured seconds
  TickUntil(d, 10.05);
  // Sending stopped at 10 s: the same step, no new sends.
  ASSERT_EQ(source_.targets.size(), 2u);
  EXPECT_EQ(source_.targets[1].open.rate, 0);
  EXPECT_EQ(source_.targets[1].warmup_end_ns, 2 * kSecond);
  // Nothing moves on while a request is in flight.
  TickUntil(d, 12);
  EXPECT_EQ(source_.targets.size(), 2u);
  EXPECT_EQ(aggregator_.segments().size(), 1u);
  source_.in_flight = 0;
  const double drained_s = now_s_;
  // One settle later the step closes and the next segment starts; one more and it sends.
  TickUntil(d, drained_s + 1.05);
  EXPECT_EQ(aggregator_.segments().size(), 2u);
  EXPECT_EQ(source_.targets.size(), 2u);
  TickUntil(d, drained_s + 2.15);
  ASSERT_EQ(source_.targets.size(), 3u);
  EXPECT_EQ(d.step_index(), 1);
  EXPECT_STREQ(d.step_kind(), "throughput");
  EXPECT_EQ(source_.targets[2].open.max_concurrency, 16);
  const int64_t step1_start = source_.targets[2].warmup_end_ns - 2 * kSecond;
  EXPECT_NEAR(static_cast<double>(step1_start) / kSecond, drained_s + 2.0, 0.05);

  // The throughput step does 400 in its measured 8 s; then the rate step between 10 and 50.
  const double s1 = static_cast<double>(step1_start) / kSecond;
  aggregator_.Add("local", ++seq_, Requests(400, s1 + 2, s1 + 9.9), 0);
  TickUntil(d, s1 + 10.05);
  source_.in_flight = 0;
  TickUntil(d, s1 + 12.3);
  ASSERT_EQ(source_.targets.size(), 5u);
  EXPECT_STREQ(d.step_kind(), "rate");
  EXPECT_DOUBLE_EQ(source_.targets[4].open.rate, 30);  // halfway between 10/s and 50/s
  const double s2 = static_cast<double>(source_.targets[4].warmup_end_ns) / kSecond - 2;
  aggregator_.Add("local", ++seq_, Requests(300, s2 + 0.1, s2 + 9.9), 0);
  TickUntil(d, s2 + 14);
  EXPECT_TRUE(d.done());
  EXPECT_TRUE(d.ended_early().empty());

  const SweepSummary s = d.Finish();
  ASSERT_EQ(s.steps.size(), 3u);
  EXPECT_DOUBLE_EQ(s.synchronous_rate, 10);  // 80 over the 8 s after the warm-up
  EXPECT_DOUBLE_EQ(s.max_throughput, 50);
  EXPECT_EQ(s.steps[0].summary->total, 80u);
  EXPECT_EQ(s.steps[1].summary->total, 400u);
  EXPECT_EQ(s.steps[2].summary->total, 300u);
  EXPECT_NEAR(s.steps[2].achieved_rate, 30, 0.5);  // 300 sent over its 10 s
  EXPECT_TRUE(s.steps[2].kept_up);
  EXPECT_NE(s.result.find("1 rate step(s)"), std::string::npos) << s.result;
}

TEST_F(SweepDriverTest, AStepThatDoesNotDrainEndsTheSweep) {
  SweepDriver d(Config(), source_, aggregator_);
  d.Start(0, kWall0, RunInfo{});
  source_.in_flight = 3;
  aggregator_.Add("local", ++seq_, Requests(50, 2, 9.9), 0);
  TickUntil(d, 16);
  EXPECT_TRUE(d.done());
  EXPECT_NE(d.ended_early().find("still had 3 request(s) in flight"), std::string::npos)
      << d.ended_early();
  const SweepSummary s = d.Finish();
  ASSERT_EQ(s.steps.size(), 1u);  // the step's figures are kept, without a verdict
  EXPECT_EQ(s.steps[0].summary->total, 50u);
  EXPECT_FALSE(s.ended_early.empty());
  EXPECT_NE(s.result.find("incomplete"), std::string::npos) << s.result;
}

TEST_F(SweepDriverTest, ARateStepWhoseQueueGrowsDidNotKeepUp) {
  SweepConfig c = Config();
  c.options.mode = schedule::SweepMode::kFindMax;
  SweepDriver d(c, source_, aggregator_);
  RunInfo base;
  base.goodput_enabled = true;
  d.Start(0, kWall0, base);
  aggregator_.Add("local", ++seq_, Requests(80, 2, 9.9), 0);
  TickUntil(d, 10.05);
  TickUntil(d, 12.2);  // drained (nothing in flight), settled, the throughput step sends
  ASSERT_STREQ(d.step_kind(), "throughput");
  const double s1 = static_cast<double>(source_.targets.back().warmup_end_ns) / kSecond - 2;
  aggregator_.Add("local", ++seq_, Requests(400, s1 + 2, s1 + 9.9), 0);
  TickUntil(d, s1 + 12.3);
  ASSERT_STREQ(d.step_kind(), "rate");
  EXPECT_DOUBLE_EQ(source_.targets.back().open.rate, 20);  // bracketing: twice 10/s
  const double s2 = static_cast<double>(source_.targets.back().warmup_end_ns) / kSecond - 2;
  // All sent, all within SLO, but what is in flight climbs through the step.
  aggregator_.Add("local", ++seq_, Requests(200, s2 + 0.1, s2 + 9.9), 0);
  for (int i = 0; now_s_ < s2 + 10; ++i) {
    source_.in_flight = static_cast<int64_t>(now_s_ - s2) * 3;
    TickUntil(d, now_s_);
  }
  source_.in_flight = 0;
  TickUntil(d, s2 + 12.3);
  const SweepSummary s = d.Finish();
  ASSERT_GE(s.steps.size(), 3u);
  EXPECT_FALSE(s.steps[2].kept_up);
  EXPECT_EQ(s.steps[2].passed, std::optional<bool>(false));
}

}  // namespace
}  // namespace llmload::master
