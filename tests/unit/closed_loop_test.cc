#include "schedule/closed_loop.h"

#include <algorithm>
#include <set>
#include <vector>

#include "gtest/gtest.h"

namespace llmload::schedule {
namespace {

// Every thread computes the start times of its own users; together they must form the exact
// engine-wide ramp, one user every 1/rate seconds.
std::vector<int64_t> RampAcrossThreads(int64_t users, int64_t previous, double rate, int64_t start,
                                       int threads) {
  std::vector<int64_t> times;
  std::set<int64_t> seen;
  for (int t = 0; t < threads; ++t) {
    for (int64_t local = 0; local < UsersOnThread(users, t, threads); ++local) {
      const int64_t global = GlobalUser(local, t, threads);
      EXPECT_EQ(ThreadOfUser(global, threads), t);
      EXPECT_TRUE(seen.insert(global).second) << "user " << global << " owned twice";
      if (global >= previous) times.push_back(SpawnAtNs(global, previous, rate, start));
    }
  }
  EXPECT_EQ(static_cast<int64_t>(seen.size()), users);
  std::sort(times.begin(), times.end());
  return times;
}

TEST(SpawnScheduleTest, RampIsExactForAnyThreadCount) {
  for (int threads : {1, 2, 3, 7}) {
    std::vector<int64_t> times = RampAcrossThreads(10, 0, 5.0, 1000, threads);
    ASSERT_EQ(times.size(), 10u);
    for (size_t i = 0; i < times.size(); ++i) {
      EXPECT_EQ(times[i], 1000 + static_cast<int64_t>(i) * 200'000'000) << threads << " threads";
    }
  }
}

TEST(SpawnScheduleTest, RaisingTheTargetRampsOnlyTheNewUsers) {
  std::vector<int64_t> times = RampAcrossThreads(15, 10, 2.0, 5'000'000'000, 4);
  ASSERT_EQ(times.size(), 5u);
  for (size_t i = 0; i < times.size(); ++i) {
    EXPECT_EQ(times[i], 5'000'000'000 + static_cast<int64_t>(i) * 500'000'000);
  }
}

TEST(SpawnScheduleTest, UsersOnThreadSplitsEvenly) {
  EXPECT_EQ(UsersOnThread(10, 0, 3), 4);
  EXPECT_EQ(UsersOnThread(10, 1, 3), 3);
  EXPECT_EQ(UsersOnThread(10, 2, 3), 3);
  EXPECT_EQ(UsersOnThread(2, 2, 3), 0);
  EXPECT_EQ(UsersOnThread(0, 0, 1), 0);
}

TEST(SpawnScheduleTest, ZeroRateStartsEveryoneAtOnceAndOldUsersRestartAtOnce) {
  EXPECT_EQ(SpawnAtNs(99, 0, 0, 42), 42);
  EXPECT_EQ(SpawnAtNs(3, 10, 1.0, 42), 42);  // below the previous target
  EXPECT_EQ(SpawnAtNs(12, 10, 1.0, 42), 42 + 2'000'000'000);
}

TEST(SpawnScheduleTest, ATimeBeyondTheInt64RangeIsNeverNotWrapped) {
  // 1e-12 users/s: the second user would start 1e21 ns from now. llround of that is undefined
  // and gave INT64_MIN on x86, a time long past: the user started at once.
  EXPECT_EQ(SpawnAtNs(0, 0, 1e-12, 42), 42);
  EXPECT_EQ(SpawnAtNs(1, 0, 1e-12, 42), kNeverNs);
  EXPECT_EQ(SpawnAtNs(5, 0, 1e-300, 42), kNeverNs);
  EXPECT_EQ(SpawnAtNs(1, 0, 1e-9, kNeverNs - 10), kNeverNs);
  // Just inside the range: still a real time, later than everything before it.
  EXPECT_EQ(SpawnAtNs(1, 0, 1.0, 0), 1'000'000'000);
  EXPECT_GT(SpawnAtNs(1, 0, 1e-9, 1'000'000'000), int64_t{1'000'000'000'000'000'000});
}

}  // namespace
}  // namespace llmload::schedule
