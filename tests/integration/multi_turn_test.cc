// Multi-turn runs (`--dataset FILE --multi-turn`), run as a user runs them against a real
// `llmload mock` process on loopback. The mock counts requests by their number of messages
// (/mock/stats requests_by_messages), so the history each turn carried is checked on the
// server's side: a conversation of three turns sends 1, 3 and 5 messages (2, 4 and 6 with a
// system prompt). The JSON's turns[] and the CSV's turn column are checked against it, the
// model's own replies against the dataset's (--history actual and recorded), the pauses
// between turns as lower bounds only (a loaded machine may be late, never early), a
// distributed run whose conversations stay on their agent, and the flags that are refused.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
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

// Two conversations of three turns: seed 003's list of turns (recorded responses, a delay of
// its own before the third turn), and OpenAI-style messages with a system prompt.
constexpr char kConversations[] =
    R"([{"prompt": "Hi there", "response": "Hello!"}, {"prompt": "Tell me more", "response": "More."}, {"prompt": "And then?", "delay": 400}]
{"id": "sys", "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "One"}, {"role": "assistant", "content": "1"}, {"role": "user", "content": "Two"}, {"role": "assistant", "content": "2"}, {"role": "user", "content": "Three"}]}
)";

class MultiTurnTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    dataset_ = dir_ + "/chats.jsonl";
    std::ofstream(dataset_) << kConversations;
  }

  std::vector<std::string> Run(const MockProcess& mock, std::vector<std::string> extra) {
    std::vector<std::string> args = {"run",       "--url",     mock.url(), "--model",
                                     "m",         "--dataset", dataset_,   "--multi-turn",
                                     "--threads", "1",         "-q"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  std::string dir_;
  std::string dataset_;
};

// The turns[] rows of a summary, by turn number from 1.
std::vector<json> Turns(const json& s) {
  std::vector<json> rows;
  for (const json& t : s["turns"]) rows.push_back(t);
  return rows;
}

TEST_F(MultiTurnTest, EachTurnCarriesTheHistorySoFar) {
  MockProcess mock({"--ttft", "2ms", "--itl", "1ms", "--output-tokens", "40"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  // One user, nine requests: conversations 1, 2, then 1 again, each played to its end.
  RunResult r = RunLlmload(Run(
      mock, {"-u", "1", "-n", "9", "--json-out", dir_ + "/r.json", "--csv-out", dir_ + "/r.csv"}));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("per turn"), std::string::npos) << r.output;
  const json by_messages = mock.Stats()["requests_by_messages"];
  EXPECT_EQ(by_messages, json({{"1", 2}, {"3", 2}, {"5", 2}, {"2", 1}, {"4", 1}, {"6", 1}}))
      << by_messages.dump();

  const json s = ReadJson(dir_ + "/r.json");
  EXPECT_EQ(s["requests"]["succeeded"], 9) << s["requests"].dump();
  const std::vector<json> turns = Turns(s);
  ASSERT_EQ(turns.size(), 3u) << s["turns"].dump();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(turns[i]["turn"], i + 1);
    EXPECT_EQ(turns[i]["requests"], 3);
    EXPECT_EQ(turns[i]["latency_s"]["count"], 3);
    EXPECT_EQ(turns[i]["ttft_s"]["count"], 3);
  }
  // The context grows: each turn sends the model's 40-token replies back (the mock counts
  // its input at ~4 bytes a token).
  const double in1 = turns[0]["input_tokens_mean"], in2 = turns[1]["input_tokens_mean"],
               in3 = turns[2]["input_tokens_mean"];
  EXPECT_GT(in2, in1 + 20) << s["turns"].dump();
  EXPECT_GT(in3, in2 + 20) << s["turns"].dump();

  // The CSV's turn column, in send order: 1, 2, 3 per conversation; the third turn of the
  // first conversation waits its own 400 ms delay after the second's reply.
  std::vector<std::string> lines =
      absl::StrSplit(ReadFile(dir_ + "/r.csv"), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 10u);
  struct Row {
    double start = 0, e2e = 0;
    std::string prompt, turn;
  };
  std::vector<Row> rows;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> cols = absl::StrSplit(lines[i], ',');
    ASSERT_EQ(cols.size(), 12u) << lines[i];
    Row row;
    ASSERT_TRUE(absl::SimpleAtod(cols[0], &row.start)) << lines[i];
    ASSERT_TRUE(absl::SimpleAtod(cols[5], &row.e2e)) << lines[i];
    row.prompt = cols[9];
    row.turn = cols[11];
    rows.push_back(row);
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.start < b.start; });
  const char* want_turn[] = {"1", "2", "3", "1", "2", "3", "1", "2", "3"};
  const char* want_prompt[] = {"chats.jsonl:1", "chats.jsonl:1", "chats.jsonl:1",
                               "sys",           "sys",           "sys",
                               "chats.jsonl:1", "chats.jsonl:1", "chats.jsonl:1"};
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].turn, want_turn[i]) << i;
    EXPECT_EQ(rows[i].prompt, want_prompt[i]) << i;
  }
  EXPECT_GE(rows[2].start - (rows[1].start + rows[1].e2e), 0.4 - 0.002);
  EXPECT_GE(rows[8].start - (rows[7].start + rows[7].e2e), 0.4 - 0.002);
}

TEST_F(MultiTurnTest, RecordedHistorySendsTheDatasetsResponses) {
  MockProcess mock({"--ttft", "2ms", "--itl", "1ms", "--output-tokens", "40"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  // --turn-delay: every turn after the first waits at least this long (the third turn of the
  // first conversation its own 400 ms).
  RunResult r =
      RunLlmload(Run(mock, {"-u", "1", "-n", "6", "--history", "recorded", "--turn-delay", "150ms",
                            "--json-out", dir_ + "/r.json", "--csv-out", dir_ + "/r.csv"}));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json by_messages = mock.Stats()["requests_by_messages"];
  EXPECT_EQ(by_messages, json({{"1", 1}, {"3", 1}, {"5", 1}, {"2", 1}, {"4", 1}, {"6", 1}}))
      << by_messages.dump();
  const std::vector<json> turns = Turns(ReadJson(dir_ + "/r.json"));
  ASSERT_EQ(turns.size(), 3u);
  // The recorded replies are a few bytes, not the model's 40 tokens.
  const double in1 = turns[0]["input_tokens_mean"], in3 = turns[2]["input_tokens_mean"];
  EXPECT_LT(in3, in1 + 12) << turns[2].dump();
  std::vector<std::string> lines =
      absl::StrSplit(ReadFile(dir_ + "/r.csv"), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 7u);
  std::vector<std::pair<double, double>> starts;  // start, end
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> cols = absl::StrSplit(lines[i], ',');
    double start = 0, e2e = 0;
    ASSERT_TRUE(absl::SimpleAtod(cols[0], &start) && absl::SimpleAtod(cols[5], &e2e)) << lines[i];
    starts.push_back({start, start + e2e});
  }
  std::sort(starts.begin(), starts.end());
  for (size_t i : {1u, 4u, 5u}) {  // a later turn: --turn-delay
    EXPECT_GE(starts[i].first - starts[i - 1].second, 0.150 - 0.002) << i;
  }
  EXPECT_GE(starts[2].first - starts[1].second, 0.400 - 0.002);  // its own delay
}

TEST_F(MultiTurnTest, ConversationsStayOnTheirAgent) {
  MockProcess mock({"--ttft", "2ms", "--itl", "1ms", "--output-tokens", "8"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string one = dir_ + "/one.jsonl";
  std::ofstream(one) << R"([{"prompt": "a"}, {"prompt": "b"}, {"prompt": "c"}])"
                     << "\n";
  // Two agents of one user each, six requests each: two whole conversations per agent.
  MasterProcess master = StartMaster({"--url",
                                      mock.url(),
                                      "--model",
                                      "m",
                                      "--expect-agents",
                                      "2",
                                      "--dataset",
                                      one,
                                      "--multi-turn",
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
                                      dir_ + "/r.json"});
  ASSERT_FALSE(master.address.empty()) << master.process->Output();
  std::unique_ptr<Subprocess> a = StartAgent(master.address, {});
  std::unique_ptr<Subprocess> b = StartAgent(master.address, {});
  const std::optional<int> code = master.process->Wait(std::chrono::seconds(120));
  ASSERT_EQ(code, 0) << master.process->Output();
  const json s = ReadJson(dir_ + "/r.json");
  EXPECT_EQ(s["requests"]["succeeded"], 12) << s["requests"].dump();
  EXPECT_EQ(mock.Stats()["requests_by_messages"], json({{"1", 4}, {"3", 4}, {"5", 4}}));
  const std::vector<json> turns = Turns(s);
  ASSERT_EQ(turns.size(), 3u);
  for (const json& t : turns) EXPECT_EQ(t["requests"], 4) << t.dump();
}

TEST_F(MultiTurnTest, RefusesWhatCannotPlayAConversation) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  } cases[] = {
      {{"run", "--multi-turn", "-n", "1"}, "--multi-turn: give the conversations with --dataset"},
      {{"run", "--dataset", dataset_, "--multi-turn", "--rate", "5", "-n", "1"},
       "--rate: not with --multi-turn"},
      {{"run", "--dataset", dataset_, "--multi-turn", "--api", "openai-completions", "-n", "1"},
       "--api openai-completions takes a single prompt"},
      {{"run", "--dataset", dataset_, "--multi-turn", "--no-stream", "-n", "1"},
       "--history actual reads each reply's text from its stream"},
      {{"run", "--dataset", dataset_, "--multi-turn", "--history", "model", "-n", "1"},
       "--history: 'model' is not a history"},
      {{"run", "--history", "recorded", "-n", "1"}, "--history: only with --multi-turn"},
  };
  for (const Case& c : cases) {
    RunResult r = RunLlmload(c.args);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find(c.message), std::string::npos) << r.output;
  }
  const std::string bad = dir_ + "/bad.jsonl";
  std::ofstream(bad) << R"([{"prompt": "ok"}])"
                     << "\n"
                     << R"([{"response": "no prompt"}])"
                     << "\n";
  RunResult r = RunLlmload({"run", "--dataset", bad, "--multi-turn", "-n", "1"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("bad.jsonl:2"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace llmload::testing
