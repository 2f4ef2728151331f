#include "common/retry_policy.h"

#include "gtest/gtest.h"

namespace llmload {
namespace {

TEST(ParseRetryOnTest, TakesClassNamesAndStatusShorthands) {
  absl::StatusOr<ErrorClassSet> set = ParseRetryOn(std::string(kDefaultRetryOn));
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(RetryOnText(*set), "http_429,http_5xx,timeout,connect,reset");
  EXPECT_EQ(*set, RetryPolicy().retry_on);  // the flag's default is the policy's default
  set = ParseRetryOn(" 4xx , truncated_stream");
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(RetryOnText(*set), "http_4xx,truncated_stream");
}

TEST(ParseRetryOnTest, RefusesUnknownClassesSuccessCancelledAndNothing) {
  for (const char* bad : {"42x", "success", "cancelled", "", " , "}) {
    absl::StatusOr<ErrorClassSet> set = ParseRetryOn(bad);
    EXPECT_FALSE(set.ok()) << bad;
    EXPECT_NE(set.status().message().find("--retry-on"), std::string::npos);
  }
}

TEST(RetryPolicyTest, RetriesOnlyListedClassesAndOnlyAsOftenAsAsked) {
  RetryPolicy p;
  EXPECT_FALSE(p.ShouldRetry(ErrorClass::kHttp429, 0));  // off by default
  p.max_retries = 2;
  EXPECT_TRUE(p.ShouldRetry(ErrorClass::kHttp429, 0));
  EXPECT_TRUE(p.ShouldRetry(ErrorClass::kReset, 1));
  EXPECT_FALSE(p.ShouldRetry(ErrorClass::kReset, 2));
  EXPECT_FALSE(p.ShouldRetry(ErrorClass::kHttp4xx, 0));
  EXPECT_FALSE(p.ShouldRetry(ErrorClass::kSuccess, 0));
}

TEST(RetryPolicyTest, BackoffIsExponentialWithFullJitterAndCapped) {
  RetryPolicy p;
  p.backoff = absl::Milliseconds(100);
  p.backoff_max = absl::Seconds(1);
  const int64_t ms = 1000000;
  EXPECT_EQ(p.WaitBeforeRetryNs(1, 0.0, std::nullopt), 0);
  EXPECT_EQ(p.WaitBeforeRetryNs(1, 0.5, std::nullopt), 50 * ms);
  EXPECT_EQ(p.WaitBeforeRetryNs(2, 0.5, std::nullopt), 100 * ms);
  EXPECT_EQ(p.WaitBeforeRetryNs(3, 0.5, std::nullopt), 200 * ms);
  EXPECT_EQ(p.WaitBeforeRetryNs(5, 0.5, std::nullopt), 500 * ms);     // capped at 1 s
  EXPECT_EQ(p.WaitBeforeRetryNs(1000, 0.5, std::nullopt), 500 * ms);  // no overflow
}

TEST(RetryPolicyTest, ARespectedRetryAfterIsAFloor) {
  RetryPolicy p;
  p.backoff = absl::Milliseconds(100);
  const int64_t s = 1000000000;
  EXPECT_EQ(p.WaitBeforeRetryNs(1, 0.5, 2 * s), 2 * s);
  EXPECT_EQ(p.WaitBeforeRetryNs(1, 0.5, 0), 50000000);
  p.respect_retry_after = false;
  EXPECT_EQ(p.WaitBeforeRetryNs(1, 0.5, 2 * s), 50000000);
}

}  // namespace
}  // namespace llmload
