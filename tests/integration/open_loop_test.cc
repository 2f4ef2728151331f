// Open loop (--rate) as a user runs it, against a real `llmload mock` process on loopback:
// the schedule is kept (the count of sends matches the rate), a concurrency cap queues and
// drops, a stalled server shows in the latency from the scheduled send but not in the one from
// the actual send when a cap holds requests back, stages reach their targets, and two agents
// split one rate. Bounds are statistical or generous, never tight timing: the machine is a
// loaded 2-core one.
#include <signal.h>

#include <chrono>
#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
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

class OpenLoopTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir(); }
  std::string dir_;
};

// Sent requests per second over the time the load was sending.
double SendSeconds(const json& summary) {
  return summary["schedule"]["sent"].get<double>() /
         summary["schedule"]["achieved_rate"].get<double>();
}

TEST_F(OpenLoopTest, ConstantArrivalsKeepTheRate) {
  MockProcess mock({"--ttft", "2ms", "--itl", "1ms", "--output-tokens", "4"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string json_path = dir_ + "/summary.json";
  RunResult r =
      RunLlmload({"run", "--url", mock.url(), "--model", "m", "--rate", "200", "--arrival",
                  "constant", "-t", "10s", "--threads", "1", "-q", "--json-out", json_path});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json s = ReadJson(json_path);
  ASSERT_TRUE(s.contains("schedule")) << s.dump(2);
  EXPECT_EQ(s["run"]["mode"], "rate");
  EXPECT_EQ(s["schedule"]["target_rate"], 200.0);
  EXPECT_EQ(s["schedule"]["dropped"], 0);
  const double achieved = s["schedule"]["achieved_rate"];
  EXPECT_NEAR(achieved, 200.0, 200.0 * 0.02) << s["schedule"].dump();
  // Every send reached the server, and each was counted once.
  const int64_t sent = s["schedule"]["sent"];
  EXPECT_GE(sent, 1990);
  EXPECT_EQ(s["requests"]["total"].get<int64_t>() + s["requests"]["cancelled"].get<int64_t>(),
            sent);
  EXPECT_EQ(mock.Stats()["requests_by_endpoint"]["chat_completions"], sent);
  for (const char* key : {"latency_s_uncorrected", "ttft_s_uncorrected"}) {
    ASSERT_TRUE(s.contains(key)) << key;
    EXPECT_GT(s[key]["p50"].get<double>(), 0) << key;
  }
  EXPECT_TRUE(s["schedule"]["send_lateness_s"].contains("p99"));
  // From the scheduled send, latency can only be longer than from the actual one.
  EXPECT_GE(s["latency_s"]["p50"].get<double>(), s["latency_s_uncorrected"]["p50"].get<double>());
}

TEST_F(OpenLoopTest, PoissonAndGammaCountsAreWithinFourSigma) {
  MockProcess mock({"--ttft", "2ms", "--itl", "1ms", "--output-tokens", "4"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  for (const std::vector<std::string>& arrival :
       {std::vector<std::string>{"--arrival", "poisson"},
        std::vector<std::string>{"--burstiness", "0.5"}}) {
    const std::string json_path = dir_ + "/summary.json";
    std::vector<std::string> args = {"run", "--url", mock.url(),   "--model",   "m", "--rate",
                                     "200", "-t",    "5s",         "--threads", "2", "--seed",
                                     "7",   "-q",    "--json-out", json_path};
    args.insert(args.end(), arrival.begin(), arrival.end());
    RunResult r = RunLlmload(args);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const json s = ReadJson(json_path);
    const double sent = s["schedule"]["sent"];
    const double expected = 200.0 * SendSeconds(s);
    // A Poisson count's sigma is sqrt(mean); a gamma process of shape k has k times the
    // variance per unit of time (its gaps' CV^2 is 1/k), so sigma = sqrt(mean / k).
    const double k = arrival[0] == "--burstiness" ? 0.5 : 1.0;
    EXPECT_NEAR(sent, expected, 4 * std::sqrt(expected / k)) << arrival[0] << " " << arrival[1];
    EXPECT_EQ(s["schedule"]["dropped"], 0);
  }
}

TEST_F(OpenLoopTest, AFullQueueDropsArrivalsAndCountsThem) {
  MockProcess mock({"--ttft", "300ms", "--itl", "1ms", "--output-tokens", "2"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string json_path = dir_ + "/summary.json";
  RunResult r =
      RunLlmload({"run",       "--url",       mock.url(),  "--model",    "m",
                  "--rate",    "50",          "--arrival", "constant",   "--max-concurrency",
                  "2",         "--max-queue", "1",         "-t",         "3s",
                  "--threads", "1",           "-q",        "--json-out", json_path});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json s = ReadJson(json_path);
  const int64_t sent = s["schedule"]["sent"];
  const int64_t dropped = s["schedule"]["dropped"];
  // 2 in flight for 300 ms each serve under 7 of the 50 arrivals a second: most are dropped.
  EXPECT_GT(dropped, 80) << s["schedule"].dump();
  EXPECT_LT(sent, 40) << s["schedule"].dump();
  EXPECT_NEAR(static_cast<double>(sent + dropped), 150.0, 8.0) << s["schedule"].dump();
  // Dropped arrivals are not requests: the server saw exactly what was sent.
  EXPECT_EQ(mock.Stats()["requests_by_endpoint"]["chat_completions"], sent);
}

// The point of measuring from the scheduled send (coordinated omission): the mock stops for
// 2 s mid-run. Capped at 8 in flight, 400 arrivals queue behind the 8 stalled requests; from
// the scheduled send they waited, from the actual send they did not.
TEST_F(OpenLoopTest, AStalledServerShowsInTheCorrectedLatencyOnly) {
  MockProcess mock({"--ttft", "2ms", "--itl", "1ms", "--output-tokens", "4"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string json_path = dir_ + "/summary.json";
  const pid_t mock_pid = mock.process().pid();
  std::thread stall([mock_pid] {
    std::this_thread::sleep_for(std::chrono::seconds(3));
    kill(mock_pid, SIGSTOP);
    std::this_thread::sleep_for(std::chrono::seconds(2));
    kill(mock_pid, SIGCONT);
  });
  RunResult r =
      RunLlmload({"run",       "--url",       mock.url(),  "--model",    "m",
                  "--rate",    "200",         "--arrival", "constant",   "--max-concurrency",
                  "8",         "--max-queue", "1000",      "-t",         "10s",
                  "--threads", "1",           "-q",        "--json-out", json_path});
  stall.join();
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json s = ReadJson(json_path);
  EXPECT_EQ(s["schedule"]["dropped"], 0) << s["schedule"].dump();
  EXPECT_GE(s["latency_s"]["p99"].get<double>(), 1.5) << s["latency_s"].dump();
  EXPECT_GE(s["ttft_s"]["p99"].get<double>(), 1.5) << s["ttft_s"].dump();
  // Only the 8 stalled requests (0.4% of 2,000) waited once sent.
  EXPECT_LT(s["latency_s_uncorrected"]["p99"].get<double>(), 1.0)
      << s["latency_s_uncorrected"].dump();
  EXPECT_GT(s["schedule"]["send_lateness_s"]["max"].get<double>(), 1.5);
}

// Without a cap an open-loop client keeps sending on time: the requests sent into the stall
// wait for the server, so both figures show it.
TEST_F(OpenLoopTest, WithoutACapBothFiguresShowAStall) {
  MockProcess mock({"--ttft", "2ms", "--itl", "1ms", "--output-tokens", "4"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string json_path = dir_ + "/summary.json";
  const pid_t mock_pid = mock.process().pid();
  std::thread stall([mock_pid] {
    std::this_thread::sleep_for(std::chrono::seconds(2));
    kill(mock_pid, SIGSTOP);
    std::this_thread::sleep_for(std::chrono::seconds(2));
    kill(mock_pid, SIGCONT);
  });
  RunResult r =
      RunLlmload({"run", "--url", mock.url(), "--model", "m", "--rate", "100", "--arrival",
                  "constant", "-t", "6s", "--threads", "1", "-q", "--json-out", json_path});
  stall.join();
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json s = ReadJson(json_path);
  EXPECT_GE(s["latency_s"]["p99"].get<double>(), 1.5) << s["latency_s"].dump();
  EXPECT_GE(s["latency_s_uncorrected"]["p99"].get<double>(), 1.5)
      << s["latency_s_uncorrected"].dump();
  // Sends stayed on time: the stall was the server's.
  EXPECT_LT(s["schedule"]["send_lateness_s"]["p99"].get<double>(), 0.5);
}

TEST_F(OpenLoopTest, RateStagesReachEachTarget) {
  MockProcess mock({"--ttft", "2ms", "--itl", "1ms", "--output-tokens", "4"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string json_path = dir_ + "/summary.json";
  RunResult r = RunLlmload({"run", "--url", mock.url(), "--model", "m", "--rate", "0", "--arrival",
                            "constant", "--stages", "3s:100,3s:50,2s:20", "--stages-step",
                            "--threads", "1", "-q", "--json-out", json_path},
                           std::chrono::seconds(60));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("stopped: stages done"), std::string::npos) << r.output;
  const json s = ReadJson(json_path);
  ASSERT_TRUE(s.contains("stages")) << s.dump(2);
  ASSERT_EQ(s["stages"].size(), 3u) << s["stages"].dump();
  const double targets[] = {100, 50, 20};
  for (int i = 0; i < 3; ++i) {
    const json& stage = s["stages"][i];
    EXPECT_EQ(stage["stage"], i);
    EXPECT_EQ(stage["target"], targets[i]);
    // A delta counts in the stage in force at its middle, so requests near a boundary may
    // count beside theirs: a stage's own rate is judged loosely.
    EXPECT_NEAR(stage["schedule"]["achieved_rate"].get<double>(), targets[i], targets[i] * 0.3)
        << stage["schedule"].dump();
  }
  // Stepped: 3 s at 100, 3 s at 50, 2 s at 20 is 490 sends in all.
  EXPECT_NEAR(s["schedule"]["sent"].get<double>(), 490.0, 25.0) << s["schedule"].dump();
}

TEST_F(OpenLoopTest, UserStagesRampTheUsers) {
  MockProcess mock({"--ttft", "5ms", "--itl", "1ms", "--output-tokens", "4"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string stats_path = dir_ + "/stats.csv";
  const std::string json_path = dir_ + "/summary.json";
  RunResult r =
      RunLlmload({"run", "--url", mock.url(), "--model", "m", "--stages", "1s:3,2s:3,1s:1",
                  "--threads", "1", "-q", "--csv-stats", stats_path, "--json-out", json_path},
                 std::chrono::seconds(60));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json s = ReadJson(json_path);
  ASSERT_EQ(s["stages"].size(), 3u) << s.dump(2);
  EXPECT_EQ(s["stages"][1]["target"], 3.0);
  // The per-second history shows 3 users running in the hold.
  const std::string csv = ReadFile(stats_path);
  EXPECT_NE(csv.find(",3,3,"), std::string::npos) << csv;
}

TEST_F(OpenLoopTest, TwoAgentsSplitOneRate) {
  MockProcess mock({"--ttft", "2ms", "--itl", "1ms", "--output-tokens", "4"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string json_path = dir_ + "/summary.json";
  MasterProcess master = StartMaster({"--url", mock.url(), "--model", "m", "--expect-agents", "2",
                                      "--rate", "100", "--arrival", "constant", "-t", "6s", "-q",
                                      "--metrics-bind", "off", "--json-out", json_path});
  ASSERT_FALSE(master.address.empty()) << master.process->Output();
  std::unique_ptr<Subprocess> a = StartAgent(master.address, {});
  std::unique_ptr<Subprocess> b = StartAgent(master.address, {});
  const std::optional<int> code = master.process->Wait(std::chrono::seconds(60));
  ASSERT_EQ(code, 0) << master.process->Output();
  const json s = ReadJson(json_path);
  ASSERT_TRUE(s.contains("schedule")) << s.dump(2);
  EXPECT_NEAR(s["schedule"]["achieved_rate"].get<double>(), 100.0, 3.0) << s["schedule"].dump();
  ASSERT_EQ(s["agents"].size(), 2u);
  for (const json& agent : s["agents"]) EXPECT_GT(agent["requests"].get<int64_t>(), 200) << agent;
  EXPECT_EQ(mock.Stats()["requests_by_endpoint"]["chat_completions"],
            s["schedule"]["sent"].get<int64_t>());
}

TEST_F(OpenLoopTest, ConflictingLoadFlagsAreRefusedByName) {
  for (const auto& [args, needle] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--rate", "10", "-u", "5"}, "--rate and --users"},
           {{"--rate", "0"}, "--rate 0"},
           {{"--rate", "10", "--arrival", "zipf"}, "--arrival: unknown process 'zipf'"},
           {{"--rate", "10", "--arrival", "constant", "--burstiness", "0.5"}, "--burstiness"},
           {{"--max-concurrency", "4"}, "--max-concurrency: only with --rate"},
           {{"--rate", "10", "--max-queue", "4"}, "--max-queue: only with --max-concurrency"},
           {{"--rate", "10", "--think-time", "1s"}, "--think-time"},
           {{"--stages", "1s:2,x"}, "--stages"},
           {{"--stages-step"}, "--stages-step: only with --stages"}}) {
    std::vector<std::string> full = {"run", "--url", "http://127.0.0.1:9/v1", "--model", "m", "-q"};
    full.insert(full.end(), args.begin(), args.end());
    RunResult r = RunLlmload(full, std::chrono::seconds(30));
    EXPECT_EQ(r.exit_code, 2) << absl::StrJoin(args, " ") << "\n" << r.output;
    EXPECT_NE(r.output.find(needle), std::string::npos) << needle << "\n" << r.output;
  }
}

}  // namespace
}  // namespace llmload::testing
