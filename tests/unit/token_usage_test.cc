#include "api/token_usage.h"

#include "gtest/gtest.h"

namespace llmload {
namespace {

TEST(CheckUsageTest, PlausibleCountsAreValid) {
  EXPECT_EQ(CheckUsage(TokenUsage{12, 34}, 2000), UsageVerdict::kValid);
  EXPECT_EQ(CheckUsage(TokenUsage{0, 0}, 0), UsageVerdict::kValid);
  // One byte per token is the least a token can take.
  EXPECT_EQ(CheckUsage(TokenUsage{5, 100}, 100), UsageVerdict::kValid);
  EXPECT_EQ(CheckUsage(TokenUsage{kMaxReportedTokens, kMaxReportedTokens}, kMaxReportedTokens),
            UsageVerdict::kValid);
}

TEST(CheckUsageTest, NegativeAbsurdOrImpossibleCountsAreNot) {
  EXPECT_EQ(CheckUsage(TokenUsage{5, -1000}, 2000), UsageVerdict::kNegative);
  EXPECT_EQ(CheckUsage(TokenUsage{-1, 3}, 2000), UsageVerdict::kNegative);
  EXPECT_EQ(CheckUsage(TokenUsage{5, kMaxReportedTokens + 1}, int64_t{1} << 40),
            UsageVerdict::kTooLarge);
  EXPECT_EQ(CheckUsage(TokenUsage{int64_t{1} << 62, 3}, 2000), UsageVerdict::kTooLarge);
  EXPECT_EQ(CheckUsage(TokenUsage{5, 101}, 100), UsageVerdict::kMoreThanBytes);
  EXPECT_EQ(CheckUsage(TokenUsage{5, 100000}, 400), UsageVerdict::kMoreThanBytes);
}

}  // namespace
}  // namespace llmload
