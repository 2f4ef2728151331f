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

TEST(ParseDurationTest, RefusesDurationsBeyondOneYearNamingTheFlagAndTheLimit) {
  EXPECT_EQ(*ParseDuration("8760h", "x"), kMaxDuration);
  for (const char* text : {"8760h1ns", "3000000h", "2562047h"}) {
    auto d = ParseDuration(text, "--stop-timeout");
    ASSERT_FALSE(d.ok()) << text;
    EXPECT_NE(d.status().message().find("--stop-timeout"), std::string::npos);
    EXPECT_NE(d.status().message().find("at most 8760h"), std::string::npos)
        << d.status().message();
  }
  // Beyond what absl parses at all: refused as not a duration.
  for (const char* text : {"99999999999999999999h", "1e30s"}) {
    EXPECT_FALSE(ParseDuration(text, "x").ok()) << text;
  }
}

TEST(ParseDurationTest, ReadsBackAbslFormatDuration) {
  for (absl::Duration d : {absl::Milliseconds(250), absl::Minutes(90), absl::Seconds(2.5)}) {
    EXPECT_EQ(*ParseDuration(absl::FormatDuration(d), "x"), d);
  }
}

}  // namespace
}  // namespace llmload
