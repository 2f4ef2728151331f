// The result files of `llmload run` survive what users and systems do to a run: a closed
// stdout or stderr, SIGHUP, SIGKILL, a full disk, and a run that fails before it starts.
// Each case here failed before outputs were written through master/output_file.h.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "master/prometheus_exporter.h"
#include "nlohmann/json.hpp"
#include "support/files.h"
#include "support/subprocess.h"

namespace llmload::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

// A short run against the built-in mock: `requests` requests from 2 users.
std::vector<std::string> ShortRun(int requests, const std::string& metrics_bind = "off") {
  return {LlmloadBinary(),        "run",         "-u",  "2",          "-r",  "100",       "-n",
          absl::StrCat(requests), "--mock-ttft", "1ms", "--mock-itl", "1ms", "--threads", "1",
          "--metrics-bind",       metrics_bind};
}

// A run that goes on until it is stopped.
std::vector<std::string> LongRun() {
  return {LlmloadBinary(), "run", "-u",        "2",           "-r",
          "100",           "-t",  "10m",       "--mock-ttft", "1ms",
          "--mock-itl",    "1ms", "--threads", "1",           "--console-interval",
          "200ms"};
}

size_t Lines(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

void WriteFile(const std::string& path, const std::string& text) {
  FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs(text.c_str(), f);
  std::fclose(f);
}

std::string ShellQuote(const std::vector<std::string>& argv) {
  std::string cmd;
  for (const std::string& a : argv) absl::StrAppend(&cmd, "'", a, "' ");
  return cmd;
}

class OutputsTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir(); }
  std::string dir_;
};

TEST_F(OutputsTest, ClosedStdoutAndStderrDoNotCostAFile) {
  std::vector<std::string> argv = ShortRun(20);
  for (const char* a : {"--json-out", "r.json", "--csv-out", "r.csv"}) argv.push_back(a);
  // `true` exits at once: every write llmload makes to the pipe fails (EPIPE, or SIGPIPE
  // when not ignored). The shell's status is that of llmload (pipefail).
  Subprocess run({"/bin/bash", "-c",
                  absl::StrCat("set -o pipefail; cd '", dir_, "' && ", ShellQuote(argv),
                               "2>&1 | true; echo \"llmload exit $?\" > exit.txt")});
  ASSERT_EQ(run.Wait(seconds(120)), 0) << run.Output();
  const json summary = ReadJson(dir_ + "/r.json");
  ASSERT_TRUE(summary.is_object()) << ReadFile(dir_ + "/exit.txt");
  EXPECT_EQ(summary["requests"]["total"], 20);
  EXPECT_EQ(Lines(ReadFile(dir_ + "/r.csv")), 21u);  // header + one row per request
  // The summary could not be printed, and the exit code says so.
  EXPECT_EQ(ReadFile(dir_ + "/exit.txt"), "llmload exit 3\n");
}

TEST_F(OutputsTest, SighupStopsGracefullyAndWritesEveryFile) {
  std::vector<std::string> argv = LongRun();
  for (const std::string& a :
       {std::string("--json-out"), dir_ + "/r.json", std::string("--csv-out"), dir_ + "/r.csv",
        std::string("--csv-stats"), dir_ + "/s.csv"}) {
    argv.push_back(a);
  }
  Subprocess run(argv);
  ASSERT_TRUE(run.WaitForOutput(R"(req [1-9][0-9]* fail)", seconds(60))) << run.Output();
  run.Signal(SIGHUP);
  ASSERT_EQ(run.Wait(seconds(60)), 0) << run.Output();
  EXPECT_NE(run.Output().find("stopped: interrupted"), std::string::npos) << run.Output();
  const json summary = ReadJson(dir_ + "/r.json");
  ASSERT_TRUE(summary.is_object()) << run.Output();
  const int total = summary["requests"]["total"].get<int>();
  EXPECT_GT(total, 0);
  const size_t cancelled = summary["requests"].value("cancelled", 0);
  EXPECT_EQ(Lines(ReadFile(dir_ + "/r.csv")), 1u + total + cancelled);
  EXPECT_GE(Lines(ReadFile(dir_ + "/s.csv")), 2u);
}

TEST_F(OutputsTest, RequestRowsReachTheDiskWhileTheRunGoesOn) {
  std::vector<std::string> argv = LongRun();
  argv.push_back("--csv-out");
  argv.push_back(dir_ + "/r.csv");
  Subprocess run(argv);
  // Rows are flushed at least every second: they are on disk long before the run ends...
  EXPECT_TRUE(PollFor([&] { return Lines(ReadFile(dir_ + "/r.csv")) > 10; }, seconds(60)))
      << run.Output();
  // ... and a SIGKILL, which no program can handle, does not take them away.
  run.Signal(SIGKILL);
  run.Wait(seconds(30));
  const std::vector<std::string> rows =
      absl::StrSplit(ReadFile(dir_ + "/r.csv"), '\n', absl::SkipEmpty());
  ASSERT_GT(rows.size(), 10u);
  EXPECT_TRUE(absl::StartsWith(rows[0], "start_offset_s,"));
  EXPECT_NE(rows[1].find(",ok,"), std::string::npos) << rows[1];
}

TEST_F(OutputsTest, AFullDiskIsAnErrorThatNamesThePath) {
  std::vector<std::string> argv = ShortRun(5);
  argv.push_back("--json-out");
  argv.push_back("/dev/full");
  Subprocess run(argv);
  EXPECT_EQ(run.Wait(seconds(120)), 3) << run.Output();
  EXPECT_NE(run.Output().find("--json-out '/dev/full': write failed: No space left on device"),
            std::string::npos)
      << run.Output();
  // The summary still went to stdout: the figures are not lost with the file.
  EXPECT_NE(run.Output().find("stopped: request count reached"), std::string::npos) << run.Output();
}

TEST_F(OutputsTest, ARunThatFailsBeforeStartingLeavesEarlierFilesAlone) {
  master::PrometheusExporter holder("x", "y");
  ASSERT_TRUE(holder.Serve("127.0.0.1:0").ok());
  const std::string taken = absl::StrCat("127.0.0.1:", holder.endpoint()->port());
  for (const char* name : {"/r.json", "/r.csv", "/s.csv"}) WriteFile(dir_ + name, "earlier\n");
  std::vector<std::string> argv = ShortRun(5, taken);
  for (const std::string& a :
       {std::string("--json-out"), dir_ + "/r.json", std::string("--csv-out"), dir_ + "/r.csv",
        std::string("--csv-stats"), dir_ + "/s.csv"}) {
    argv.push_back(a);
  }
  Subprocess run(argv);
  EXPECT_EQ(run.Wait(seconds(60)), 2) << run.Output();
  EXPECT_NE(run.Output().find("--metrics-bind: cannot listen on " + taken), std::string::npos)
      << run.Output();
  for (const char* name : {"/r.json", "/r.csv", "/s.csv"}) {
    EXPECT_EQ(ReadFile(dir_ + name), "earlier\n") << name;
  }
}

TEST_F(OutputsTest, TwoOutputsOnOneFileAreRefusedBeforeAnythingRuns) {
  std::vector<std::string> argv = ShortRun(5);
  for (const std::string& a :
       {std::string("--json-out"), dir_ + "/same", std::string("--csv-out"), dir_ + "/./same"}) {
    argv.push_back(a);
  }
  Subprocess run(argv);
  EXPECT_EQ(run.Wait(seconds(60)), 2) << run.Output();
  EXPECT_NE(run.Output().find("are the same file"), std::string::npos) << run.Output();
  EXPECT_EQ(ReadFile(dir_ + "/same"), "");
}

}  // namespace
}  // namespace llmload::testing
