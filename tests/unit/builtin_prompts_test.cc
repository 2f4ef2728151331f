#include "common/builtin_prompts.h"

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace llmload {
namespace {

size_t Words(const std::string& text) {
  std::vector<absl::string_view> words =
      absl::StrSplit(text, absl::ByAnyChar(" \t\n"), absl::SkipEmpty());
  return words.size();
}

TEST(BuiltinPromptsTest, ExactlyEightWithStableIds) {
  const std::vector<Prompt>& prompts = BuiltinPrompts();
  ASSERT_EQ(prompts.size(), 8u);
  for (size_t i = 0; i < prompts.size(); ++i) {
    EXPECT_EQ(prompts[i].id, absl::StrCat("builtin-", i + 1));
  }
  // One set for the whole process: callers may keep references into it.
  EXPECT_EQ(&BuiltinPrompts(), &prompts);
}

TEST(BuiltinPromptsTest, LengthsGrowFromOneSentenceToAboutTwoHundredFiftyWords) {
  const std::vector<Prompt>& prompts = BuiltinPrompts();
  ASSERT_EQ(prompts.size(), 8u);
  for (size_t i = 1; i < prompts.size(); ++i) {
    EXPECT_LT(Words(prompts[i - 1].text), Words(prompts[i].text))
        << prompts[i].id << " should be longer than " << prompts[i - 1].id;
  }
  const std::string& shortest = prompts.front().text;
  EXPECT_LT(Words(shortest), 25u);
  // One sentence: a single terminator, at the very end.
  EXPECT_EQ(shortest.find_first_of(".?!"), shortest.size() - 1) << shortest;
  size_t longest = Words(prompts.back().text);
  EXPECT_GE(longest, 200u);
  EXPECT_LE(longest, 300u);
}

TEST(BuiltinPromptsTest, TextsAreDistinctCleanAscii) {
  absl::flat_hash_set<std::string> seen;
  for (const Prompt& prompt : BuiltinPrompts()) {
    EXPECT_TRUE(seen.insert(prompt.text).second) << prompt.id << " duplicates another prompt";
    EXPECT_EQ(absl::StripAsciiWhitespace(prompt.text), prompt.text) << prompt.id;
    // Plain printable ASCII: no smart quotes or stray newlines from the raw string literals,
    // so the text is byte-identical in every request body and report.
    for (char c : prompt.text) {
      ASSERT_TRUE(c >= 0x20 && c < 0x7f) << prompt.id << " has byte " << static_cast<int>(c);
    }
  }
}

TEST(BuiltinPromptsTest, EachPromptHasItsOwnTopic) {
  // A marker word per topic, in id order: science, cooking, travel, finance, health, software,
  // history, law. Each must appear in its own prompt and in no other.
  const std::vector<std::string> markers = {
      "sky",        "risotto",         "night train", "compound interest",
      "deep sleep", "connection pool", "Gutenberg",   "contract"};
  const std::vector<Prompt>& prompts = BuiltinPrompts();
  ASSERT_EQ(prompts.size(), markers.size());
  for (size_t m = 0; m < markers.size(); ++m) {
    for (size_t p = 0; p < prompts.size(); ++p) {
      bool found = absl::AsciiStrToLower(prompts[p].text).find(absl::AsciiStrToLower(markers[m])) !=
                   std::string::npos;
      EXPECT_EQ(found, m == p) << "marker '" << markers[m] << "' in " << prompts[p].id;
    }
  }
}

TEST(BuiltinPromptsTest, NoTwoPromptsShareALongPrefix) {
  // A server with prefix caching would otherwise serve part of one prompt from another's cache.
  const std::vector<Prompt>& prompts = BuiltinPrompts();
  for (size_t a = 0; a < prompts.size(); ++a) {
    for (size_t b = a + 1; b < prompts.size(); ++b) {
      const std::string& x = prompts[a].text;
      const std::string& y = prompts[b].text;
      size_t common = 0;
      while (common < x.size() && common < y.size() && x[common] == y[common]) ++common;
      EXPECT_LT(common, 32u) << prompts[a].id << " and " << prompts[b].id;
    }
  }
}

}  // namespace
}  // namespace llmload
