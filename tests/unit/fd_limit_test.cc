#include "common/fd_limit.h"

#include <sys/resource.h>

#include "gtest/gtest.h"

namespace llmload {
namespace {

TEST(FdLimitTest, NoWarningWhenTheLimitCoversTheUsers) {
  EXPECT_FALSE(FdLimitWarning(100, FdLimits{1024, 4096}).has_value());
  EXPECT_FALSE(FdLimitWarning(1024 - kFdSlack, FdLimits{1024, 1024}).has_value());
  EXPECT_FALSE(FdLimitWarning(10'000'000, FdLimits{RLIM_INFINITY, RLIM_INFINITY}).has_value());
}

TEST(FdLimitTest, WarnsWithTheNumbersAndWhatToDo) {
  auto w = FdLimitWarning(5000, FdLimits{1024, 1024});
  ASSERT_TRUE(w.has_value());
  EXPECT_NE(w->find("1024"), std::string::npos) << *w;
  EXPECT_NE(w->find("5000 users"), std::string::npos) << *w;
  EXPECT_NE(w->find("ulimit -n 5064"), std::string::npos) << *w;
  EXPECT_TRUE(FdLimitWarning(1024 - kFdSlack + 1, FdLimits{1024, 1024}).has_value());
  auto unlimited_hard = FdLimitWarning(5000, FdLimits{1024, RLIM_INFINITY});
  ASSERT_TRUE(unlimited_hard.has_value());
  EXPECT_NE(unlimited_hard->find("unlimited"), std::string::npos) << *unlimited_hard;
}

TEST(FdLimitTest, BothEndsInOneProcessNeedTwiceAsMany) {
  EXPECT_FALSE(FdLimitWarning(900, FdLimits{1024, 1024}, 1).has_value());
  auto w = FdLimitWarning(900, FdLimits{1024, 1024}, 2);
  ASSERT_TRUE(w.has_value());
  EXPECT_NE(w->find("ulimit -n 1864"), std::string::npos) << *w;
}

TEST(FdLimitTest, RaiseReachesTheHardLimit) {
  const FdLimits limits = RaiseFdLimit();
  rlimit now{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &now), 0);
  EXPECT_EQ(limits.soft, now.rlim_cur);
  EXPECT_EQ(now.rlim_cur, now.rlim_max);
}

}  // namespace
}  // namespace llmload
