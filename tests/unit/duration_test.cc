#include "common/duration.h"

#include "gtest/gtest.h"

namespace llmload {
namespace {

TEST(ParseDurationTest, AcceptsCommonForms) {
  EXPECT_EQ(*ParseDuration("30s", "--run-time"), absl::Seconds(30));
  EXPECT_EQ(*ParseDuration("5m", "--run-time"), absl::Minutes(5));
  EXPECT_EQ(*ParseDuration("1h30m", "--run-time"), absl::Minutes(90));
  EXPECT_EQ(*ParseDuration("50ms", "--ttft"), absl::Milliseconds(50));
  EXPECT_EQ(*ParseDuration("1.5s", "--ttft"), absl::Milliseconds(1500));
  EXPECT_EQ(*ParseDuration(" 10ms ", "--itl"), absl::Milliseconds(10));
  EXPECT_EQ(*ParseDuration("0s", "--itl"), absl::ZeroDuration());
}

TEST(ParseDurationTest, RefusesBareNumbersWithAHint) {
  auto d = ParseDuration("30", "--run-time");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("--run-time"), std::string::npos);
  EXPECT_NE(d.status().message().find("unit is required"), std::string::npos);
}

TEST(ParseDurationTest, RefusesGarbageNegativeAndInfinite) {
  EXPECT_FALSE(ParseDuration("", "x").ok());
  EXPECT_FALSE(ParseDuration("abc", "x").ok());
  EXPECT_FALSE(ParseDuration("5 parsecs", "x").ok());
  EXPECT_FALSE(ParseDuration("-5s", "x").ok());
  EXPECT_FALSE(ParseDuration("inf", "x").ok());
}

TEST(ParseDurationTest, ReadsBackAbslFormatDuration) {
  for (absl::Duration d : {absl::Milliseconds(250), absl::Minutes(90), absl::Seconds(2.5)}) {
    EXPECT_EQ(*ParseDuration(absl::FormatDuration(d), "x"), d);
  }
}

}  // namespace
}  // namespace llmload
