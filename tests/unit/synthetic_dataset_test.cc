#include "common/synthetic_dataset.h"

#include <algorithm>
#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace llmload {
namespace {

using ::testing::HasSubstr;

int64_t Words(const std::string& text) {
  return text.empty() ? 0 : std::count(text.begin(), text.end(), ' ') + 1;
}

TEST(SyntheticDatasetTest, PromptsHaveTheirLengthsAndOutputLengths) {
  SyntheticDataset d;
  d.input = TokenLength{.kind = TokenLength::Kind::kUniform, .low = 20, .high = 40};
  d.output = TokenLength{.mean = 16};
  d.num_prompts = 50;
  ASSERT_TRUE(ValidateSyntheticDataset(d).ok());
  const std::vector<Prompt> prompts = MakeSyntheticPrompts(d, 3);
  ASSERT_EQ(prompts.size(), 50u);
  std::set<std::string> texts;
  for (size_t i = 0; i < prompts.size(); ++i) {
    EXPECT_EQ(prompts[i].id, "synthetic-" + std::to_string(i + 1));
    EXPECT_GE(Words(prompts[i].text), 20);
    EXPECT_LE(Words(prompts[i].text), 40);
    EXPECT_EQ(prompts[i].max_tokens, 16);
    texts.insert(prompts[i].text);
  }
  EXPECT_EQ(texts.size(), 50u);                    // no two alike
  EXPECT_EQ(MakeSyntheticPrompts(d, 3), prompts);  // the same on every agent
  EXPECT_NE(MakeSyntheticPrompts(d, 4), prompts);  // the seed changes them
}

TEST(SyntheticDatasetTest, PromptsOfAGroupShareTheirPrefix) {
  SyntheticDataset d;
  d.input = TokenLength{.mean = 100};
  d.prefix_tokens = 60;
  d.prefix_groups = 3;
  d.num_prompts = 9;
  ASSERT_TRUE(ValidateSyntheticDataset(d).ok());
  const std::vector<Prompt> prompts = MakeSyntheticPrompts(d, 0);
  auto prefix = [](const std::string& text, int64_t words) {
    size_t end = 0;
    for (int64_t w = 0; w < words; ++w) end = text.find(' ', end) + 1;
    return text.substr(0, end);
  };
  for (size_t i = 0; i < prompts.size(); ++i) {
    EXPECT_EQ(Words(prompts[i].text), 100) << i;
    EXPECT_FALSE(prompts[i].max_tokens.has_value());
    EXPECT_EQ(prefix(prompts[i].text, 60), prefix(prompts[i % 3].text, 60)) << i;
    if (i % 3 != 0) {
      EXPECT_NE(prefix(prompts[i].text, 60), prefix(prompts[0].text, 60)) << i;
    }
    // Past the prefix, each prompt is its own.
    if (i >= 3) {
      EXPECT_NE(prefix(prompts[i].text, 61), prefix(prompts[i % 3].text, 61)) << i;
    }
  }
}

TEST(SyntheticDatasetTest, BoundsAreCheckedByFlag) {
  SyntheticDataset d;
  d.input = TokenLength{.mean = 100};
  d.prefix_tokens = 100;
  EXPECT_THAT(ValidateSyntheticDataset(d).message(),
              HasSubstr("--prefix-tokens (100) must be below"));
  d.prefix_tokens = 0;
  d.prefix_groups = 2000;
  EXPECT_THAT(ValidateSyntheticDataset(d).message(), HasSubstr("--prefix-groups"));
  d.prefix_groups = 1;
  d.input = TokenLength{.mean = 100'000};
  d.num_prompts = 1000;
  EXPECT_THAT(ValidateSyntheticDataset(d).message(), HasSubstr("tokens of prompts in all"));
  // A wide spread is bounded by its longest draws, not its mean.
  d.input = TokenLength{.kind = TokenLength::Kind::kNormal, .mean = 1, .stddev = 1'000'000};
  d.num_prompts = 100;
  EXPECT_THAT(ValidateSyntheticDataset(d).message(), HasSubstr("at their longest"));
  d.num_prompts = 0;
  EXPECT_THAT(ValidateSyntheticDataset(d).message(), HasSubstr("--num-prompts"));
}

}  // namespace
}  // namespace llmload
