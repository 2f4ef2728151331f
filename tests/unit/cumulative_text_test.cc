#include "api/cumulative_text.h"

#include "gtest/gtest.h"

namespace llmload {
namespace {

TEST(CumulativeTextTest, EachTextGivesWhatItAddsToThePreviousOne) {
  CumulativeText text;
  absl::string_view suffix;
  ASSERT_TRUE(text.NewSuffix("Hel", &suffix));
  EXPECT_EQ(suffix, "Hel");
  ASSERT_TRUE(text.NewSuffix("Hello", &suffix));
  EXPECT_EQ(suffix, "lo");
  ASSERT_TRUE(text.NewSuffix("Hello world", &suffix));
  EXPECT_EQ(suffix, " world");
  // The last event of a cumulative stream repeats the whole text: it adds nothing.
  ASSERT_TRUE(text.NewSuffix("Hello world", &suffix));
  EXPECT_EQ(suffix, "");
  EXPECT_EQ(text.text(), "Hello world");
}

TEST(CumulativeTextTest, ATextThatDoesNotExtendThePreviousIsRefusedAndBecomesTheReference) {
  CumulativeText text;
  absl::string_view suffix;
  ASSERT_TRUE(text.NewSuffix("Hello", &suffix));
  EXPECT_FALSE(text.NewSuffix("Help", &suffix));  // diverges
  EXPECT_EQ(suffix, "");
  ASSERT_TRUE(text.NewSuffix("Help me", &suffix));
  EXPECT_EQ(suffix, " me");
  EXPECT_FALSE(text.NewSuffix("He", &suffix));  // shorter
}

TEST(CumulativeTextTest, ResetStartsTheNextResponseFromNothing) {
  CumulativeText text;
  absl::string_view suffix;
  ASSERT_TRUE(text.NewSuffix("abc", &suffix));
  text.Reset();
  ASSERT_TRUE(text.NewSuffix("xyz", &suffix));
  EXPECT_EQ(suffix, "xyz");
}

}  // namespace
}  // namespace llmload
