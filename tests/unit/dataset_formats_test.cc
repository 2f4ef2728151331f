// Every --dataset-format (dataset/): what each reads, what auto chooses and why, and, for each
// malformed case, an error naming the file and the line. Contents are parsed in memory
// (ParseDataset), the path naming the file and giving auto its extension.
#include <string>
#include <vector>

#include "common/dataset.h"
#include "common/input_file.h"
#include "dataset/csv_rows.h"
#include "dataset/dataset_loader.h"
#include "dataset/json_records.h"
#include "dataset/prompt_template.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/prompt_lists.h"

namespace llmload::dataset {
namespace {

using ::llmload::testing::IdsOf;
using ::llmload::testing::TextsOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string ErrorOf(absl::string_view contents, absl::string_view path,
                    const DatasetLoadOptions& options = {}) {
  auto prompts = ParseDataset(contents, path, options);
  EXPECT_FALSE(prompts.ok()) << "accepted " << path;
  return prompts.ok() ? "" : std::string(prompts.status().message());
}

// examples/sharegpt.json: two turns each way, a lone turn, and a system turn before a
// one-turn exchange.
std::string ShareGptExample() {
  absl::StatusOr<std::string> text =
      ReadInputFile(std::string(LLMLOAD_SOURCE_DIR) + "/examples/sharegpt.json");
  EXPECT_TRUE(text.ok()) << text.status();
  return text.ok() ? *text : "";
}

TEST(DatasetFormatsTest, ShareGptTakesTheFirstHumanTurnAndPassesOverLoneTurns) {
  DatasetSource source;
  auto prompts = ParseDataset(ShareGptExample(), "dir/sg.json", {}, &source);
  ASSERT_TRUE(prompts.ok()) << prompts.status();
  EXPECT_THAT(TextsOf(*prompts), ElementsAre("What is TTFT?", "Hi"));
  EXPECT_THAT(IdsOf(*prompts), ElementsAre("a1", "a3"));
  ASSERT_EQ((*prompts)[1].history.size(), 1u);
  EXPECT_EQ((*prompts)[1].history[0], (ChatMessage{"system", "Be brief."}));
  EXPECT_EQ(source.format, "sharegpt");
  EXPECT_THAT(source.chosen_by, HasSubstr("'conversations'"));
  EXPECT_EQ(source.records, 3u);
  EXPECT_EQ(source.skipped, 1u);
  EXPECT_THAT(source.skipped_why, HasSubstr("fewer than two turns"));
}

TEST(DatasetFormatsTest, ShareGptAsConversationsKeepsEveryTurnAndItsReply) {
  auto conversations = ParseDatasetConversations(ShareGptExample(), "sg.json");
  ASSERT_TRUE(conversations.ok()) << conversations.status();
  ASSERT_EQ(conversations->size(), 3u);
  const Conversation& first = (*conversations)[0];
  ASSERT_EQ(first.turns.size(), 2u);
  EXPECT_EQ(first.turns[0].prompt, "What is TTFT?");
  EXPECT_EQ(first.turns[0].response, "Time to first token.");
  EXPECT_EQ(first.turns[1].prompt, "And ITL?");
  EXPECT_EQ((*conversations)[2].system, "Be brief.");
}

TEST(DatasetFormatsTest, ShareGptErrorsNameTheLineAndTheField) {
  EXPECT_THAT(ErrorOf("[\n{\"conversations\": 3}]", "s.json"),
              HasSubstr("s.json:2: field 'conversations' must be an array, got number"));
  EXPECT_THAT(ErrorOf("[{\"conversations\": []},\n {\"conversations\": [{\"from\": \"robot\", "
                      "\"value\": \"x\"}]}]",
                      "s.json"),
              HasSubstr("s.json:2: field 'conversations[0].from' is 'robot'"));
  EXPECT_THAT(ErrorOf("{\"conversations\": [{\"from\": \"human\"}]}\n", "s.jsonl"),
              HasSubstr("s.jsonl:1: field 'conversations[0]' needs 'from' and 'value'"));
  // Every dialogue passed over: nothing to send, and the message says why.
  EXPECT_THAT(ErrorOf("{\"conversations\": []}\n", "s.jsonl"),
              HasSubstr("all 1 records were passed over"));
}

TEST(DatasetFormatsTest, OpenQaAndLongAlpacaTakeTheirFields) {
  DatasetSource source;
  auto qa = ParseDataset(
      "{\"question\": \"为什么天是蓝的？\", \"human_answers\": [\"瑞利散射\"]}\n"
      "{\"question\": \"Por que o céu é azul?\"}\n",
      "open_qa.jsonl", {}, &source);
  ASSERT_TRUE(qa.ok()) << qa.status();
  EXPECT_THAT(TextsOf(*qa), ElementsAre("为什么天是蓝的？", "Por que o céu é azul?"));
  EXPECT_THAT(IdsOf(*qa), ElementsAre("open_qa.jsonl:1", "open_qa.jsonl:2"));
  EXPECT_EQ(source.format, "openqa");

  auto alpaca = ParseDataset(
      "[{\"instruction\": \"Summarize the paper.\", \"output\": \"...\", \"file\": \"x\"}]",
      "LongAlpaca-12k.json", {}, &source);
  ASSERT_TRUE(alpaca.ok()) << alpaca.status();
  EXPECT_THAT(TextsOf(*alpaca), ElementsAre("Summarize the paper."));
  EXPECT_EQ(source.format, "longalpaca");

  EXPECT_THAT(ErrorOf("{\"question\": \"ok\"}\n{\"question\": 7}\n", "q.jsonl"),
              HasSubstr("q.jsonl:2: field 'question' must be a string, got number"));
  EXPECT_THAT(ErrorOf("{\"question\": \"ok\"}\n{\"q\": 1}\n", "q.jsonl", {.format = "openqa"}),
              HasSubstr("q.jsonl:2: missing field 'question'"));
  EXPECT_THAT(ErrorOf("[{\"instruction\": \" \"}]", "a.json"),
              HasSubstr("a.json:1: field 'instruction' is empty"));
}

TEST(DatasetFormatsTest, QianfanReadsBothOfItsForms) {
  // Seed 003's JSON form: an array of single prompts with their responses.
  DatasetSource source;
  auto single = ParseDataset(
      "[\n  {\"prompt\": \"地球的自转周期是多久？\", \"response\": \"大约24小时\"},\n"
      "  {\"prompt\": \"人类的基本单位是什么？\", \"response\": \"人类\"}\n]",
      "qf.json", {.format = "qianfan"}, &source);
  ASSERT_TRUE(single.ok()) << single.status();
  EXPECT_THAT(TextsOf(*single), ElementsAre("地球的自转周期是多久？", "人类的基本单位是什么？"));
  EXPECT_THAT(IdsOf(*single), ElementsAre("qf.json:2", "qf.json:3"));
  EXPECT_EQ(source.chosen_by, "--dataset-format");

  // Its JSONL form: each line a list of turns; auto knows it by the list. The last turn is the
  // prompt, the ones before it its history.
  auto turns = ParseDataset(
      "[{\"prompt\": \"请生成摘要\"}]\n"
      "[{\"prompt\": \"Hi\", \"response\": \"Hello\"}, {\"prompt\": \"More?\"}]\n",
      "qf.jsonl", {}, &source);
  ASSERT_TRUE(turns.ok()) << turns.status();
  EXPECT_EQ(source.format, "qianfan");
  EXPECT_THAT(TextsOf(*turns), ElementsAre("请生成摘要", "More?"));
  EXPECT_THAT((*turns)[1].history,
              ElementsAre(ChatMessage{"user", "Hi"}, ChatMessage{"assistant", "Hello"}));

  EXPECT_THAT(ErrorOf("[{\"prompt\": \"a\"}, {\"prompt\": \"b\"}]\n", "qf.jsonl"),
              HasSubstr("turn 1 has no 'response'"));
  auto played = ParseDatasetConversations(
      "[{\"prompt\": \"Hi\", \"response\": \"Hello\"}, {\"prompt\": \"More?\"}]\n", "qf.jsonl");
  ASSERT_TRUE(played.ok()) << played.status();
  ASSERT_EQ(played->size(), 1u);
  EXPECT_EQ((*played)[0].turns.size(), 2u);
}

TEST(DatasetFormatsTest, CsvTakesTheColumnAndTheTemplateWrapsIt) {
  // Seed 001: documents in a 'document' column, each formatted into a summarizing prompt.
  const char* csv =
      "id,document,lang\r\n"
      "1,\"Um documento, com vírgula.\",pt\r\n"
      "2,\"Two lines\nof text with \"\"quotes\"\"\",en\r\n";
  DatasetSource source;
  auto prompts = ParseDataset(
      csv, "docs.csv", {.column = "document", .prompt_template = "Summarize: {context} {{end}}"},
      &source);
  ASSERT_TRUE(prompts.ok()) << prompts.status();
  EXPECT_THAT(TextsOf(*prompts),
              ElementsAre("Summarize: Um documento, com vírgula. {end}",
                          "Summarize: Two lines\nof text with \"quotes\" {end}"));
  EXPECT_THAT(IdsOf(*prompts), ElementsAre("docs.csv:2", "docs.csv:3"));
  EXPECT_EQ(source.format, "csv");
  EXPECT_EQ(source.chosen_by, "the extension .csv");

  // A lone column, or one called prompt, needs no --column.
  auto lone = ParseDataset("text\nfirst\nsecond\n", "one.csv");
  ASSERT_TRUE(lone.ok()) << lone.status();
  EXPECT_THAT(TextsOf(*lone), ElementsAre("first", "second"));

  EXPECT_THAT(ErrorOf("a,b\n1,2\n", "t.csv"),
              HasSubstr("t.csv:1: no column 'prompt' in the header (its columns: a, b)"));
  EXPECT_THAT(ErrorOf("prompt,b\nx,1\ny\n", "t.csv"),
              HasSubstr("t.csv:3: 1 fields, but the header has 2"));
  EXPECT_THAT(ErrorOf("prompt\nok\n\"open\n", "t.csv"),
              HasSubstr("t.csv:3: a quoted field is not closed"));
  EXPECT_THAT(ErrorOf("prompt\n\"a\"b\n", "t.csv"),
              HasSubstr("t.csv:2: text after a quoted field's closing quote"));
  EXPECT_THAT(ErrorOf("prompt,b\n,1\n", "t.csv"), HasSubstr("t.csv:2: column 'prompt' is empty"));
  EXPECT_THAT(ErrorOf("a\nb\n", "t.txt", {.column = "a"}),
              HasSubstr("--column: only a csv dataset has columns"));
}

TEST(DatasetFormatsTest, CsvRowsKeepLineNumbersAcrossQuotedLineBreaks) {
  std::vector<size_t> lines;
  std::vector<std::vector<std::string>> rows;
  absl::Status s = ForEachCsvRow(
      "\xEF\xBB\xBF"
      "a,b\n\n\"x\ny\",\"\"\n3,4",
      "f.csv", [&](size_t line, const std::vector<std::string>& fields) {
        lines.push_back(line);
        rows.push_back(fields);
        return absl::OkStatus();
      });
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_THAT(lines, ElementsAre(1u, 3u, 5u));
  EXPECT_THAT(rows[1], ElementsAre("x\ny", ""));
  EXPECT_THAT(rows[2], ElementsAre("3", "4"));
}

TEST(DatasetFormatsTest, JsonArraysAreCutIntoRecordsWithTheirLines) {
  std::vector<size_t> lines;
  absl::Status s = ForEachJsonRecord("[\n {\"a\": \"x]}\\\"\"},\n [1, [2]],\n \"s\", 7\n]\n",
                                     JsonContainer::kArray, "f.json",
                                     [&](size_t line, const std::string&, const nlohmann::json&) {
                                       lines.push_back(line);
                                       return absl::OkStatus();
                                     });
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_THAT(lines, ElementsAre(2u, 3u, 4u, 4u));
  auto visit = [](size_t, const std::string&, const nlohmann::json&) { return absl::OkStatus(); };
  auto error = [&](absl::string_view text) {
    return std::string(ForEachJsonRecord(text, JsonContainer::kArray, "f.json", visit).message());
  };
  EXPECT_THAT(error("{\"prompt\": \"a\"}\n"), HasSubstr("f.json:1: expected a JSON array"));
  EXPECT_THAT(error("[{\"a\": 1}\n{\"b\": 2}]"), HasSubstr("f.json:2: expected ',' or ']'"));
  EXPECT_THAT(error("[{\"a\": 1},\n{\"b\": "), HasSubstr("f.json:2: invalid JSON"));
  EXPECT_THAT(error("[1]\n[2]"), HasSubstr("f.json:2: unexpected text after"));
  EXPECT_THAT(error("[1,\n\n{\"a\": tru}]"), HasSubstr("f.json:3: invalid JSON"));
}

TEST(DatasetFormatsTest, AutoSaysWhatItChoseOrNamesTheFieldsItCouldNotPlace) {
  DatasetSource source;
  ASSERT_TRUE(ParseDataset("one\ntwo\n", "p.txt", {}, &source).ok());
  EXPECT_EQ(source.format, "lines");
  ASSERT_TRUE(ParseDataset("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}\n",
                           "m.jsonl", {}, &source)
                  .ok());
  EXPECT_EQ(source.format, "jsonl");
  EXPECT_THAT(source.chosen_by, HasSubstr("has 'messages'"));
  EXPECT_THAT(ErrorOf("{\"text\": \"a\", \"label\": 1}\n", "x.jsonl"),
              HasSubstr("x.jsonl:1: --dataset-format auto cannot tell this file's format from "
                        "its first record (fields: label, text)"));
  EXPECT_THAT(ErrorOf("a\n", "x.txt", {.format = "parquet"}),
              HasSubstr("--dataset-format: unknown format 'parquet' (one of auto|sharegpt|"));
  auto lines_as_conversations = ParseDatasetConversations("a\n", "x.txt");
  EXPECT_THAT(lines_as_conversations.status().message(),
              HasSubstr("is read as lines (not .json, .jsonl, .ndjson or .csv: one prompt per "
                        "line), which holds single prompts, not conversations"));
}

TEST(DatasetFormatsTest, ShuffleAndNumPromptsSampleTheSameWayForTheSameSeed) {
  std::string text;
  for (int i = 0; i < 50; ++i) text += "prompt " + std::to_string(i) + "\n";
  DatasetSource source;
  auto first = ParseDataset(text, "p.txt", {.num_prompts = 10}, &source);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->size(), 10u);
  EXPECT_EQ(first->front().text, "prompt 0");
  EXPECT_EQ(source.available, 50u);
  EXPECT_EQ(source.used, 10u);

  auto a = ParseDataset(text, "p.txt", {.num_prompts = 10, .shuffle = true, .seed = 7});
  auto b = ParseDataset(text, "p.txt", {.num_prompts = 10, .shuffle = true, .seed = 7});
  auto c = ParseDataset(text, "p.txt", {.num_prompts = 10, .shuffle = true, .seed = 8});
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(TextsOf(*a), TextsOf(*b));
  EXPECT_NE(TextsOf(*a), TextsOf(*c));
  EXPECT_NE(TextsOf(*a), TextsOf(*first));
  // A shuffle is a permutation: all 50, each once.
  auto all = ParseDataset(text, "p.txt", {.shuffle = true, .seed = 7});
  ASSERT_TRUE(all.ok());
  std::vector<std::string> sorted = TextsOf(*all);
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::unique(sorted.begin(), sorted.end()), sorted.end());
  EXPECT_EQ(sorted.size(), 50u);
}

TEST(PromptTemplateTest, OnlyContextIsAPlaceholder) {
  auto t = PromptTemplate::Parse("{context}|{{x}}|{context}");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->Apply("doc"), "doc|{x}|doc");
  EXPECT_THAT(PromptTemplate::Parse("Summarize {document}").status().message(),
              HasSubstr("unknown placeholder {document}"));
  EXPECT_THAT(PromptTemplate::Parse("no placeholder").status().message(),
              HasSubstr("has no {context}"));
  EXPECT_THAT(PromptTemplate::Parse("{context} {").status().message(),
              HasSubstr("'{' at character 11 is not closed"));
  EXPECT_THAT(PromptTemplate::Parse("{context} }").status().message(),
              HasSubstr("'}' at character 11 closes nothing"));
}

}  // namespace
}  // namespace llmload::dataset
