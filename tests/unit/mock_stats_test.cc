#include "mock/mock_stats.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace llmload::mock {
namespace {

TEST(MockStatsTest, LatenessBucketsAreMonotonicAndTight) {
  int previous = -1;
  for (uint64_t us = 0; us < 5'000'000; us = us < 64 ? us + 1 : us + us / 7) {
    const int b = LatenessBucket(us);
    EXPECT_GE(b, previous);
    previous = b;
    EXPECT_LE(LatenessBucketLow(b), us);
    EXPECT_GE(static_cast<double>(LatenessBucketLow(b)), static_cast<double>(us) * 0.87);
  }
}

TEST(MockStatsTest, FirstTokenBucketsAreContiguousAndFine) {
  EXPECT_EQ(FirstTokenBucket(0), 0);
  EXPECT_EQ(FirstTokenBucket(1023), 1023);
  EXPECT_EQ(FirstTokenBucket(1024), 1024);
  EXPECT_EQ(FirstTokenBucket(uint64_t{1} << 40), FineDurationHistogram::kBuckets - 1);
  for (int b = 0; b + 1 < FineDurationHistogram::kBuckets; ++b) {
    // Every bucket starts where the previous one ends, and its low value maps back to it.
    EXPECT_EQ(FirstTokenBucket(FirstTokenBucketLow(b)), b);
    EXPECT_EQ(FirstTokenBucket(FirstTokenBucketLow(b + 1) - 1), b);
  }
  // The reported midpoint is within 0.1% (and at most 1 us below 1 ms) of any value in its
  // bucket: fine enough to compare with a client's TTFT to well under a millisecond.
  for (uint64_t us = 0; us < 100'000'000; us = us < 4096 ? us + 1 : us + us / 97) {
    const double mid = static_cast<double>(FirstTokenBucketMid(FirstTokenBucket(us)));
    EXPECT_LE(std::abs(mid - static_cast<double>(us)), std::max(1.0, 0.001 * us)) << us;
  }
}

TEST(MockStatsTest, SumsLoopsAndReportsLatenessPercentiles) {
  std::vector<std::unique_ptr<MockCounters>> loops;
  loops.push_back(std::make_unique<MockCounters>());
  loops.push_back(std::make_unique<MockCounters>());
  MockCounters::Add(loops[0]->requests_total, 2);
  MockCounters::Add(loops[1]->requests_total, 3);
  MockCounters::Add(loops[0]->connections_accepted, 4);
  MockCounters::Add(loops[0]->connections_closed, 1);
  for (int i = 0; i < 98; ++i) loops[i % 2]->RecordLateness(10'000);  // 10 us
  loops[0]->RecordLateness(2'000'000);                                // 2 ms
  loops[1]->RecordLateness(2'000'000);
  for (int i = 0; i < 98; ++i) {
    loops[i % 2]->first_token.Record(20'000'000 + i * 1'000);  // 20 ms
    loops[i % 2]->first_token_from_arrival.Record(20'100'000 + i * 1'000);
  }
  loops[1]->first_token.Record(25'000'000);
  loops[0]->first_token.Record(25'300'000);
  loops[1]->first_token_from_arrival.Record(26'000'000);
  loops[0]->first_token_from_arrival.Record(26'300'000);
  MockStats s;
  for (const auto& l : loops) l->AddTo(&s);
  MockCounters::MergeHistograms(loops, &s);
  EXPECT_EQ(s.requests_total, 5u);
  EXPECT_EQ(s.connections_open, 3u);
  EXPECT_EQ(s.token_lateness_p50_us, 10u);
  EXPECT_GE(s.token_lateness_p99_us, 1792u);
  EXPECT_EQ(s.token_lateness_max_us, 2000u);
  // Nearest rank over 100 samples: p50 is the 50th value (20,049 us), p99 the 99th (25 ms).
  EXPECT_NEAR(static_cast<double>(s.first_token.p50_us), 20'049.0, 20.0);
  EXPECT_NEAR(static_cast<double>(s.first_token.p99_us), 25'000.0, 25.0);
  EXPECT_EQ(s.first_token.max_us, 25'300u);
  // The two first-token histograms are kept apart.
  EXPECT_NEAR(static_cast<double>(s.first_token_from_arrival.p50_us), 20'149.0, 20.0);
  EXPECT_NEAR(static_cast<double>(s.first_token_from_arrival.p99_us), 26'000.0, 26.0);
  EXPECT_EQ(s.first_token_from_arrival.max_us, 26'300u);
  nlohmann::json j = nlohmann::json::parse(s.ToJson());
  EXPECT_EQ(j["requests_total"], 5);
  EXPECT_EQ(j["token_lateness_us"]["max"], 2000);
  EXPECT_EQ(j["first_token_us"]["max"], 25'300);
  EXPECT_EQ(j["first_token_us"]["p99"], s.first_token.p99_us);
  EXPECT_EQ(j["first_token_from_arrival_us"]["max"], 26'300);
}

TEST(MockStatsTest, ReportsTheBatchSlotQueue) {
  std::vector<std::unique_ptr<MockCounters>> loops;
  loops.push_back(std::make_unique<MockCounters>());
  loops.push_back(std::make_unique<MockCounters>());
  // Loop 0 peaked at 3 waiting and has 1 now; loop 1 peaked at 2 and has 2.
  MockCounters::SetGauge(loops[0]->queued_now, loops[0]->max_queued, 3);
  MockCounters::SetGauge(loops[0]->queued_now, loops[0]->max_queued, 1);
  MockCounters::SetGauge(loops[1]->queued_now, loops[1]->max_queued, 2);
  MockCounters::SetGauge(loops[0]->generating_now, loops[0]->max_generating, 2);
  MockCounters::SetGauge(loops[1]->generating_now, loops[1]->max_generating, 1);
  MockCounters::Add(loops[0]->queued_total, 5);
  MockCounters::Add(loops[1]->queued_total, 2);
  MockCounters::Add(loops[1]->queue_abandoned);
  for (int i = 0; i < 99; ++i) loops[i % 2]->queue_wait.Record(0);  // admitted at once
  loops[1]->queue_wait.Record(400'000'000);                         // 400 ms
  MockStats s;
  for (const auto& l : loops) l->AddTo(&s);
  MockCounters::MergeHistograms(loops, &s);
  EXPECT_EQ(s.queued_now, 3u);
  EXPECT_EQ(s.max_queued, 5u);  // the loops' peaks, summed
  EXPECT_EQ(s.generating_now, 3u);
  EXPECT_EQ(s.max_generating, 3u);
  EXPECT_EQ(s.queued_total, 7u);
  EXPECT_EQ(s.queue_abandoned, 1u);
  EXPECT_EQ(s.queue_wait.p50_us, 0u);
  EXPECT_EQ(s.queue_wait.max_us, 400'000u);
  const nlohmann::json j = nlohmann::json::parse(s.ToJson());
  EXPECT_EQ(j["queued_now"], 3);
  EXPECT_EQ(j["max_queued"], 5);
  EXPECT_EQ(j["generating_now"], 3);
  EXPECT_EQ(j["max_generating"], 3);
  EXPECT_EQ(j["queued_total"], 7);
  EXPECT_EQ(j["queue_abandoned"], 1);
  EXPECT_EQ(j["queue_wait_us"]["p50"], 0);
  EXPECT_EQ(j["queue_wait_us"]["max"], 400'000);
  EXPECT_NE(s.Summary().find(" queued=7 max_queued=5"), std::string::npos) << s.Summary();
}

}  // namespace
}  // namespace llmload::mock
