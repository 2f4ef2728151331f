#include "schedule/largest_remainder.h"

#include <numeric>
#include <random>

#include "gtest/gtest.h"

namespace llmload::schedule {
namespace {

int64_t Sum(const std::vector<int64_t>& v) {
  return std::accumulate(v.begin(), v.end(), int64_t{0});
}

TEST(SplitLargestRemainderTest, EqualWeightsSplitEvenlyWithRemainderFirst) {
  EXPECT_EQ(SplitLargestRemainder(10, {1, 1, 1}), (std::vector<int64_t>{4, 3, 3}));
  EXPECT_EQ(SplitLargestRemainder(2, {1, 1, 1}), (std::vector<int64_t>{1, 1, 0}));
  EXPECT_EQ(SplitLargestRemainder(0, {1, 1}), (std::vector<int64_t>{0, 0}));
}

TEST(SplitLargestRemainderTest, WeightsByCores) {
  // 8 + 4 + 4 cores: 1000 users go 500 / 250 / 250.
  EXPECT_EQ(SplitLargestRemainder(1000, {8, 4, 4}), (std::vector<int64_t>{500, 250, 250}));
  // 7 users over 2 and 1 cores: exact shares 4.67 and 2.33 -> 5 and 2.
  EXPECT_EQ(SplitLargestRemainder(7, {2, 1}), (std::vector<int64_t>{5, 2}));
  // An agent with no weight gets nothing.
  EXPECT_EQ(SplitLargestRemainder(5, {1, 0, 1}), (std::vector<int64_t>{3, 0, 2}));
}

TEST(SplitLargestRemainderTest, SharesAlwaysSumExactly) {
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

}  // namespace
}  // namespace llmload::schedule
