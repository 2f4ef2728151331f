// Input limits and secrets, as a user meets them: a huge --users that costs only the users
// started, a spawn rate so small that the next user never comes, a master that will not serve
// the network without a token, and a URL password that never reaches any output.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/files.h"
#include "support/llmload_cluster.h"
#include "support/mock_process.h"
#include "support/proc_status.h"
#include "support/subprocess.h"

namespace llmload::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// `llmload run` against its built-in mock (fast replies), quiet, with no /metrics.
std::vector<std::string> RunAgainstBuiltinMock(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {
      LlmloadBinary(), "run", "--metrics-bind", "off", "--threads", "2",
      "--mock-ttft",   "5ms", "--mock-itl",     "1ms", "-q"};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

class InputLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir(); }
  std::string dir_;
};

// Users are created as they spawn: ten million asked for, ~16 started in 3 s at 5/s. Before,
// every one of the ten million had its slot, reader and spawn timer up front (gigabytes, or
// std::length_error for a number past the vector's limit).
TEST_F(InputLimitsTest, TenMillionUsersCostOnlyTheUsersStarted) {
  const std::string json_path = dir_ + "/summary.json";
  Subprocess run(RunAgainstBuiltinMock(
      {"-u", "10000000", "-r", "5", "-t", "3s", "--think-time", "50ms", "--json-out", json_path}));
  int64_t peak_kb = 0;
  PollFor(
      [&] {
        peak_kb = std::max(peak_kb, PeakRssKiB(run.pid()));
        return !run.Running();
      },
      seconds(60), milliseconds(100));
  ASSERT_EQ(run.Wait(seconds(30)), 0) << run.Output();
  EXPECT_GT(peak_kb, 0);
  EXPECT_LT(peak_kb, 200 * 1024) << "peak RSS " << peak_kb << " kB";
  const nlohmann::json summary = ReadJson(json_path);
  ASSERT_TRUE(summary.is_object()) << ReadFile(json_path);
  EXPECT_EQ(summary["run"]["users"], 10000000);
  EXPECT_GT(summary["requests"]["succeeded"].get<int64_t>(), 0);
  // 16 users at most by 3 s (one at once, then one per 200 ms), each ~20 requests a second.
  EXPECT_LT(summary["requests"]["total"].get<int64_t>(), 16 * 20 * 3 * 2);
}

// At 1e-12 users/s the second user would start 31,000 years from now. The int64 conversion
// of that time used to wrap to a time long past, so every user started at once.
TEST_F(InputLimitsTest, ATinySpawnRateStartsOnlyTheFirstUser) {
  const std::string json_path = dir_ + "/summary.json";
  Subprocess run(RunAgainstBuiltinMock(
      {"-u", "3", "-r", "1e-12", "-t", "3s", "--think-time", "20s", "--json-out", json_path}));
  ASSERT_EQ(run.Wait(seconds(60)), 0) << run.Output();
  const nlohmann::json summary = ReadJson(json_path);
  ASSERT_TRUE(summary.is_object()) << ReadFile(json_path);
  // User 0 sends one request, then thinks past the end; users 1 and 2 never start.
  EXPECT_EQ(summary["requests"]["total"], 1) << summary.dump();
  EXPECT_LT(summary["run"]["duration_s"].get<double>(), 15) << summary.dump();
}

// Too few descriptors for the users: one warning naming the numbers and `ulimit -n`, from run
// and from an agent (whose share is what counts), instead of silent `connect` errors.
TEST_F(InputLimitsTest, TooFewFileDescriptorsForTheUsersAreWarnedAbout) {
  const std::vector<std::string> prlimit = {"/usr/bin/prlimit", "--nofile=256:256", "--"};
  std::vector<std::string> run_argv = prlimit;
  for (const std::string& a : RunAgainstBuiltinMock({"-u", "300", "-r", "1000", "-n", "1"})) {
    run_argv.push_back(a);
  }
  Subprocess run(run_argv);
  ASSERT_TRUE(run.Wait(seconds(60)).has_value()) << run.Output();
  EXPECT_NE(run.Output().find("open-file limit is 256"), std::string::npos) << run.Output();
  EXPECT_NE(run.Output().find("300 users"), std::string::npos) << run.Output();
  EXPECT_NE(run.Output().find("ulimit -n"), std::string::npos) << run.Output();

  MockProcess mock({"--ttft", "5ms", "--itl", "1ms", "--output-tokens", "4"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  MasterProcess master =
      StartMaster({"--metrics-bind", "off", "--url", mock.url(), "--model", "m", "-u", "300", "-r",
                   "1000", "-n", "1", "-q", "--expect-agents-timeout", "30s"});
  ASSERT_FALSE(master.address.empty()) << master.process->Output();
  std::vector<std::string> agent_argv = prlimit;
  for (const std::string& a : {LlmloadBinary(), std::string("agent"), std::string("--master"),
                               master.address, std::string("--threads"), std::string("1")}) {
    agent_argv.push_back(a);
  }
  Subprocess agent(agent_argv);
  EXPECT_TRUE(master.process->Wait(seconds(60)).has_value()) << master.process->Output();
  EXPECT_TRUE(agent.Wait(seconds(30)).has_value()) << agent.Output();
  EXPECT_NE(agent.Output().find("warning: the open-file limit is 256"), std::string::npos)
      << agent.Output();
  EXPECT_NE(agent.Output().find("300 users"), std::string::npos) << agent.Output();
}

// The decision is taken before the master listens. Tests bind only loopback, so the
// non-loopback address here is 192.0.2.1 (TEST-NET-1, on no interface): refused with exit 2
// before any bind without a token; with one (or the opt-out) the master gets as far as the
// bind, which fails (exit 1).
TEST_F(InputLimitsTest, MasterRefusesANonLoopbackBindWithoutAToken) {
  const std::vector<std::string> base = {LlmloadBinary(),
                                         "master",
                                         "--metrics-bind",
                                         "off",
                                         "--url",
                                         "http://127.0.0.1:9/v1",
                                         "--model",
                                         "m",
                                         "--bind",
                                         "192.0.2.1:0",
                                         "--expect-agents-timeout",
                                         "1s"};
  Subprocess open_master(base);
  EXPECT_EQ(open_master.Wait(seconds(30)), 2) << open_master.Output();
  EXPECT_NE(open_master.Output().find("--token"), std::string::npos) << open_master.Output();
  EXPECT_NE(open_master.Output().find("API key"), std::string::npos) << open_master.Output();
  EXPECT_NE(open_master.Output().find("--insecure-no-token"), std::string::npos);
  EXPECT_EQ(open_master.Output().find("cannot listen"), std::string::npos) << open_master.Output();

  for (std::vector<std::string> extra : {std::vector<std::string>{"--token", "t0ken"},
                                         std::vector<std::string>{"--insecure-no-token"}}) {
    std::vector<std::string> argv = base;
    argv.insert(argv.end(), extra.begin(), extra.end());
    Subprocess master(argv);
    EXPECT_EQ(master.Wait(seconds(30)), 1) << extra[0] << ": " << master.Output();
    EXPECT_NE(master.Output().find("cannot listen on 192.0.2.1:0"), std::string::npos)
        << extra[0] << ": " << master.Output();
  }
}

// "http://user:secret@..." sends the credentials (the mock ignores them) but shows
// "user:***@" wherever the URL is printed or written.
TEST_F(InputLimitsTest, UrlPasswordNeverReachesAnyOutput) {
  MockProcess mock({"--ttft", "5ms", "--itl", "1ms", "--output-tokens", "4"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string url = absl::StrCat("http://user:secret@127.0.0.1:", mock.port());
  const std::string json_path = dir_ + "/summary.json";
  const std::string csv_path = dir_ + "/requests.csv";
  const std::string stats_path = dir_ + "/stats.csv";
  Subprocess run({LlmloadBinary(), "run", "--metrics-bind", "off", "--url", url, "-u", "2", "-n",
                  "10", "--threads", "1", "--json-out", json_path, "--csv-out", csv_path,
                  "--csv-stats", stats_path});
  ASSERT_EQ(run.Wait(seconds(60)), 0) << run.Output();
  EXPECT_EQ(run.Output().find("secret"), std::string::npos) << run.Output();
  EXPECT_NE(run.Output().find("user:***@127.0.0.1"), std::string::npos) << run.Output();
  for (const std::string& path : {json_path, csv_path, stats_path}) {
    EXPECT_EQ(ReadFile(path).find("secret"), std::string::npos) << path << ": " << ReadFile(path);
  }
  const nlohmann::json summary = ReadJson(json_path);
  ASSERT_TRUE(summary.is_object());
  EXPECT_EQ(summary["run"]["url"],
            absl::StrCat("http://user:***@127.0.0.1:", mock.port(), "/v1/chat/completions"));
  EXPECT_EQ(summary["requests"]["succeeded"], 10);

  // Model discovery's error names the URL too: a closed port, no --model.
  const int closed = FreeLoopbackPort();
  ASSERT_GT(closed, 0);
  Subprocess lookup({LlmloadBinary(), "run", "--metrics-bind", "off", "--url",
                     absl::StrCat("http://user:secret@127.0.0.1:", closed), "-n", "1",
                     "--connect-timeout", "1s", "-q"});
  ASSERT_TRUE(lookup.Wait(seconds(60)).has_value()) << lookup.Output();
  EXPECT_NE(lookup.Output().find("user:***@127.0.0.1"), std::string::npos) << lookup.Output();
  EXPECT_EQ(lookup.Output().find("secret"), std::string::npos) << lookup.Output();
}

// In distributed mode, the master's and the agent's logs show the URL redacted as well.
TEST_F(InputLimitsTest, UrlPasswordStaysOutOfMasterAndAgentLogs) {
  MockProcess mock({"--ttft", "5ms", "--itl", "1ms", "--output-tokens", "4"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string json_path = dir_ + "/summary.json";
  MasterProcess master =
      StartMaster({"--metrics-bind", "off", "--url",
                   absl::StrCat("http://user:secret@127.0.0.1:", mock.port()), "--model", "m", "-u",
                   "1", "-n", "5", "--json-out", json_path, "--expect-agents-timeout", "30s"});
  ASSERT_FALSE(master.address.empty()) << master.process->Output();
  auto agent = StartAgent(master.address, {});
  EXPECT_EQ(master.process->Wait(seconds(60)), 0) << master.process->Output();
  EXPECT_TRUE(agent->Wait(seconds(30)).has_value());
  EXPECT_EQ(master.process->Output().find("secret"), std::string::npos) << master.process->Output();
  EXPECT_NE(agent->Output().find("user:***@127.0.0.1"), std::string::npos) << agent->Output();
  EXPECT_EQ(agent->Output().find("secret"), std::string::npos) << agent->Output();
  EXPECT_EQ(ReadFile(json_path).find("secret"), std::string::npos) << ReadFile(json_path);
}

}  // namespace
}  // namespace llmload::testing
