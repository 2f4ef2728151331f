// `llmload run` as a user runs it: a real process against a real `llmload mock` process on
// loopback. Checks that what llmload reports matches what the server served, that errors
// land in the right class, that Ctrl-C still writes the report, and that bad input fails
// fast with a message naming what is wrong.
#include <signal.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/files.h"
#include "support/mock_process.h"
#include "support/run_tools.h"
#include "support/subprocess.h"

namespace llmload::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

class RunAgainstMockTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir(); }
  std::string dir_;
};

TEST_F(RunAgainstMockTest, CountsEveryRequestOnceAndMeasuresLikeTheServer) {
  MockProcess mock({"--ttft", "20ms", "--itl", "5ms", "--output-tokens", "16"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string json_path = dir_ + "/summary.json";
  const std::string csv_path = dir_ + "/requests.csv";
  RunResult r =
      RunLlmload({"run", "--url", mock.url(), "-u", "8", "-r", "100", "-n", "120", "--threads", "2",
                  "-q", "--json-out", json_path, "--csv-out", csv_path});
  ASSERT_EQ(r.exit_code, 0) << r.output;

  const json summary = ReadJson(json_path);
  ASSERT_TRUE(summary.is_object()) << ReadFile(json_path);
  const json mock_stats = mock.Stats();
  // Exactly the requested number, each counted once, and the server agrees.
  EXPECT_EQ(summary["requests"]["total"], 120);
  EXPECT_EQ(summary["requests"]["succeeded"], 120);
  EXPECT_EQ(summary["requests"]["failed"], 0);
  EXPECT_EQ(mock_stats["requests_by_endpoint"]["chat_completions"], 120) << mock_stats.dump();
  EXPECT_EQ(mock_stats["completed"], 120) << mock_stats.dump();

  // The mock waits 20 ms before the first token; loopback adds well under a millisecond,
  // a loaded 2-core machine a few more.
  const double ttft_p50 = summary["ttft_s"]["p50"];
  EXPECT_GE(ttft_p50, 0.0195);
  EXPECT_LE(ttft_p50, 0.030);
  const double itl_p50 = summary["itl_s"]["p50"];
  EXPECT_GE(itl_p50, 0.004);
  EXPECT_LE(itl_p50, 0.010);
  EXPECT_EQ(summary["tokens"]["output_total"], 120 * 16);
  EXPECT_EQ(summary["tokens"]["output_mean"], 16.0);
  EXPECT_EQ(summary["run"]["token_source"], "usage");
  EXPECT_EQ(summary["run"]["model"], "mock-llm");  // discovered from GET /v1/models

  // Every key of the JSON contract in ../shared/METRICS.md.
  for (const char* section : {"latency_s", "ttft_s", "itl_s", "tpot_s"}) {
    for (const char* key : {"mean", "min", "max", "std", "cv_pct", "p50", "p66", "p75", "p80",
                            "p90", "p95", "p98", "p99", "p99_9"}) {
      EXPECT_TRUE(summary[section].contains(key)) << section << "." << key;
    }
  }
  for (const char* key :
       {"qps", "rpm", "output_tokens_per_s", "total_tokens_per_s", "goodput_qps"}) {
    EXPECT_TRUE(summary["throughput"].contains(key)) << key;
  }
  EXPECT_GT(summary["throughput"]["qps"].get<double>(), 0);

  // One CSV row per request, each with 16 output tokens.
  std::vector<std::string> lines = absl::StrSplit(ReadFile(csv_path), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 121u);
  EXPECT_EQ(lines[0].rfind("start_offset_s,status,error_class,http_status,ttft_s,e2e_s", 0), 0u);
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> cols = absl::StrSplit(lines[i], ',');
    ASSERT_EQ(cols.size(), 12u) << lines[i];
    EXPECT_EQ(cols[1], "ok");
    EXPECT_EQ(cols[3], "200");
    EXPECT_EQ(cols[8], "16") << lines[i];
    EXPECT_EQ(cols[11], "1") << lines[i];  // a single request is its conversation's first turn
  }
}

// A host name: libcurl tries the addresses of "localhost" in turn (::1, refused by the
// IPv4-only mock, then 127.0.0.1), so sockets are opened and closed around the one that
// connects, and their descriptor numbers come back for later connections: the engine's epoll
// registrations (EngineThread::Watch) must follow them.
TEST_F(RunAgainstMockTest, AHostNameUrlWorksLikeAnAddress) {
  MockProcess mock({"--ttft", "1ms", "--itl", "1ms", "--output-tokens", "4"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string json_path = dir_ + "/summary.json";
  RunResult r = RunLlmload({"run", "--url", absl::StrCat("http://localhost:", mock.port()),
                            "--model", "m", "-u", "6", "-r", "100", "-n", "90", "--request-timeout",
                            "20s", "-q", "--json-out", json_path});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json summary = ReadJson(json_path);
  EXPECT_EQ(summary["requests"]["total"], 90);
  EXPECT_EQ(summary["requests"]["succeeded"], 90) << r.output;
  EXPECT_EQ(mock.Stats()["completed"], 90);
}

TEST_F(RunAgainstMockTest, InjectedErrorsLandInTheirClass) {
  MockProcess mock({"--ttft", "1ms", "--itl", "1ms", "--output-tokens", "4", "--error-rate", "1",
                    "--error-status", "429"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string json_path = dir_ + "/summary.json";
  RunResult r = RunLlmload({"run", "--url", mock.url(), "--model", "m", "-u", "4", "-r", "100",
                            "-n", "40", "-q", "--json-out", json_path});
  EXPECT_EQ(r.exit_code, 1) << r.output;  // every request failed
  const json summary = ReadJson(json_path);
  EXPECT_EQ(summary["requests"]["total"], 40);
  EXPECT_EQ(summary["requests"]["failed"], 40);
  EXPECT_EQ(summary["requests"]["errors"]["http_429"], 40);
  EXPECT_EQ(summary["requests"]["errors"]["http_5xx"], 0);
  EXPECT_TRUE(summary["ttft_s"]["p50"].is_null());  // no successful sample
  EXPECT_NE(r.output.find("http_429"), std::string::npos) << r.output;
}

TEST_F(RunAgainstMockTest, PartialServerErrorsAreCountedBesideSuccesses) {
  MockProcess mock({"--ttft", "1ms", "--itl", "1ms", "--output-tokens", "4", "--error-rate", "0.5",
                    "--error-status", "503", "--seed", "7"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string json_path = dir_ + "/summary.json";
  RunResult r = RunLlmload({"run", "--url", mock.url(), "--model", "m", "-u", "4", "-r", "100",
                            "-n", "200", "-q", "--json-out", json_path});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const json summary = ReadJson(json_path);
  const int ok = summary["requests"]["succeeded"];
  const int http5xx = summary["requests"]["errors"]["http_5xx"];
  EXPECT_EQ(ok + http5xx, 200);
  EXPECT_GT(ok, 40);
  EXPECT_GT(http5xx, 40);
  EXPECT_EQ(mock.Stats()["errors_injected"], http5xx);
}

TEST_F(RunAgainstMockTest, StreamsCutOffMidwayAreFailures) {
  MockProcess mock(
      {"--ttft", "1ms", "--itl", "1ms", "--output-tokens", "8", "--truncate-rate", "1"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string json_path = dir_ + "/summary.json";
  RunResult r = RunLlmload({"run", "--url", mock.url(), "--model", "m", "-u", "2", "-r", "100",
                            "-n", "20", "-q", "--json-out", json_path});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  const json summary = ReadJson(json_path);
  EXPECT_EQ(summary["requests"]["failed"], 20);
  EXPECT_EQ(summary["requests"]["errors"]["truncated_stream"], 20) << summary.dump();
}

TEST_F(RunAgainstMockTest, InterruptStopsAndStillWritesTheReport) {
  MockProcess mock({"--ttft", "5ms", "--itl", "5ms", "--output-tokens", "50"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string json_path = dir_ + "/summary.json";
  Subprocess run({LlmloadBinary(), "run", "--url", mock.url(), "-u", "10", "-r", "100", "-t", "10m",
                  "--console-interval", "200ms", "--json-out", json_path});
  // Wait until requests are completing, then press Ctrl-C.
  ASSERT_TRUE(run.WaitForOutput(R"(req [1-9][0-9]* fail)", seconds(60))) << run.Output();
  run.Signal(SIGINT);
  std::optional<int> code = run.Wait(seconds(60));
  ASSERT_EQ(code, 0) << run.Output();
  EXPECT_NE(run.Output().find("stopped: interrupted"), std::string::npos) << run.Output();
  const json summary = ReadJson(json_path);
  ASSERT_TRUE(summary.is_object());
  EXPECT_GT(summary["requests"]["total"].get<int>(), 0);
  EXPECT_EQ(summary["requests"]["failed"], 0);  // in-flight requests finished or were cancelled
}

TEST_F(RunAgainstMockTest, StopTimeoutCancelsWhatIsStillInFlight) {
  // Replies take ~5 s; the run stops after 1 s and gives in-flight requests 300 ms.
  MockProcess mock({"--ttft", "10ms", "--itl", "50ms", "--output-tokens", "100"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string json_path = dir_ + "/summary.json";
  RunResult r = RunLlmload({"run", "--url", mock.url(), "--model", "m", "-u", "4", "-r", "100",
                            "-t", "1s", "--stop-timeout", "300ms", "-q", "--metrics-bind", "off",
                            "--json-out", json_path});
  EXPECT_EQ(r.exit_code, 0) << r.output;  // cancelled requests are not failures
  const json summary = ReadJson(json_path);
  ASSERT_TRUE(summary.is_object()) << r.output;
  EXPECT_EQ(summary["requests"]["cancelled"], 4) << summary.dump();
  EXPECT_EQ(summary["requests"]["total"], 0) << summary.dump();
  EXPECT_EQ(summary["requests"]["failed"], 0);
  EXPECT_NE(r.output.find("4 cancelled at stop"), std::string::npos) << r.output;
}

TEST_F(RunAgainstMockTest, WithoutUrlRunsAgainstTheBuiltInMock) {
  const std::string json_path = dir_ + "/summary.json";
  RunResult r =
      RunLlmload({"run", "-u", "5", "-r", "50", "-n", "30", "--mock-ttft", "2ms", "--mock-itl",
                  "1ms", "--mock-output-tokens", "8", "-q", "--json-out", json_path});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("started the built-in mock"), std::string::npos) << r.output;
  const json summary = ReadJson(json_path);
  EXPECT_EQ(summary["requests"]["succeeded"], 30);
  EXPECT_EQ(summary["tokens"]["output_total"], 30 * 8);
  EXPECT_EQ(summary["run"]["url"].get<std::string>().rfind("http://127.0.0.1:", 0), 0u);
}

TEST(RunUnreachableTest, ConnectionFailuresAreCountedAndExplained) {
  const std::string json_path = MakeTempDir() + "/summary.json";
  // Port 1 on loopback: nothing listens there, so every connect is refused at once.
  RunResult r = RunLlmload({"run", "--url", "http://127.0.0.1:1", "--model", "m", "-u", "2", "-r",
                            "100", "-n", "6", "--json-out", json_path});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("cannot connect to http://127.0.0.1:1"), std::string::npos) << r.output;
  const json summary = ReadJson(json_path);
  EXPECT_EQ(summary["requests"]["errors"]["connect"], 6);
}

TEST(RunUnreachableTest, WithoutModelTheRunStillHappensAndSaysWhy) {
  const std::string json_path = MakeTempDir() + "/summary.json";
  // No --model: the model lookup cannot connect either, which is a warning, not bad input.
  RunResult r = RunLlmload({"run", "--url", "http://127.0.0.1:1", "-u", "2", "-r", "100", "-n", "4",
                            "--json-out", json_path, "--metrics-bind", "off"});
  EXPECT_EQ(r.exit_code, 1) << r.output;  // the run happened; every request failed
  EXPECT_NE(r.output.find("warning: no --model given and GET http://127.0.0.1:1/v1/models failed"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("running anyway"), std::string::npos) << r.output;
  const json summary = ReadJson(json_path);
  EXPECT_EQ(summary["requests"]["errors"]["connect"], 4) << r.output;
}

TEST(RunBadInputTest, AnEndpointWithoutAModelListIsBadInput) {
  MockProcess mock({"--ttft", "1ms", "--itl", "1ms"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  // The mock answers 404 on this path: it is up, so a missing model list is the user's to fix.
  RunResult r = RunLlmload({"run", "--url", mock.url() + "/nope/v1/chat/completions", "-n", "1",
                            "--metrics-bind", "off"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("answered HTTP 404"), std::string::npos) << r.output;
  EXPECT_EQ(mock.Stats().value("completed", -1), 0);
}

TEST(RunBadInputTest, FailsFastWithExitTwoAndAClearMessage) {
  const std::string dir = MakeTempDir();
  {
    std::ofstream(dir + "/empty.txt") << "\n\n";
    std::ofstream(dir + "/bad.jsonl") << "{\"prompt\": \"ok\"}\n{\"prompt\": oops}\n";
  }
  struct Case {
    std::vector<std::string> args;
    std::string expect;
  } cases[] = {
      {{"run", "--no-such-flag"}, "--no-such-flag"},
      {{"run", "-t", "30"}, "--run-time"},
      {{"run", "-t", "soon"}, "--run-time"},
      {{"run", "-u", "0"}, "--users"},
      {{"run", "--dataset", dir + "/missing.txt"}, "missing.txt"},
      {{"run", "--dataset", dir + "/empty.txt"}, "empty.txt"},
      {{"run", "--dataset", dir + "/bad.jsonl"}, "bad.jsonl:2"},
      {{"run", "--url", "ftp://127.0.0.1:1"}, "--url"},
      {{"run", "--json-out", dir + "/no/such/dir/x.json", "-n", "1"}, "--json-out"},
      {{"run", "--connect-timeout", "0s"}, "--connect-timeout"},
      {{"run", "--request-timeout", "0s"}, "--request-timeout"},
      {{"run", "--threads", "-1"}, "--threads"},
      {{"run", "--mock-output-tokens", "-5"}, "--mock-output-tokens"},
  };
  for (const Case& c : cases) {
    RunResult r = RunLlmload(c.args, seconds(60));
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find(c.expect), std::string::npos) << "want '" << c.expect << "' in:\n"
                                                          << r.output;
    EXPECT_EQ(r.output.find("terminate called"), std::string::npos) << r.output;
  }
}

}  // namespace
}  // namespace llmload::testing
