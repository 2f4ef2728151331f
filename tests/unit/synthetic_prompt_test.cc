#include "common/synthetic_prompt.h"

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace llmload {
namespace {

std::vector<std::string> Words(const std::string& text) { return absl::StrSplit(text, ' '); }

// How many leading words two texts share.
size_t SharedWords(const std::string& a, const std::string& b) {
  const std::vector<std::string> x = Words(a), y = Words(b);
  size_t n = 0;
  while (n < x.size() && n < y.size() && x[n] == y[n]) ++n;
  return n;
}

TEST(SyntheticPromptTest, HasExactlyTheWordsAskedFor) {
  for (int64_t tokens : {1, 2, 8, 9, 10, 100, 4097}) {
    const std::string text = SyntheticPrompt(tokens, {}, 0, /*salt=*/42);
    EXPECT_EQ(static_cast<int64_t>(Words(text).size()), tokens) << tokens;
    EXPECT_NE(text.front(), ' ');
    EXPECT_NE(text.back(), ' ');
    EXPECT_EQ(text.find("  "), std::string::npos);
    for (char c : text) EXPECT_TRUE(c == ' ' || (c >= 'a' && c <= 'z')) << text;
  }
  EXPECT_EQ(SyntheticPrompt(0, {}, 0, 1), "");
  EXPECT_EQ(SyntheticPrompt(-5, {1, 2}, 4, 1), "");
}

TEST(SyntheticPromptTest, IsDeterministic) {
  EXPECT_EQ(SyntheticPrompt(300, {7, 8}, 64, 3), SyntheticPrompt(300, {7, 8}, 64, 3));
  // Pinned: the list and the generator decide what every replayed trace sends, on every
  // platform; a change here changes what servers' prefix caches see.
  // Salt 0 spells itself as digit 0 nine times, word (0 + 67k) % 200 for digit k.
  EXPECT_EQ(SyntheticPrompt(9, {}, 0, 0), "the like school of over group and such again");
}

TEST(SyntheticPromptTest, DifferentSaltsDifferWithinNineWords) {
  std::set<std::string> seen;
  for (uint64_t salt : {0ull, 1ull, 199ull, 200ull, 40'000ull, 1ull << 40, ~0ull, ~0ull - 200}) {
    EXPECT_TRUE(seen.insert(SyntheticPrompt(9, {}, 0, salt)).second) << salt;
  }
  // Salts that differ below 200 differ in the first word.
  EXPECT_NE(Words(SyntheticPrompt(1, {}, 0, 5))[0], Words(SyntheticPrompt(1, {}, 0, 6))[0]);
  // Consecutive salts (trace lines) share no prefix beyond what their spelling forces.
  EXPECT_EQ(SharedWords(SyntheticPrompt(50, {}, 0, 1000), SyntheticPrompt(50, {}, 0, 1001)), 0u);
}

TEST(SyntheticPromptTest, SharedHashIdsShareBlocksOfText) {
  constexpr int64_t kBlock = 16;
  const std::string a = SyntheticPrompt(100, {1, 2, 3, 4, 5, 6, 7}, kBlock, /*salt=*/1);
  const std::string b = SyntheticPrompt(100, {1, 2, 3, 9, 10, 11, 12}, kBlock, /*salt=*/2);
  const size_t shared = SharedWords(a, b);
  EXPECT_GE(shared, 3u * kBlock);  // blocks 1, 2 and 3
  EXPECT_LT(shared, 4u * kBlock);  // block 4 differs (9 against 4)
  // A block's text depends on its id alone, not on where it stands.
  const std::string block2 = SyntheticPrompt(kBlock, {2}, kBlock, 0);
  const std::vector<std::string> words = Words(a);
  std::string second_block;
  for (size_t i = kBlock; i < 2 * kBlock; ++i) {
    second_block += (second_block.empty() ? "" : " ") + words[i];
  }
  EXPECT_EQ(second_block, block2);
}

TEST(SyntheticPromptTest, CutsToTheLengthAndFillsPastTheBlocks) {
  // Fewer tokens than the blocks hold: the first blocks, cut.
  EXPECT_EQ(
      SyntheticPrompt(20, {5, 6}, 16, 0),
      SyntheticPrompt(32, {5, 6}, 16, 0).substr(0, SyntheticPrompt(20, {5, 6}, 16, 0).size()));
  // More tokens than the blocks hold: the rest comes from the salt, so two requests with the
  // same single block differ after it.
  const std::string a = SyntheticPrompt(40, {5}, 16, 1);
  const std::string b = SyntheticPrompt(40, {5}, 16, 2);
  EXPECT_EQ(Words(a).size(), 40u);
  EXPECT_EQ(SharedWords(a, b), 16u);
  // block_tokens <= 0 ignores the hash ids.
  EXPECT_EQ(SyntheticPrompt(30, {5, 6}, 0, 9), SyntheticPrompt(30, {}, 0, 9));
}

}  // namespace
}  // namespace llmload
