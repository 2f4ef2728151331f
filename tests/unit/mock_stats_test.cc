#include "mock/mock_stats.h"

#include <memory>
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
  MockStats s;
  for (const auto& l : loops) l->AddTo(&s);
  MockCounters::MergeLateness(loops, &s);
  EXPECT_EQ(s.requests_total, 5u);
  EXPECT_EQ(s.connections_open, 3u);
  EXPECT_EQ(s.token_lateness_p50_us, 10u);
  EXPECT_GE(s.token_lateness_p99_us, 1792u);
  EXPECT_EQ(s.token_lateness_max_us, 2000u);
  nlohmann::json j = nlohmann::json::parse(s.ToJson());
  EXPECT_EQ(j["requests_total"], 5);
  EXPECT_EQ(j["token_lateness_us"]["max"], 2000);
}

}  // namespace
}  // namespace llmload::mock
