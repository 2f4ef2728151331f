// Trace replay (`--trace FILE`), run as a user runs it against a real `llmload mock` process on
// loopback: every line is sent once, at its recorded offset (the per-request records carry the
// scheduled send, which must be the file's offset exactly; the lateness of the actual send is
// bounded loosely, since the machine is a loaded 2-core one), with its own max_tokens; speed
// and looping change the offsets as documented; a distributed replay sends each agent's stripe;
// a capped replay that drops lines still ends; flags that would fight the trace are refused.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
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

// A --csv-out row: its scheduled start (s from the run's start), output tokens and prompt id.
struct Row {
  double start_s = 0;
  std::string status;
  int64_t output_tokens = 0;
  std::string prompt_id;
  int agent = 0;
};

std::vector<Row> ReadRows(const std::string& path) {
  std::vector<Row> rows;
  bool header = true;
  for (absl::string_view line : absl::StrSplit(ReadFile(path), '\n', absl::SkipEmpty())) {
    if (header) {
      header = false;
      continue;
    }
    // start_offset_s,status,error_class,http_status,ttft_s,e2e_s,itl_mean_s,input_tokens,
    // output_tokens,prompt_id,agent,turn
    std::vector<std::string> f = absl::StrSplit(line, ',');
    if (f.size() != 12) {
      ADD_FAILURE() << "bad row: " << line;
      continue;
    }
    Row r;
    EXPECT_TRUE(absl::SimpleAtod(f[0], &r.start_s)) << line;
    r.status = f[1];
    EXPECT_TRUE(absl::SimpleAtoi(f[8], &r.output_tokens)) << line;
    r.prompt_id = f[9];
    EXPECT_TRUE(absl::SimpleAtoi(f[10], &r.agent)) << line;
    rows.push_back(r);
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return a.start_s != b.start_s ? a.start_s < b.start_s : a.prompt_id < b.prompt_id;
  });
  return rows;
}

class TraceTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir(); }

  std::string WriteTrace(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  std::string dir_;
};

// Thirteen lines (and a blank one), out of order in the file, of every kind: synthetic prompts
// sharing prefix blocks, prompts of their own, messages; each with its own output length.
constexpr char kThirteenLines[] =
    R"({"timestamp": 0, "input_length": 40, "output_length": 3, "hash_ids": [1, 2]}
{"timestamp": 150, "input_length": 70, "output_length": 4, "hash_ids": [1, 2, 3]}
{"timestamp": 150, "prompt": "Say hi.", "output_length": 5}
{"timestamp": 420.5, "messages": [{"role": "user", "content": "Count to three."}], "output_length": 6}
{"timestamp": 300, "input_length": 10, "output_length": 7}

{"timestamp": 610, "input_length": 20, "output_length": 8, "hash_ids": [9]}
{"timestamp": 700, "prompt": "Why is the sky blue?", "output_length": 9}
{"timestamp": 820, "input_length": 5, "output_length": 10}
{"timestamp": 900, "input_length": 5, "output_length": 11}
{"timestamp": 1000, "input_length": 5, "output_length": 12}
{"timestamp": 1100, "input_length": 5, "output_length": 13, "unknown_field": "ignored"}
{"timestamp": 1210, "input_length": 5, "output_length": 14}
{"timestamp": 1300, "input_length": 5, "output_length": 15}
)";

// Each line's offset (s) and output length, by prompt id "trace.jsonl:<line>".
std::map<std::string, std::pair<double, int64_t>> ExpectedLines() {
  return {{"trace.jsonl:1", {0, 3}},       {"trace.jsonl:2", {0.150, 4}},
          {"trace.jsonl:3", {0.150, 5}},   {"trace.jsonl:4", {0.4205, 6}},
          {"trace.jsonl:5", {0.300, 7}},   {"trace.jsonl:7", {0.610, 8}},
          {"trace.jsonl:8", {0.700, 9}},   {"trace.jsonl:9", {0.820, 10}},
          {"trace.jsonl:10", {0.900, 11}}, {"trace.jsonl:11", {1.000, 12}},
          {"trace.jsonl:12", {1.100, 13}}, {"trace.jsonl:13", {1.210, 14}},
          {"trace.jsonl:14", {1.300, 15}}};
}

// Every line of kThirteenLines is in `rows` once, at its offset exactly (the scheduled send),
// answered with its own output length.
void ExpectRowsMatchTheLines(const std::vector<Row>& rows) {
  ASSERT_EQ(rows.size(), 13u);
  const auto expected = ExpectedLines();
  for (const Row& row : rows) {
    auto it = expected.find(row.prompt_id);
    ASSERT_NE(it, expected.end()) << row.prompt_id;
    EXPECT_NEAR(row.start_s, it->second.first, 1e-6) << row.prompt_id;
    EXPECT_EQ(row.output_tokens, it->second.second) << row.prompt_id;  // its own max_tokens
    EXPECT_EQ(row.status, "ok") << row.prompt_id;
  }
}

TEST_F(TraceTest, SendsEveryLineAtItsOffsetWithItsOutputLength) {
  MockProcess mock({"--ttft", "5ms", "--itl", "1ms"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string trace = WriteTrace("trace.jsonl", kThirteenLines);
  RunResult r =
      RunLlmload({"run", "--url", mock.url(), "--model", "m", "--trace", trace, "--threads", "2",
                  "--json-out", dir_ + "/r.json", "--csv-out", dir_ + "/r.csv"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("trace trace.jsonl: 13 lines at 1x"), std::string::npos) << r.output;
  const json s = ReadJson(dir_ + "/r.json");
  EXPECT_EQ(s["schedule"]["arrival"], "trace") << s["schedule"].dump();
  EXPECT_EQ(s["schedule"]["trace"]["lines"], 13);
  EXPECT_EQ(s["schedule"]["trace"]["file"], "trace.jsonl");
  EXPECT_EQ(s["schedule"]["sent"], 13);
  EXPECT_EQ(s["schedule"]["dropped"], 0);
  EXPECT_EQ(s["requests"]["succeeded"], 13) << s["requests"].dump();
  // Sent late by a loaded machine perhaps, but not by a lost timer.
  EXPECT_LT(s["schedule"]["send_lateness_s"]["p50"].get<double>(), 0.05);
  EXPECT_EQ(mock.Stats()["requests_by_endpoint"]["chat_completions"], 13);

  ExpectRowsMatchTheLines(ReadRows(dir_ + "/r.csv"));
}

TEST_F(TraceTest, SpeedScalesTheOffsetsAndLoopRepeatsThem) {
  MockProcess mock({"--ttft", "2ms", "--itl", "1ms", "--output-tokens", "2"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  // Lines at 0, 100 and 200 ms: a loop period of 300 ms, at speed 2: 150 ms.
  const std::string trace = WriteTrace("loop.jsonl",
                                       "{\"timestamp\": 0, \"prompt\": \"a\"}\n"
                                       "{\"timestamp\": 100, \"prompt\": \"b\"}\n"
                                       "{\"timestamp\": 200, \"prompt\": \"c\"}\n");
  RunResult r = RunLlmload({"run", "--url", mock.url(), "--model", "m", "--trace", trace,
                            "--trace-speed", "2", "--trace-loop", "-n", "8", "--threads", "1", "-q",
                            "--json-out", dir_ + "/r.json", "--csv-out", dir_ + "/r.csv"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::vector<Row> rows = ReadRows(dir_ + "/r.csv");
  ASSERT_EQ(rows.size(), 8u);
  const double want[] = {0, 0.05, 0.10, 0.15, 0.20, 0.25, 0.30, 0.35};
  const char* ids[] = {"a", "b", "c"};
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_NEAR(rows[i].start_s, want[i], 1e-6) << i;
    EXPECT_EQ(rows[i].prompt_id, std::string("loop.jsonl:") + std::to_string(i % 3 + 1))
        << "line of " << ids[i % 3];
  }
  const json s = ReadJson(dir_ + "/r.json");
  EXPECT_EQ(s["schedule"]["trace"]["loop"], true);
  EXPECT_DOUBLE_EQ(s["schedule"]["trace"]["speed"].get<double>(), 2);
  EXPECT_NEAR(s["schedule"]["target_rate"].get<double>(), 20, 1e-9);  // 3 lines per 150 ms
}

TEST_F(TraceTest, ACappedReplayCountsTheLinesItDropsAndStillEnds) {
  // Five lines at once, one slot and one place in the queue, replies of ~300 ms: two are
  // sent, three dropped, and the run ends when the two are back.
  MockProcess mock({"--ttft", "300ms", "--itl", "1ms", "--output-tokens", "2"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  std::string text;
  for (int i = 0; i < 5; ++i) text += "{\"timestamp\": 10, \"prompt\": \"p\"}\n";
  const std::string trace = WriteTrace("burst.jsonl", text);
  RunResult r =
      RunLlmload({"run", "--url", mock.url(), "--model", "m", "--trace", trace, "--max-concurrency",
                  "1", "--max-queue", "1", "--threads", "1", "-q", "--json-out", dir_ + "/r.json"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json s = ReadJson(dir_ + "/r.json");
  EXPECT_EQ(s["schedule"]["sent"], 2) << s["schedule"].dump();
  EXPECT_EQ(s["schedule"]["dropped"], 3);
  EXPECT_EQ(s["requests"]["succeeded"], 2);
}

TEST_F(TraceTest, TwoAgentsSendAStripeEach) {
  MockProcess mock({"--ttft", "5ms", "--itl", "1ms"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string trace = WriteTrace("trace.jsonl", kThirteenLines);
  MasterProcess master = StartMaster({"--url", mock.url(), "--model", "m", "--expect-agents", "2",
                                      "--trace", trace, "-q", "--metrics-bind", "off", "--json-out",
                                      dir_ + "/r.json", "--csv-out", dir_ + "/r.csv"});
  ASSERT_FALSE(master.address.empty()) << master.process->Output();
  std::unique_ptr<Subprocess> a = StartAgent(master.address, {});
  std::unique_ptr<Subprocess> b = StartAgent(master.address, {});
  const std::optional<int> code = master.process->Wait(std::chrono::seconds(120));
  ASSERT_EQ(code, 0) << master.process->Output();
  const json s = ReadJson(dir_ + "/r.json");
  EXPECT_EQ(s["requests"]["succeeded"], 13) << s["requests"].dump();
  EXPECT_EQ(s["schedule"]["sent"], 13);
  ASSERT_EQ(s["agents"].size(), 2u);
  int64_t most = 0, least = 13;
  for (const json& agent : s["agents"]) {
    most = std::max(most, agent["requests"].get<int64_t>());
    least = std::min(least, agent["requests"].get<int64_t>());
  }
  EXPECT_EQ(most, 7);  // lines 0, 2, ... and 1, 3, ... of the sorted trace
  EXPECT_EQ(least, 6);
  EXPECT_EQ(mock.Stats()["requests_by_endpoint"]["chat_completions"], 13);
  // The same offsets on the master's time line, whichever agent sent a line.
  ExpectRowsMatchTheLines(ReadRows(dir_ + "/r.csv"));
}

// A capped replay over more agents than slots: the stripes go to as many agents as there are
// slots, one slot each, and an agent runs no more event-loop threads than its slots, so no
// thread holds lines it could only drop.
TEST_F(TraceTest, ACapBelowTheAgentsAndThreadsDropsNothing) {
  MockProcess mock({"--ttft", "2ms", "--itl", "1ms"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string trace = WriteTrace("trace.jsonl", kThirteenLines);
  MasterProcess master = StartMaster({"--url", mock.url(), "--model", "m", "--expect-agents", "3",
                                      "--trace", trace, "--max-concurrency", "2", "-q",
                                      "--metrics-bind", "off", "--json-out", dir_ + "/r.json"});
  ASSERT_FALSE(master.address.empty()) << master.process->Output();
  std::vector<std::unique_ptr<Subprocess>> agents;
  for (int i = 0; i < 3; ++i) agents.push_back(StartAgent(master.address, {"--threads", "2"}));
  const std::optional<int> code = master.process->Wait(std::chrono::seconds(120));
  ASSERT_EQ(code, 0) << master.process->Output();
  const json s = ReadJson(dir_ + "/r.json");
  EXPECT_EQ(s["schedule"]["dropped"], 0) << s["schedule"].dump();
  EXPECT_EQ(s["requests"]["succeeded"], 13) << s["requests"].dump();
  std::vector<int64_t> per_agent;
  for (const json& agent : s["agents"]) per_agent.push_back(agent["requests"].get<int64_t>());
  std::sort(per_agent.begin(), per_agent.end());
  if (per_agent.size() == 2) per_agent.insert(per_agent.begin(), 0);  // one listed sending none
  EXPECT_EQ(per_agent, (std::vector<int64_t>{0, 6, 7}));
}

// The example of docs/trace.md, against the built-in mock (no --url), eight times faster.
TEST_F(TraceTest, TheDocumentedExampleReplays) {
  const std::string example = std::string(LLMLOAD_SOURCE_DIR) + "/examples/trace.jsonl";
  RunResult r =
      RunLlmload({"run", "--trace", example, "--trace-block-tokens", "64", "--trace-speed", "8",
                  "--threads", "1", "-q", "--json-out", dir_ + "/r.json"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json s = ReadJson(dir_ + "/r.json");
  EXPECT_EQ(s["schedule"]["trace"]["lines"], 40) << s["schedule"].dump();
  EXPECT_EQ(s["requests"]["succeeded"], 40) << s["requests"].dump();
}

TEST_F(TraceTest, RefusesWhatFightsTheTraceAndNamesTheBadLine) {
  const std::string trace = WriteTrace("t.jsonl", "{\"timestamp\": 0, \"prompt\": \"a\"}\n");
  const std::string url = "http://127.0.0.1:9/v1/chat/completions";  // never reached
  struct Case {
    std::vector<std::string> extra;
    std::string message;
  };
  const Case cases[] = {
      {{"--rate", "5"}, "--rate: not with --trace"},
      {{"--users", "3"}, "--users: not with --trace"},
      {{"--stages", "10s:5"}, "--stages: not with --trace"},
      {{"--prompt", "hi"}, "--prompt: not with --trace"},
      {{"-n", "5"}, "--requests: not with --trace"},
      {{"--trace-speed", "0"}, "--trace-speed: must be a finite number of at least 0.001, got 0"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"run", "--url", url, "--model", "m", "--trace", trace};
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    RunResult r = RunLlmload(args);
    EXPECT_NE(r.exit_code, 0) << c.message;
    EXPECT_NE(r.output.find(c.message), std::string::npos) << r.output;
  }
  const std::string bad =
      WriteTrace("bad.jsonl", "{\"timestamp\": 0, \"prompt\": \"a\"}\n{\"timestamp\": \"soon\"}\n");
  RunResult r = RunLlmload({"run", "--url", url, "--model", "m", "--trace", bad});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("bad.jsonl:2"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("timestamp"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace llmload::testing
