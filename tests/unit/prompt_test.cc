#include "common/prompt.h"

#include <cmath>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace llmload {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<size_t> Draw(PromptPicker& picker, size_t n) {
  std::vector<size_t> out;
  for (size_t i = 0; i < n; ++i) out.push_back(picker.Next());
  return out;
}

TEST(ParsePromptOrderTest, AcceptsBothOrders) {
  EXPECT_EQ(*ParsePromptOrder("round-robin"), PromptOrder::kRoundRobin);
  EXPECT_EQ(*ParsePromptOrder("random"), PromptOrder::kRandom);
  EXPECT_EQ(*ParsePromptOrder(" Random "), PromptOrder::kRandom);
  EXPECT_EQ(PromptOrderName(PromptOrder::kRoundRobin), "round-robin");
  EXPECT_EQ(*ParsePromptOrder(PromptOrderName(PromptOrder::kRandom)), PromptOrder::kRandom);
}

TEST(ParsePromptOrderTest, RefusesOthersNamingTheFlagAndChoices) {
  for (const char* bad : {"", "roundrobin", "shuffle", "rr"}) {
    auto order = ParsePromptOrder(bad);
    ASSERT_FALSE(order.ok()) << bad;
    EXPECT_THAT(order.status().message(), HasSubstr("--prompt-order"));
    EXPECT_THAT(order.status().message(), HasSubstr("round-robin or random"));
  }
}

TEST(PromptPickerTest, RoundRobinCyclesThroughAllFromTheStreamOffset) {
  PromptPicker first(4, PromptOrder::kRoundRobin, /*seed=*/7, /*stream=*/0);
  EXPECT_THAT(Draw(first, 9), ElementsAre(0, 1, 2, 3, 0, 1, 2, 3, 0));
  PromptPicker third(4, PromptOrder::kRoundRobin, /*seed=*/7, /*stream=*/2);
  EXPECT_THAT(Draw(third, 5), ElementsAre(2, 3, 0, 1, 2));
  PromptPicker wrapped(4, PromptOrder::kRoundRobin, /*seed=*/7, /*stream=*/5);
  EXPECT_THAT(Draw(wrapped, 2), ElementsAre(1, 2));
  PromptPicker single(1, PromptOrder::kRoundRobin, /*seed=*/7, /*stream=*/3);
  EXPECT_THAT(Draw(single, 3), ElementsAre(0, 0, 0));
}

TEST(PromptPickerTest, RandomIsReproducibleForTheSameSeedAndStream) {
  PromptPicker a(8, PromptOrder::kRandom, /*seed=*/42, /*stream=*/3);
  PromptPicker b(8, PromptOrder::kRandom, /*seed=*/42, /*stream=*/3);
  std::vector<size_t> draws = Draw(a, 200);
  EXPECT_EQ(draws, Draw(b, 200));
  for (size_t index : draws) EXPECT_LT(index, 8u);
}

TEST(PromptPickerTest, RandomDiffersAcrossStreamsAndSeeds) {
  PromptPicker base(8, PromptOrder::kRandom, /*seed=*/42, /*stream=*/0);
  PromptPicker other_stream(8, PromptOrder::kRandom, /*seed=*/42, /*stream=*/1);
  PromptPicker other_seed(8, PromptOrder::kRandom, /*seed=*/43, /*stream=*/0);
  std::vector<size_t> reference = Draw(base, 64);
  // 64 draws from 8 values agree by chance with probability 8^-64: a difference is certain.
  EXPECT_NE(reference, Draw(other_stream, 64));
  EXPECT_NE(reference, Draw(other_seed, 64));
}

TEST(PromptPickerTest, RandomIsNotJustTheRoundRobinSequence) {
  PromptPicker picker(8, PromptOrder::kRandom, /*seed=*/1, /*stream=*/0);
  std::vector<size_t> draws = Draw(picker, 64);
  size_t in_sequence = 0;
  for (size_t i = 1; i < draws.size(); ++i) in_sequence += draws[i] == (draws[i - 1] + 1) % 8;
  EXPECT_LT(in_sequence, 30u);
}

TEST(PromptPickerTest, RandomCoversAllPromptsRoughlyEvenly) {
  constexpr size_t kCount = 8;
  constexpr size_t kDraws = 80000;
  for (uint64_t stream : {0u, 1u, 17u}) {
    PromptPicker picker(kCount, PromptOrder::kRandom, /*seed=*/2024, stream);
    std::vector<size_t> hits(kCount, 0);
    for (size_t i = 0; i < kDraws; ++i) ++hits[picker.Next()];
    // Expected 10000 each, standard deviation ~94: +-5% is more than 5 sigma, so the bound
    // only fails for a broken generator or range reduction.
    for (size_t k = 0; k < kCount; ++k) {
      EXPECT_NEAR(static_cast<double>(hits[k]), 10000.0, 500.0)
          << "prompt " << k << " stream " << stream;
    }
  }
}

TEST(PromptPickerTest, RandomHandlesCountsThatAreNotPowersOfTwo) {
  // 3 does not divide 2^32: a plain modulo would still pass, but a broken rejection loop
  // (wrong threshold) shows up as an out-of-range index or a skewed histogram.
  PromptPicker picker(3, PromptOrder::kRandom, /*seed=*/9, /*stream=*/5);
  std::vector<size_t> hits(3, 0);
  for (size_t i = 0; i < 30000; ++i) {
    size_t index = picker.Next();
    ASSERT_LT(index, 3u);
    ++hits[index];
  }
  for (size_t h : hits) EXPECT_NEAR(static_cast<double>(h), 10000.0, 500.0);
}

TEST(PromptPickerDeathTest, ZeroPromptsAborts) {
  EXPECT_DEATH(PromptPicker(0, PromptOrder::kRandom, 1, 0), "zero prompts");
}

}  // namespace
}  // namespace llmload
