#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dataset/dataset_loader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/prompt_lists.h"

namespace llmload {
namespace {

using dataset::DatasetLoadOptions;
using dataset::LoadDataset;
using dataset::ParseDataset;

using ::llmload::testing::IdsOf;
using ::llmload::testing::TextsOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Each test writes its fixtures into its own fresh directory under the GoogleTest temp dir,
// so tests stay self-contained and can run in parallel (ctest runs each in its own process).
class DatasetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = absl::StrCat(::testing::TempDir(), "llmload_dataset_", info->name(), "_", getpid());
    ::mkdir(dir_.c_str(), 0700);
  }

  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // Writes `bytes` verbatim (binary, so CRLF and BOMs stay as given) and returns the path.
  std::string Write(const std::string& name, const std::string& bytes) {
    std::string path = absl::StrCat(dir_, "/", name);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
    EXPECT_TRUE(out.good()) << path;
    return path;
  }

  std::string dir_;
};

TEST_F(DatasetTest, TextFileIsOnePromptPerLineWithBasenameLineIds) {
  std::string path = Write("questions.txt", "What is TCP?\nWhy is the sea salty?\n");
  auto prompts = LoadDataset(path);
  ASSERT_TRUE(prompts.ok()) << prompts.status();
  EXPECT_THAT(TextsOf(*prompts), ElementsAre("What is TCP?", "Why is the sea salty?"));
  EXPECT_THAT(IdsOf(*prompts), ElementsAre("questions.txt:1", "questions.txt:2"));
}

TEST_F(DatasetTest, TextFileSkipsBlankLinesButKeepsEditorLineNumbers) {
  std::string path = Write("gaps.txt", "\nfirst\n\n   \n\tsecond with tab\nthird");
  auto prompts = LoadDataset(path);
  ASSERT_TRUE(prompts.ok()) << prompts.status();
  EXPECT_THAT(TextsOf(*prompts), ElementsAre("first", "\tsecond with tab", "third"));
  EXPECT_THAT(IdsOf(*prompts), ElementsAre("gaps.txt:2", "gaps.txt:5", "gaps.txt:6"));
}

TEST_F(DatasetTest, CrlfLineEndsAreStripped) {
  std::string path = Write("dos.txt", "alpha\r\nbeta\r\n\r\ngamma\r\n");
  auto prompts = LoadDataset(path);
  ASSERT_TRUE(prompts.ok()) << prompts.status();
  EXPECT_THAT(TextsOf(*prompts), ElementsAre("alpha", "beta", "gamma"));
  EXPECT_THAT(IdsOf(*prompts), ElementsAre("dos.txt:1", "dos.txt:2", "dos.txt:4"));

  std::string jsonl = Write("dos.jsonl", "{\"prompt\":\"a\"}\r\n{\"prompt\":\"b\"}\r\n");
  auto records = LoadDataset(jsonl);
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_THAT(TextsOf(*records), ElementsAre("a", "b"));
}

TEST_F(DatasetTest, Utf8BomIsIgnoredInBothFormats) {
  std::string txt = Write("bom.txt", "\xEF\xBB\xBFhello\n");
  auto prompts = LoadDataset(txt);
  ASSERT_TRUE(prompts.ok()) << prompts.status();
  EXPECT_THAT(TextsOf(*prompts), ElementsAre("hello"));

  // Without the BOM strip the JSON parser would reject the first record.
  std::string jsonl = Write("bom.jsonl", "\xEF\xBB\xBF{\"prompt\":\"hi\"}\n");
  auto records = LoadDataset(jsonl);
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_THAT(TextsOf(*records), ElementsAre("hi"));
}

TEST_F(DatasetTest, JsonlPromptFieldAndOptionalId) {
  std::string path = Write("set.jsonl",
                           "{\"id\":\"greeting\",\"prompt\":\"Say hello.\"}\n"
                           "\n"
                           "{\"prompt\":\"No id here.\",\"extra\":[1,2]}\n"
                           "{\"id\":42,\"prompt\":\"Numeric id.\"}\n");
  auto prompts = LoadDataset(path);
  ASSERT_TRUE(prompts.ok()) << prompts.status();
  EXPECT_THAT(TextsOf(*prompts), ElementsAre("Say hello.", "No id here.", "Numeric id."));
  EXPECT_THAT(IdsOf(*prompts), ElementsAre("greeting", "set.jsonl:3", "42"));
}

TEST_F(DatasetTest, NdjsonExtensionIsJsonlCaseInsensitive) {
  std::string path = Write("SET.NDJSON", "{\"prompt\":\"x\"}\n");
  auto prompts = LoadDataset(path);
  ASSERT_TRUE(prompts.ok()) << prompts.status();
  EXPECT_THAT(TextsOf(*prompts), ElementsAre("x"));
}

TEST_F(DatasetTest, JsonLinesInATxtFileAreTakenLiterally) {
  // The format follows the extension only: documented, and tested so it stays that way.
  std::string path = Write("raw.txt", "{\"prompt\":\"x\"}\n");
  auto prompts = LoadDataset(path);
  ASSERT_TRUE(prompts.ok()) << prompts.status();
  EXPECT_THAT(TextsOf(*prompts), ElementsAre("{\"prompt\":\"x\"}"));
}

TEST_F(DatasetTest, MessagesRecordsUseTheLastUserMessage) {
  std::string path = Write(
      "chat.jsonl",
      R"({"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"First question"},{"role":"assistant","content":"Answer"},{"role":"user","content":"Follow-up question"}]})"
      "\n"
      R"({"id":"parts","messages":[{"role":"user","content":[{"type":"text","text":"Line one"},{"type":"image_url","image_url":{"url":"x"}},{"type":"text","text":"Line two"}]}]})"
      "\n");
  auto prompts = LoadDataset(path);
  ASSERT_TRUE(prompts.ok()) << prompts.status();
  EXPECT_THAT(TextsOf(*prompts), ElementsAre("Follow-up question", "Line one\nLine two"));
  EXPECT_THAT(IdsOf(*prompts), ElementsAre("chat.jsonl:1", "parts"));
}

TEST_F(DatasetTest, PromptFieldWinsOverMessages) {
  std::string path =
      Write("both.jsonl", R"({"prompt":"from prompt","messages":[{"role":"user","content":"m"}]})");
  auto prompts = LoadDataset(path);
  ASSERT_TRUE(prompts.ok()) << prompts.status();
  EXPECT_THAT(TextsOf(*prompts), ElementsAre("from prompt"));
}

TEST_F(DatasetTest, MessagesWithoutUserMessageNamesLineAndField) {
  std::string path = Write("nouser.jsonl",
                           "{\"prompt\":\"ok\"}\n"
                           R"({"messages":[{"role":"system","content":"s"}]})"
                           "\n");
  auto prompts = LoadDataset(path);
  ASSERT_FALSE(prompts.ok());
  EXPECT_THAT(prompts.status().message(), HasSubstr("nouser.jsonl:2: field 'messages'"));
  EXPECT_THAT(prompts.status().message(), HasSubstr("role 'user'"));
}

TEST_F(DatasetTest, InvalidJsonNamesFileAndLine) {
  std::string path = Write("bad.jsonl", "{\"prompt\":\"ok\"}\n\n{\"prompt\": oops}\n");
  auto prompts = LoadDataset(path);
  ASSERT_FALSE(prompts.ok());
  EXPECT_EQ(prompts.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(prompts.status().message(), HasSubstr(absl::StrCat(path, ":3: invalid JSON: ")));
  // The parser's own explanation follows, without nlohmann's internal tag.
  EXPECT_THAT(prompts.status().message(), HasSubstr("parse error at column 12"));
  EXPECT_THAT(prompts.status().message(), ::testing::Not(HasSubstr("json.exception")));
}

TEST_F(DatasetTest, MissingOrNonStringPromptNamesLineAndField) {
  std::string missing = Write("missing.jsonl", "{\"prompt\":\"ok\"}\n{\"text\":\"wrong key\"}\n");
  auto a = LoadDataset(missing);
  ASSERT_FALSE(a.ok());
  EXPECT_THAT(a.status().message(), HasSubstr("missing.jsonl:2: missing field 'prompt'"));

  std::string number = Write("number.jsonl", "{\"prompt\":17}\n");
  auto b = LoadDataset(number);
  ASSERT_FALSE(b.ok());
  EXPECT_THAT(b.status().message(),
              HasSubstr("number.jsonl:1: field 'prompt' must be a string, got number"));

  std::string empty = Write("empty_prompt.jsonl", "{\"prompt\":\"  \"}\n");
  auto c = LoadDataset(empty);
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("empty_prompt.jsonl:1: the prompt is empty"));
}

TEST_F(DatasetTest, NonObjectRecordAndBadIdAreErrors) {
  auto array = LoadDataset(Write("array.jsonl", "[\"a\"]\n"), {.format = "jsonl"});
  ASSERT_FALSE(array.ok());
  EXPECT_THAT(array.status().message(), HasSubstr("array.jsonl:1: expected a JSON object"));

  auto bad_id = LoadDataset(Write("id.jsonl", "{\"id\":[1],\"prompt\":\"p\"}\n"));
  ASSERT_FALSE(bad_id.ok());
  EXPECT_THAT(bad_id.status().message(), HasSubstr("id.jsonl:1: field 'id' must be"));
}

TEST_F(DatasetTest, DuplicateIdsAreRefusedWithBothLines) {
  std::string path = Write("dup.jsonl",
                           "{\"id\":\"a\",\"prompt\":\"1\"}\n{\"id\":\"b\",\"prompt\":\"2\"}\n"
                           "{\"id\":\"a\",\"prompt\":\"3\"}\n");
  auto prompts = LoadDataset(path);
  ASSERT_FALSE(prompts.ok());
  EXPECT_THAT(prompts.status().message(), HasSubstr("dup.jsonl:3: duplicate id 'a'"));
  EXPECT_THAT(prompts.status().message(), HasSubstr("line 1"));
}

TEST_F(DatasetTest, EmptyDatasetIsAnError) {
  for (const char* contents : {"", "\n\n  \r\n", "\xEF\xBB\xBF"}) {
    std::string path = Write("empty.txt", contents);
    auto prompts = LoadDataset(path);
    ASSERT_FALSE(prompts.ok()) << "contents: '" << contents << "'";
    EXPECT_THAT(prompts.status().message(), HasSubstr("has no prompts"));
    EXPECT_THAT(prompts.status().message(), HasSubstr(path));
  }
  auto jsonl = LoadDataset(Write("empty.jsonl", "\n"));
  ASSERT_FALSE(jsonl.ok());
  EXPECT_THAT(jsonl.status().message(), HasSubstr("has no prompts"));
}

TEST_F(DatasetTest, UnreadableFileNamesPathAndSystemError) {
  std::string path = absl::StrCat(dir_, "/does-not-exist.txt");
  auto prompts = LoadDataset(path);
  ASSERT_FALSE(prompts.ok());
  EXPECT_THAT(prompts.status().message(), HasSubstr(path));
  EXPECT_THAT(prompts.status().message(), HasSubstr("No such file or directory"));

  auto directory = LoadDataset(dir_);
  ASSERT_FALSE(directory.ok());
  EXPECT_THAT(directory.status().message(), HasSubstr("Is a directory"));
}

TEST_F(DatasetTest, JsonArrayFilesAreReadRecordByRecord) {
  DatasetSource source;
  auto prompts = LoadDataset(
      Write("set.json", "[{\"prompt\":\"a\"},\n {\"prompt\":\"b\", \"id\": 9}]\n"), {}, &source);
  ASSERT_TRUE(prompts.ok()) << prompts.status();
  EXPECT_THAT(TextsOf(*prompts), ElementsAre("a", "b"));
  EXPECT_THAT(IdsOf(*prompts), ElementsAre("set.json:1", "9"));
  EXPECT_EQ(source.format, "json");
  EXPECT_EQ(source.records, 2u);
  EXPECT_EQ(source.used, 2u);
}

TEST_F(DatasetTest, InvalidUtf8InTextFileNamesLineAndColumn) {
  auto prompts = LoadDataset(Write("latin1.txt", "fine\ncaf\xE9 au lait\n"));
  ASSERT_FALSE(prompts.ok());
  EXPECT_THAT(prompts.status().message(), HasSubstr("latin1.txt:2: invalid UTF-8 at column 4"));
}

TEST_F(DatasetTest, MinMaxCharsFilterCountsCodePoints) {
  // "héllo" is 5 code points but 6 bytes; "日本語" is 3 code points, 9 bytes.
  std::string path = Write("lengths.txt", "a\nhéllo\n日本語\n0123456789\n");
  DatasetLoadOptions options;
  options.length.min_chars = 3;
  options.length.max_chars = 5;
  auto prompts = LoadDataset(path, options);
  ASSERT_TRUE(prompts.ok()) << prompts.status();
  EXPECT_THAT(TextsOf(*prompts), ElementsAre("héllo", "日本語"));
  EXPECT_THAT(IdsOf(*prompts), ElementsAre("lengths.txt:2", "lengths.txt:3"));

  options.length = {.min_chars = 10};
  auto long_only = LoadDataset(path, options);
  ASSERT_TRUE(long_only.ok()) << long_only.status();
  EXPECT_THAT(TextsOf(*long_only), ElementsAre("0123456789"));
}

TEST_F(DatasetTest, FilterThatLeavesNothingIsAnErrorWithTheRange) {
  std::string path = Write("short.txt", "ab\nabcd\n");
  auto prompts = LoadDataset(path, {.length = {.min_chars = 100, .max_chars = 200}});
  ASSERT_FALSE(prompts.ok());
  EXPECT_THAT(prompts.status().message(), HasSubstr(path));
  EXPECT_THAT(prompts.status().message(),
              HasSubstr("--min-prompt-chars=100 --max-prompt-chars=200"));
  EXPECT_THAT(prompts.status().message(), HasSubstr("2 prompts have 2 to 4 characters"));
}

TEST(ParseDatasetTest, ParsesContentsWithoutAFileAsLoadDatasetWould) {
  auto text = ParseDataset(
      "\xEF\xBB\xBF"
      "first\r\n\nthird\n",
      "dir/p.txt");
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_THAT(TextsOf(*text), ElementsAre("first", "third"));
  EXPECT_THAT(IdsOf(*text), ElementsAre("p.txt:1", "p.txt:3"));

  auto jsonl = ParseDataset("{\"prompt\":\"a\",\"id\":7}\n{\"prompt\":\"bb\"}\n", "s.jsonl",
                            {.length = {.min_chars = 2}});
  ASSERT_TRUE(jsonl.ok()) << jsonl.status();
  EXPECT_THAT(TextsOf(*jsonl), ElementsAre("bb"));
  EXPECT_THAT(IdsOf(*jsonl), ElementsAre("s.jsonl:2"));

  auto bad = ParseDataset("ok\n{\"prompt\":1}\n", "s.jsonl");
  EXPECT_THAT(bad.status().message(), HasSubstr("s.jsonl:1: invalid JSON"));
  auto empty = ParseDataset("\n\r\n", "e.txt");
  EXPECT_THAT(empty.status().message(), HasSubstr("'e.txt' has no prompts"));
}

TEST(FilterPromptsByLengthTest, RefusesMinAboveMax) {
  auto prompts = FilterPromptsByLength({{"x", "text"}}, {.min_chars = 9, .max_chars = 3}, "x");
  ASSERT_FALSE(prompts.ok());
  EXPECT_THAT(prompts.status().message(),
              HasSubstr("--min-prompt-chars (9) is greater than --max-prompt-chars (3)"));
}

TEST(PromptCharsTest, CountsCodePoints) {
  EXPECT_EQ(PromptChars(""), 0u);
  EXPECT_EQ(PromptChars("abc"), 3u);
  EXPECT_EQ(PromptChars("héllo"), 5u);
  EXPECT_EQ(PromptChars("日本語"), 3u);
  EXPECT_EQ(PromptChars("\xF0\x9F\x98\x80"), 1u);  // one emoji, four bytes
}

TEST_F(DatasetTest, PromptArgumentIsTakenLiterally) {
  auto prompt = ResolvePromptArgument("Tell me a joke.\n");
  ASSERT_TRUE(prompt.ok()) << prompt.status();
  EXPECT_EQ(prompt->text, "Tell me a joke.\n");  // literal text is never trimmed
  EXPECT_EQ(prompt->id, "prompt");

  auto escaped = ResolvePromptArgument("@@handle is a name");
  ASSERT_TRUE(escaped.ok()) << escaped.status();
  EXPECT_EQ(escaped->text, "@handle is a name");
}

TEST_F(DatasetTest, PromptArgumentFromFileTrimsTrailingNewlinesAndBom) {
  std::string path = Write("long_prompt.txt", "\xEF\xBB\xBFLine one\r\nLine two  \r\n\r\n");
  auto prompt = ResolvePromptArgument(absl::StrCat("@", path));
  ASSERT_TRUE(prompt.ok()) << prompt.status();
  EXPECT_EQ(prompt->text, "Line one\r\nLine two  ");
  EXPECT_EQ(prompt->id, "long_prompt.txt");
}

TEST_F(DatasetTest, PromptArgumentErrors) {
  auto empty = ResolvePromptArgument("   ");
  ASSERT_FALSE(empty.ok());
  EXPECT_THAT(empty.status().message(), HasSubstr("--prompt: the prompt is empty"));

  auto bare_at = ResolvePromptArgument("@");
  ASSERT_FALSE(bare_at.ok());
  EXPECT_THAT(bare_at.status().message(), HasSubstr("must be followed by a file path"));

  std::string missing = absl::StrCat(dir_, "/nope.txt");
  auto unreadable = ResolvePromptArgument(absl::StrCat("@", missing));
  ASSERT_FALSE(unreadable.ok());
  EXPECT_THAT(unreadable.status().message(),
              HasSubstr(absl::StrCat("cannot read '", missing, "': No such file or directory")));

  std::string blank = Write("blank.txt", "\n\n");
  auto empty_file = ResolvePromptArgument(absl::StrCat("@", blank));
  ASSERT_FALSE(empty_file.ok());
  EXPECT_THAT(empty_file.status().message(), HasSubstr(absl::StrCat("--prompt @", blank)));
  EXPECT_THAT(empty_file.status().message(), HasSubstr("the prompt is empty"));

  auto bad_utf8 = ResolvePromptArgument("caf\xE9");
  ASSERT_FALSE(bad_utf8.ok());
  EXPECT_THAT(bad_utf8.status().message(), HasSubstr("invalid UTF-8 at byte 3"));
  // Overlong '/', a UTF-16 surrogate and a truncated sequence are not UTF-8 either.
  for (const char* text : {"a\xC0\xAF", "a\xED\xA0\x80", "a\xE6\x97"}) {
    auto invalid = ResolvePromptArgument(text);
    ASSERT_FALSE(invalid.ok()) << text;
    EXPECT_THAT(invalid.status().message(), HasSubstr("invalid UTF-8 at byte 1"));
  }
}

}  // namespace
}  // namespace llmload
