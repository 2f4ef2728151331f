// Capacity search (`llmload sweep`, `llmload master --sweep`) and --rate inf, run as a user
// runs them against a real `llmload mock` process on loopback: the steps are the ones the plan
// names, each has its own figures and together they account for every request the mock
// served, and the flags that would fight the sweep are refused by name. Bounds are loose: the
// machine is a loaded 2-core one.
#include <chrono>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
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

class SweepTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir(); }
  std::string dir_;
};

// Every request the steps sent, warm-up ones included.
int64_t StepRequests(const json& step) {
  return step["requests"]["total"].get<int64_t>() + step["requests"]["warmup"].get<int64_t>();
}

TEST_F(SweepTest, RateInfKeepsTheCapBusy) {
  MockProcess mock({"--ttft", "50ms", "--itl", "1ms", "--output-tokens", "2"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string json_path = dir_ + "/summary.json";
  RunResult r =
      RunLlmload({"run", "--url", mock.url(), "--model", "m", "--rate", "inf", "--max-concurrency",
                  "3", "-t", "3s", "--threads", "1", "-q", "--json-out", json_path});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("keeping 3 in flight (--rate inf)"), std::string::npos) << r.output;
  const json s = ReadJson(json_path);
  EXPECT_TRUE(s["schedule"]["target_rate"].is_null()) << s["schedule"].dump();
  EXPECT_EQ(s["schedule"]["max_concurrency"], 3);
  EXPECT_EQ(s["schedule"]["dropped"], 0);
  // Three slots of ~51 ms each: about 170 in 3 s; a loaded machine gets fewer, never more.
  const int64_t total = s["requests"]["total"];
  EXPECT_GT(total, 30) << s["requests"].dump();
  EXPECT_LE(total, 3 * 3 * 1000 / 50 + 3);
  EXPECT_EQ(s["requests"]["failed"], 0);
  // One keep-alive connection per slot: three, and a fourth for this stats request.
  const json stats = mock.Stats();
  EXPECT_LE(stats["connections_accepted"].get<int64_t>(), 3 + 1) << stats.dump();
  EXPECT_EQ(stats["requests_by_endpoint"]["chat_completions"].get<int64_t>(),
            s["schedule"]["sent"].get<int64_t>());
}

TEST_F(SweepTest, RatesRunsTheTwoEndsThenTheRatesBetween) {
  MockProcess mock({"--ttft", "20ms", "--itl", "2ms", "--output-tokens", "4"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string json_path = dir_ + "/summary.json";
  RunResult r = RunLlmload({"sweep", "--url", mock.url(), "--model", "m", "--sweep-steps", "2",
                            "--sweep-step-time", "2s", "--warmup", "500ms", "--sweep-max-users",
                            "8", "--threads", "1", "-q", "--json-out", json_path});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("stopped: sweep done"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("sweep (rates)"), std::string::npos) << r.output;
  const json s = ReadJson(json_path);
  ASSERT_TRUE(s.contains("sweep")) << s.dump(2);
  EXPECT_EQ(s["run"]["mode"], "sweep");
  const json& sweep = s["sweep"];
  EXPECT_EQ(sweep["mode"], "rates");
  EXPECT_DOUBLE_EQ(sweep["warmup_s"].get<double>(), 0.5);
  ASSERT_EQ(sweep["steps"].size(), 4u) << sweep.dump(2);
  const json& steps = sweep["steps"];
  EXPECT_EQ(steps[0]["kind"], "synchronous");
  EXPECT_EQ(steps[0]["max_concurrency"], 1);
  EXPECT_TRUE(steps[0]["target_rate"].is_null());
  EXPECT_EQ(steps[1]["kind"], "throughput");
  EXPECT_EQ(steps[1]["max_concurrency"], 8);
  const double sync = sweep["result"]["synchronous_rate"];
  const double most = sweep["result"]["max_throughput"];
  // One request at a time takes ~26 ms: well under 40/s; eight at a time do more than one.
  EXPECT_GT(sync, 5);
  EXPECT_LT(sync, 40);
  EXPECT_GT(most, sync);
  double previous = sync;
  for (size_t i = 2; i < 4; ++i) {
    EXPECT_EQ(steps[i]["kind"], "rate");
    const double target = steps[i]["target_rate"];
    EXPECT_GT(target, previous);
    EXPECT_LT(target, most);
    previous = target;
    // A constant rate the mock keeps up with: sent on schedule (2 s of it).
    EXPECT_NEAR(steps[i]["achieved_rate"].get<double>(), target, 0.1 * target + 1)
        << steps[i].dump();
    EXPECT_TRUE(steps[i]["kept_up"].get<bool>()) << steps[i].dump();
    EXPECT_TRUE(steps[i]["passed"].is_null());  // only find-max judges
  }
  int64_t sum = 0;
  for (const json& step : steps) {
    EXPECT_GT(step["requests"]["succeeded"].get<int64_t>(), 0) << step.dump();
    EXPECT_GT(step["requests"]["warmup"].get<int64_t>(), 0) << step.dump();
    EXPECT_EQ(step["requests"]["failed"], 0);
    sum += StepRequests(step);
  }
  // Nothing lost between steps, nothing counted twice: the steps hold every request served.
  EXPECT_EQ(sum, StepRequests(s));
  EXPECT_EQ(mock.Stats()["requests_by_endpoint"]["chat_completions"].get<int64_t>(), sum);
}

// A mock with 4 generation slots of 100 ms each (20 ms to the first of 17 tokens, then 16 gaps
// of 5 ms) serves at most 40 requests/s (docs/mock.md); past that its queue grows and the TTFT
// SLO breaks. The SLO (150 ms for 95% of requests) leaves room for a loaded machine's timer
// jitter, which must not fail the synchronous rate. find-max must
// settle just under that, and every rate it failed must lie above what it found.
TEST_F(SweepTest, FindMaxConvergesOnASaturatingMock) {
  MockProcess mock(
      {"--ttft", "20ms", "--itl", "5ms", "--output-tokens", "16", "--max-concurrency", "4"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string json_path = dir_ + "/summary.json";
  RunResult r = RunLlmload({"sweep",      "--url",
                            mock.url(),   "--model",
                            "m",          "--sweep",
                            "find-max",   "--slo",
                            "ttft=150ms", "--sweep-goodput",
                            "0.95",       "--sweep-step-time",
                            "3s",         "--warmup",
                            "500ms",      "--sweep-max-users",
                            "16",         "--sweep-precision",
                            "0.1",        "--threads",
                            "1",          "-q",
                            "--json-out", json_path},
                           std::chrono::seconds(240));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("max rate under SLO: "), std::string::npos) << r.output;
  const json s = ReadJson(json_path);
  const json& sweep = s["sweep"];
  ASSERT_TRUE(sweep["result"]["max_rate_under_slo"].is_number()) << sweep.dump(2);
  const double found = sweep["result"]["max_rate_under_slo"];
  const double most = sweep["result"]["max_throughput"];
  // The mock's capacity is 4 / ~0.1 s; a loaded machine makes its timers late, never early.
  EXPECT_LE(most, 44) << sweep["result"].dump();
  EXPECT_GT(most, 20) << sweep["result"].dump();
  EXPECT_GE(found, 0.6 * most) << sweep.dump(2);
  EXPECT_LE(found, 1.05 * most) << sweep.dump(2);
  const json& steps = sweep["steps"];
  ASSERT_GE(steps.size(), 4u);
  EXPECT_LE(steps.size(), 12u);
  EXPECT_EQ(steps[0]["passed"], true);
  for (size_t i = 2; i < steps.size(); ++i) {
    ASSERT_TRUE(steps[i]["passed"].is_boolean()) << steps[i].dump();
    const double target = steps[i]["target_rate"];
    if (steps[i]["passed"].get<bool>()) {
      EXPECT_LE(target, found);
    } else {
      EXPECT_GT(target, found);
    }
  }
  // The mock queued requests beyond its four slots in the throughput step.
  EXPECT_GT(mock.Stats()["queued_total"].get<int64_t>(), 0) << mock.Stats().dump();
}

TEST_F(SweepTest, FlagsThatSetTheLoadAreRefusedByName) {
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"sweep", "--users", "4"}, "--users: not with --sweep"},
      {{"sweep", "--rate", "10"}, "--rate: not with --sweep"},
      {{"sweep", "--stages", "1s:2"}, "--stages: not with --sweep"},
      {{"sweep", "--requests", "10"}, "--requests: not with --sweep"},
      {{"sweep", "--sweep", "find-max"}, "give them, e.g. --slo"},
      {{"sweep", "--sweep", "fastest"}, "--sweep: unknown search 'fastest'"},
      {{"sweep", "--sweep-goodput", "1.5"}, "--sweep-goodput"},
      {{"sweep", "--sweep-step-time", "10s", "--warmup", "10s"}, "must be shorter"},
      {{"run", "--rate", "inf"}, "needs --max-concurrency"},
      {{"run", "--rate", "inf", "--max-concurrency", "2", "--max-queue", "4"},
       "--max-queue: not with --rate inf"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = c.args;
    args.insert(args.begin() + 1, {"--url", "http://127.0.0.1:9/v1", "--model", "m", "-q"});
    RunResult r = RunLlmload(args);
    EXPECT_EQ(r.exit_code, 2) << absl::StrJoin(c.args, " ") << "\n" << r.output;
    EXPECT_NE(r.output.find(c.says), std::string::npos) << absl::StrJoin(c.args, " ") << "\n"
                                                        << r.output;
  }
}

TEST_F(SweepTest, TwoAgentsRunEachStepTogether) {
  MockProcess mock({"--ttft", "20ms", "--itl", "2ms", "--output-tokens", "4"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string json_path = dir_ + "/summary.json";
  MasterProcess master = StartMaster({"--url",
                                      mock.url(),
                                      "--model",
                                      "m",
                                      "--expect-agents",
                                      "2",
                                      "--sweep",
                                      "rates",
                                      "--sweep-steps",
                                      "1",
                                      "--sweep-step-time",
                                      "2s",
                                      "--warmup",
                                      "500ms",
                                      "--sweep-max-users",
                                      "4",
                                      "-q",
                                      "--metrics-bind",
                                      "off",
                                      "--json-out",
                                      json_path});
  ASSERT_FALSE(master.address.empty()) << master.process->Output();
  std::unique_ptr<Subprocess> a = StartAgent(master.address, {});
  std::unique_ptr<Subprocess> b = StartAgent(master.address, {});
  const std::optional<int> code = master.process->Wait(std::chrono::seconds(120));
  ASSERT_EQ(code, 0) << master.process->Output();
  const json s = ReadJson(json_path);
  ASSERT_TRUE(s.contains("sweep")) << s.dump(2);
  const json& steps = s["sweep"]["steps"];
  ASSERT_EQ(steps.size(), 3u) << s["sweep"].dump(2);
  EXPECT_EQ(steps[0]["kind"], "synchronous");
  EXPECT_EQ(steps[1]["kind"], "throughput");
  EXPECT_EQ(steps[2]["kind"], "rate");
  int64_t sum = 0;
  for (const json& step : steps) {
    EXPECT_GT(step["requests"]["succeeded"].get<int64_t>(), 0) << step.dump();
    sum += StepRequests(step);
  }
  // The throughput step's 4 slots go 2 and 2: both agents ran load.
  ASSERT_EQ(s["agents"].size(), 2u);
  for (const json& agent : s["agents"]) EXPECT_GT(agent["requests"].get<int64_t>(), 0) << agent;
  EXPECT_EQ(sum, StepRequests(s));
  EXPECT_EQ(mock.Stats()["requests_by_endpoint"]["chat_completions"].get<int64_t>(), sum);
}

}  // namespace
}  // namespace llmload::testing
