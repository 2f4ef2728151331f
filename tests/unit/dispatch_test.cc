#include "master/dispatch.h"

#include "gtest/gtest.h"

namespace llmload::master {
namespace {

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
