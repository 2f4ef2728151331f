#include "master/dispatch.h"

#include <numeric>
#include <random>

#include "gtest/gtest.h"

namespace llmload::master {
namespace {

int64_t Sum(const std::vector<int64_t>& v) {
  return std::accumulate(v.begin(), v.end(), int64_t{0});
}

TEST(DispatchTest, EqualWeightsSplitEvenlyWithRemainderFirst) {
  EXPECT_EQ(SplitLargestRemainder(10, {1, 1, 1}), (std::vector<int64_t>{4, 3, 3}));
  EXPECT_EQ(SplitLargestRemainder(2, {1, 1, 1}), (std::vector<int64_t>{1, 1, 0}));
  EXPECT_EQ(SplitLargestRemainder(0, {1, 1}), (std::vector<int64_t>{0, 0}));
}

TEST(DispatchTest, WeightsByCores) {
  // 8 + 4 + 4 cores: 1000 users go 500 / 250 / 250.
  EXPECT_EQ(SplitLargestRemainder(1000, {8, 4, 4}), (std::vector<int64_t>{500, 250, 250}));
  // 7 users over 2 and 1 cores: exact shares 4.67 and 2.33 -> 5 and 2.
  EXPECT_EQ(SplitLargestRemainder(7, {2, 1}), (std::vector<int64_t>{5, 2}));
  // An agent with no weight gets nothing.
  EXPECT_EQ(SplitLargestRemainder(5, {1, 0, 1}), (std::vector<int64_t>{3, 0, 2}));
}

TEST(DispatchTest, SharesAlwaysSumExactly) {
  std::mt19937_64 rng(3);
  for (int trial = 0; trial < 2000; ++trial) {
    const int agents = 1 + static_cast<int>(rng() % 50);
    std::vector<double> weights(agents);
    for (double& w : weights) w = 1 + static_cast<double>(rng() % 64);
    const int64_t total = static_cast<int64_t>(rng() % 100000);
    const std::vector<int64_t> shares = SplitLargestRemainder(total, weights);
    ASSERT_EQ(Sum(shares), total);
    for (int64_t s : shares) ASSERT_GE(s, 0);
  }
}

TEST(DispatchTest, SpawnRateFollowsUsersAndSumsExactly) {
  std::vector<AgentShare> shares = SplitLoad(10, 3.0, 100, {1, 1, 1});
  ASSERT_EQ(shares.size(), 3u);
  EXPECT_EQ(shares[0].users, 4);
  EXPECT_DOUBLE_EQ(shares[0].spawn_rate, 1.2);
  EXPECT_DOUBLE_EQ(shares[1].spawn_rate, 0.9);
  EXPECT_EQ(shares[0].spawn_rate + shares[1].spawn_rate + shares[2].spawn_rate, 3.0);
  EXPECT_EQ(shares[0].max_requests + shares[1].max_requests + shares[2].max_requests, 100);
  // No request limit stays no limit.
  for (const AgentShare& s : SplitLoad(10, 3.0, 0, {1, 1})) EXPECT_EQ(s.max_requests, 0);
}

TEST(DispatchTest, RebalanceWhenAnAgentLeavesAndComesBack) {
  // Three agents, then one leaves (weight 0), then it comes back: totals stay exact and the
  // survivors take over the missing agent's users.
  std::vector<AgentShare> all = SplitLoad(100, 10, 0, {1, 1, 1});
  std::vector<AgentShare> two = SplitLoad(100, 10, 0, {1, 0, 1});
  std::vector<AgentShare> back = SplitLoad(100, 10, 0, {1, 1, 1});
  EXPECT_EQ(all[0].users + all[1].users + all[2].users, 100);
  EXPECT_EQ(two[1].users, 0);
  EXPECT_EQ(two[1].spawn_rate, 0);
  EXPECT_EQ(two[0].users + two[2].users, 100);
  EXPECT_GT(two[0].users, all[0].users);
  EXPECT_EQ(back[0].users, all[0].users);
  EXPECT_DOUBLE_EQ(two[0].spawn_rate + two[2].spawn_rate, 10);
}

}  // namespace
}  // namespace llmload::master
