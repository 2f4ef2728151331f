// Synthetic prompts (`--input-tokens`, `--output-tokens`, `--prefix-tokens`, `--ignore-eos`),
// run as a user runs them against a real `llmload mock` process on loopback: each request asks
// for its prompt's output length (the mock generates max_tokens tokens), the summary says what
// was asked for, a distributed run's agents build the same prompts from the seed (the master
// sends the parameters, not the text), and flags that would give other prompts are refused.
// That each prompt is its length in tokens is checked against the reference tokenizers by
// synthetic_prompt_tokens_test.
#include <chrono>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/files.h"
#include "support/llmload_cluster.h"
#include "support/mock_process.h"
#include "support/run_tools.h"
#include "support/subprocess.h"

namespace llmload::testing {
namespace {

using nlohmann::json;

// The prompt ids of a --csv-out file, and checks every row asked for `output_tokens`.
std::set<std::string> CheckRows(const std::string& path, size_t rows, int output_tokens) {
  std::set<std::string> ids;
  std::vector<std::string> lines = absl::StrSplit(ReadFile(path), '\n', absl::SkipEmpty());
  EXPECT_EQ(lines.size(), rows + 1);
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> cols = absl::StrSplit(lines[i], ',');
    if (cols.size() != 12u) {
      ADD_FAILURE() << lines[i];
      continue;
    }
    EXPECT_EQ(cols[1], "ok") << lines[i];
    EXPECT_EQ(cols[8], std::to_string(output_tokens)) << lines[i];
    ids.insert(cols[9]);
  }
  return ids;
}

TEST(SyntheticPromptsTest, EachRequestAsksForItsLengths) {
  MockProcess mock({"--ttft", "2ms", "--itl", "1ms"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string dir = MakeTempDir();
  RunResult r = RunLlmload({"run",        "--url",
                            mock.url(),   "--model",
                            "m",          "--input-tokens",
                            "64",         "--output-tokens",
                            "12",         "--num-prompts",
                            "5",          "--prefix-tokens",
                            "16",         "--prefix-groups",
                            "2",          "--ignore-eos",
                            "-u",         "2",
                            "-n",         "10",
                            "--json-out", dir + "/r.json",
                            "--csv-out",  dir + "/r.csv"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("asked    5 synthetic prompts of 64 tokens (mean 64.0), 12 output "
                          "tokens (mean 12.0), 2 shared prefixes of 16 tokens"),
            std::string::npos)
      << r.output;
  const json s = ReadJson(dir + "/r.json");
  EXPECT_EQ(s["requests"]["succeeded"], 10) << s["requests"].dump();
  const json& syn = s["synthetic"];
  EXPECT_EQ(syn["prompts"], 5) << syn.dump();
  EXPECT_EQ(syn["input_tokens"], "64");
  EXPECT_DOUBLE_EQ(syn["input_tokens_requested_mean"].get<double>(), 64);
  EXPECT_EQ(syn["output_tokens"], "12");
  EXPECT_DOUBLE_EQ(syn["output_tokens_requested_mean"].get<double>(), 12);
  EXPECT_EQ(syn["prefix_tokens"], 16);
  EXPECT_DOUBLE_EQ(s["tokens"]["output_mean"].get<double>(), 12);  // what the server made
  EXPECT_EQ(CheckRows(dir + "/r.csv", 10, 12),
            (std::set<std::string>{"synthetic-1", "synthetic-2", "synthetic-3", "synthetic-4",
                                   "synthetic-5"}));
}

TEST(SyntheticPromptsTest, AgentsBuildThePromptsFromTheSeed) {
  MockProcess mock({"--ttft", "2ms", "--itl", "1ms"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string dir = MakeTempDir();
  MasterProcess master = StartMaster({"--url",
                                      mock.url(),
                                      "--model",
                                      "m",
                                      "--expect-agents",
                                      "2",
                                      "--input-tokens-dist",
                                      "uniform:30,90",
                                      "--output-tokens-dist",
                                      "uniform:5,9",
                                      "--num-prompts",
                                      "3",
                                      "--seed",
                                      "11",
                                      "-u",
                                      "2",
                                      "-r",
                                      "100",
                                      "-n",
                                      "12",
                                      "-q",
                                      "--metrics-bind",
                                      "off",
                                      "--json-out",
                                      dir + "/r.json"});
  ASSERT_FALSE(master.address.empty()) << master.process->Output();
  std::unique_ptr<Subprocess> a = StartAgent(master.address, {});
  std::unique_ptr<Subprocess> b = StartAgent(master.address, {});
  const std::optional<int> code = master.process->Wait(std::chrono::seconds(120));
  ASSERT_EQ(code, 0) << master.process->Output();
  const json s = ReadJson(dir + "/r.json");
  EXPECT_EQ(s["requests"]["succeeded"], 12) << s["requests"].dump();
  // Both agents send the master's prompts: the output they asked for is the master's mean
  // over the prompts, as each prompt is sent in turn (12 requests, 3 prompts, 4 times each).
  const double asked = s["synthetic"]["output_tokens_requested_mean"];
  EXPECT_GE(asked, 5);
  EXPECT_LE(asked, 9);
  EXPECT_NEAR(s["tokens"]["output_mean"].get<double>(), asked, 1e-9) << s.dump();
}

TEST(SyntheticPromptsTest, RefusesOtherPromptsBesideThem) {
  const std::string dir = MakeTempDir();
  const std::string dataset = dir + "/p.txt";
  std::ofstream(dataset) << "hello\n";
  struct Case {
    std::vector<std::string> args;
    std::string message;
  } cases[] = {
      {{"run", "--input-tokens", "8", "--dataset", dataset, "-n", "1"},
       "--dataset: not with --input-tokens"},
      {{"run", "--output-tokens", "8", "-n", "1"}, "--output-tokens: only with synthetic prompts"},
      {{"run", "--num-prompts", "5", "-n", "1"},
       "--num-prompts: only with synthetic prompts (--input-tokens N) or a --dataset"},
      {{"run", "--input-tokens", "8", "--output-tokens", "8", "--max-tokens", "4", "-n", "1"},
       "--output-tokens and --max-tokens"},
      {{"run", "--input-tokens", "8", "--prefix-tokens", "8", "-n", "1"},
       "--prefix-tokens (8) must be below the prompt length"},
      {{"run", "--ignore-eos", "--api", "anthropic-messages", "-n", "1"},
       "--ignore-eos: --api anthropic-messages has no ignore_eos field"},
      {{"run", "--input-tokens-dist", "uniform:9,3", "-n", "1"}, "must have 1 <= A <= B"},
  };
  for (const Case& c : cases) {
    RunResult r = RunLlmload(c.args);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find(c.message), std::string::npos) << r.output;
  }
}

}  // namespace
}  // namespace llmload::testing
