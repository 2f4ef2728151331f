// Datasets of the seeds' and peers' formats (--dataset-format, dataset/) run for real against
// an `llmload mock` process on loopback: what auto chose is said before the load and kept in
// the JSON's dataset block; the prompts sent are the format's (checked by their ids in the
// per-prompt results, and by the number of messages the mock received: a ShareGPT system turn
// travels as history); CSV with --column and --prompt-template, --shuffle and --num-prompts;
// ShareGPT dialogues played with --multi-turn; and the refused combinations.
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/files.h"
#include "support/mock_process.h"
#include "support/run_tools.h"

namespace llmload::testing {
namespace {

using nlohmann::json;

// ShareGPT's shape in three dialogues: two turns each way, a lone turn (passed over as a
// prompt), and a system turn before a one-turn exchange.
std::string ShareGptExample() {
  return std::string(LLMLOAD_SOURCE_DIR) + "/examples/sharegpt.json";
}

class DatasetRunTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir(); }

  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  std::string dir_;
};

std::set<std::string> PromptIds(const json& s) {
  std::set<std::string> ids;
  for (const json& p : s["prompts"]) ids.insert(p["id"].get<std::string>());
  return ids;
}

TEST_F(DatasetRunTest, ShareGptIsDetectedAndItsFirstHumanTurnsAreSent) {
  MockProcess mock({"--ttft", "1ms", "--itl", "1ms", "--output-tokens", "4"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string dataset = ShareGptExample();
  RunResult r =
      RunLlmload({"run", "--url", mock.url(), "--model", "m", "--dataset", dataset, "-u", "1", "-n",
                  "8", "--threads", "1", "--per-prompt", "-q", "--json-out", dir_ + "/s.json"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("sharegpt.json, read as sharegpt (a JSON array whose first record has "
                          "'conversations'): 3 records, 1 passed over"),
            std::string::npos)
      << r.output;

  const json s = ReadJson(dir_ + "/s.json");
  ASSERT_TRUE(s.is_object()) << r.output;
  EXPECT_EQ(s["dataset"]["format"], "sharegpt");
  EXPECT_EQ(s["dataset"]["records"], 3);
  EXPECT_EQ(s["dataset"]["skipped"], 1);
  EXPECT_EQ(s["dataset"]["used"], 2);
  EXPECT_EQ(s["dataset"]["shuffled"], false);
  EXPECT_EQ(PromptIds(s), (std::set<std::string>{"a1", "a3"})) << s["prompts"].dump();
  EXPECT_EQ(s["requests"]["succeeded"], 8);
  // Round robin over two prompts: a1 alone (1 message), a3 with its system turn (2).
  EXPECT_EQ(mock.Stats()["requests_by_messages"], json({{"1", 4}, {"2", 4}}))
      << mock.Stats().dump();
}

TEST_F(DatasetRunTest, CsvColumnTemplateShuffleAndNumPrompts) {
  MockProcess mock({"--ttft", "1ms", "--itl", "1ms", "--output-tokens", "4"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  std::string csv = "id,document\n";
  for (int i = 1; i <= 6; ++i) {
    csv += std::to_string(i) + ",\"Documento " + std::to_string(i) + ", com vírgula\"\n";
  }
  const std::string dataset = Write("docs.csv", csv);
  // Two of the six rows at random (seeded), each wrapped in the template; `requests` of them.
  const auto run = [&](const std::string& requests, const std::string& json_out) {
    return RunLlmload({"run",
                       "--url",
                       mock.url(),
                       "--model",
                       "m",
                       "--dataset",
                       dataset,
                       "--column",
                       "document",
                       "--prompt-template",
                       "Resuma o texto: {context}",
                       "--shuffle",
                       "--seed",
                       "3",
                       "--num-prompts",
                       "2",
                       "-u",
                       "1",
                       "-n",
                       requests,
                       "--threads",
                       "1",
                       "--per-prompt",
                       "-q",
                       "--json-out",
                       json_out});
  };
  RunResult r = run("6", dir_ + "/s.json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json s = ReadJson(dir_ + "/s.json");
  ASSERT_TRUE(s.is_object()) << r.output;
  EXPECT_EQ(s["dataset"]["format"], "csv");
  EXPECT_EQ(s["dataset"]["chosen_by"], "the extension .csv");
  EXPECT_EQ(s["dataset"]["records"], 6);
  EXPECT_EQ(s["dataset"]["available"], 6);
  EXPECT_EQ(s["dataset"]["used"], 2);
  EXPECT_EQ(s["dataset"]["shuffled"], true);
  const std::set<std::string> ids = PromptIds(s);
  EXPECT_EQ(ids.size(), 2u) << s["prompts"].dump();
  for (const std::string& id : ids) EXPECT_EQ(id.rfind("docs.csv:", 0), 0u) << id;
  EXPECT_EQ(s["requests"]["succeeded"], 6);

  // The same seed picks the same two rows.
  RunResult again = run("2", dir_ + "/again.json");
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(PromptIds(ReadJson(dir_ + "/again.json")), ids);
}

TEST_F(DatasetRunTest, ShareGptDialoguesPlayedTurnByTurn) {
  MockProcess mock({"--ttft", "1ms", "--itl", "1ms", "--output-tokens", "4"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string dataset = ShareGptExample();
  // One user: a1's two turns (1 then 3 messages), lone's one (1), a3's one with its system
  // prompt (2); five requests end where they began, on a1's first turn.
  RunResult r = RunLlmload({"run", "--url", mock.url(), "--model", "m", "--dataset", dataset,
                            "--multi-turn", "--history", "recorded", "-u", "1", "-n", "5",
                            "--threads", "1", "-q", "--json-out", dir_ + "/s.json"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(mock.Stats()["requests_by_messages"], json({{"1", 3}, {"2", 1}, {"3", 1}}))
      << mock.Stats().dump();
  const json s = ReadJson(dir_ + "/s.json");
  EXPECT_EQ(s["dataset"]["records"], 3);
  EXPECT_EQ(s["dataset"]["used"], 3);
}

TEST_F(DatasetRunTest, RefusedCombinationsNameTheFlag) {
  const std::string txt = Write("p.txt", "one\ntwo\n");
  const std::string csv = Write("t.csv", "a,b\n1,2\n");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"run", "--shuffle"}, "--shuffle: only with --dataset FILE"},
      {{"run", "--dataset-format", "csv"}, "--dataset-format: only with --dataset FILE"},
      {{"run", "--dataset", txt, "--dataset-format", "parquet"}, "unknown format 'parquet'"},
      {{"run", "--dataset", txt, "--column", "a"}, "--column: only a csv dataset has columns"},
      {{"run", "--dataset", csv}, "t.csv:1: no column 'prompt' in the header"},
      {{"run", "--dataset", txt, "--prompt-template", "x {y}"}, "unknown placeholder {y}"},
      {{"run", "--dataset", txt, "--multi-turn"}, "holds single prompts, not conversations"},
  };
  for (const auto& [args, message] : cases) {
    RunResult r = RunLlmload(args);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << message << "\n" << r.output;
  }
}

}  // namespace
}  // namespace llmload::testing
