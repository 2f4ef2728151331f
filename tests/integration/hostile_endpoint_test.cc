// `llmload run` against a hostile or broken endpoint (tests/support/hostile_server.mjs): every
// fault lands in its own error class, no bad count reaches the totals, llmload's memory stays
// bounded however much the server sends, server text cannot drive the terminal, and a hung
// model lookup still honours Ctrl-C.
#include <signal.h>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/files.h"
#include "support/hostile_server.h"
#include "support/proc_status.h"
#include "support/subprocess.h"

namespace llmload::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

struct RunResult {
  std::optional<int> exit_code;
  std::string output;
  json summary;
  int64_t peak_rss_kib = 0;        // the last VmHWM read while it ran (VmHWM only grows)
  int64_t peak_rss_at_1s_kib = 0;  // VmHWM a second into the run
};

class HostileEndpointTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new HostileServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    ASSERT_GT(server_->port(), 0) << server_->process().Output();
    dir_ = MakeTempDir();
  }

  // `llmload run --url <behaviour> -q --json-out ... <args>`, watching its memory.
  RunResult Run(const std::string& behaviour, std::vector<std::string> args,
                seconds timeout = seconds(60)) {
    const std::string json_path = absl::StrCat(dir_, "/", runs_++, ".json");
    std::vector<std::string> argv = {LlmloadBinary(),
                                     "run",
                                     "--url",
                                     server_->endpoint(behaviour),
                                     "-q",
                                     "--json-out",
                                     json_path,
                                     "--metrics-bind",
                                     "off"};
    argv.insert(argv.end(), args.begin(), args.end());
    Subprocess p(argv);
    RunResult r;
    const auto start = std::chrono::steady_clock::now();
    while (p.Running() && std::chrono::steady_clock::now() < start + timeout) {
      if (const int64_t kib = PeakRssKiB(p.pid()); kib > 0) {
        r.peak_rss_kib = kib;
        if (std::chrono::steady_clock::now() < start + seconds(1)) r.peak_rss_at_1s_kib = kib;
      }
      std::this_thread::sleep_for(milliseconds(50));
    }
    r.exit_code = p.Wait(seconds(1));
    r.output = p.Output();
    r.summary = ReadJson(json_path);
    return r;
  }

  // The counts must add up and no total may be absurd, whatever the server said.
  static void ExpectSaneTotals(const json& s) {
    ASSERT_TRUE(s.is_object());
    uint64_t errors = 0;
    for (const auto& [name, n] : s["requests"]["errors"].items()) errors += n.get<uint64_t>();
    EXPECT_EQ(s["requests"]["failed"].get<uint64_t>(), errors) << s.dump();
    EXPECT_EQ(s["requests"]["total"].get<uint64_t>(),
              s["requests"]["succeeded"].get<uint64_t>() + errors);
    const uint64_t succeeded = s["requests"]["succeeded"];
    EXPECT_LE(s["tokens"]["output_total"].get<uint64_t>(), succeeded * 1'000'000'000ull);
    EXPECT_LE(s["tokens"]["input_total"].get<uint64_t>(), succeeded * 1'000'000'000ull);
  }

  static uint64_t Errors(const RunResult& r, const std::string& error_class) {
    return r.summary["requests"]["errors"].value(error_class, uint64_t{0});
  }

  static HostileServer* server_;
  std::string dir_;
  int runs_ = 0;
};

HostileServer* HostileEndpointTest::server_ = nullptr;

TEST_F(HostileEndpointTest, AWellBehavedReplyIsASuccessWithItsUsage) {
  // The control case: the same server, the same checks, nothing wrong.
  for (const char* stream : {"--stream", "--no-stream"}) {
    RunResult r = Run("ok", {"--model", "m", "-n", "3", stream});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    ExpectSaneTotals(r.summary);
    EXPECT_EQ(r.summary["requests"]["succeeded"], 3) << r.summary.dump();
    EXPECT_EQ(r.summary["tokens"]["output_total"], 24);
    EXPECT_EQ(r.summary["run"]["token_source"], "usage");
  }
}

TEST_F(HostileEndpointTest, HugeBodiesAreCutAtTheCapAndTheirConnectionsDropped) {
  const uint64_t connections_before = server_->Stats().value("connections", uint64_t{0});
  // 10 users, 200 MB bodies with a Content-Length: refused at their first byte.
  RunResult r = Run("huge-body/200000000",
                    {"--model", "m", "--no-stream", "-u", "10", "-r", "100", "-n", "20"});
  EXPECT_EQ(r.exit_code, 1) << r.output;  // every request failed
  ExpectSaneTotals(r.summary);
  EXPECT_EQ(Errors(r, "response_too_large"), 20) << r.summary.dump();
  EXPECT_LT(r.peak_rss_kib, 150 * 1024) << "VmHWM " << r.peak_rss_kib << " KiB";
  // A refused body's connection is closed, never reused: one connection per request (the
  // /stats GETs add their own).
  const uint64_t connections = server_->Stats().value("connections", uint64_t{0});
  EXPECT_GE(connections - connections_before, 20u);

  // Without a Content-Length the body is read up to the cap, and no further.
  RunResult chunked =
      Run("huge-body-chunked/100000000", {"--model", "m", "--no-stream", "-u", "4", "-r", "100",
                                          "-n", "8", "--max-response-bytes", "2MiB"});
  ExpectSaneTotals(chunked.summary);
  EXPECT_EQ(Errors(chunked, "response_too_large"), 8) << chunked.summary.dump();
  // Four users keeping 100 MB each would need 400 MB.
  EXPECT_LT(chunked.peak_rss_kib, 100 * 1024) << "VmHWM " << chunked.peak_rss_kib << " KiB";
}

TEST_F(HostileEndpointTest, AStreamEventOverTheCapIsTooLarge) {
  RunResult r = Run("huge-event", {"--model", "m", "-u", "2", "-r", "100", "-n", "4",
                                   "--max-response-bytes", "1MiB"});
  ExpectSaneTotals(r.summary);
  EXPECT_EQ(Errors(r, "response_too_large"), 4) << r.summary.dump();
  EXPECT_EQ(Errors(r, "malformed_stream"), 0);
}

TEST_F(HostileEndpointTest, AnEndlessErrorBodyKeepsItsStatusAndEndsAtTheCap) {
  // Without the cap each request would run to its 60 s timeout.
  RunResult r =
      Run("huge-error",
          {"--model", "m", "-n", "2", "--request-timeout", "60s", "--max-response-bytes", "1MiB"},
          seconds(30));
  ASSERT_TRUE(r.exit_code.has_value()) << "still running after 30 s";
  ExpectSaneTotals(r.summary);
  EXPECT_EQ(Errors(r, "http_5xx"), 2) << r.summary.dump();
}

TEST_F(HostileEndpointTest, AnEndlessStreamOfTinyChunksDoesNotGrowMemory) {
  // Before ITL gaps were bounded, this grew all the while: 90 MB after 3 s on a loaded 2-core
  // box, 140 MB after 10 s (and 290 MB after 8 s on a faster one). llmload itself takes about
  // 33 MB; bounded, the 10 users add a few MB once and then nothing.
  RunResult r =
      Run("endless", {"--model", "m", "-u", "10", "-r", "100", "-t", "4s", "--stop-timeout", "0s"});
  ASSERT_TRUE(r.summary.is_object()) << r.output;
  EXPECT_EQ(r.summary["requests"]["cancelled"], 10) << r.summary.dump();
  EXPECT_LT(r.peak_rss_kib, 60 * 1024) << "VmHWM " << r.peak_rss_kib << " KiB";
  EXPECT_LT(r.peak_rss_kib - r.peak_rss_at_1s_kib, 16 * 1024)
      << "VmHWM grew from " << r.peak_rss_at_1s_kib << " to " << r.peak_rss_kib << " KiB";

  // --request-timeout ends such a request, as a timeout.
  RunResult timed = Run(
      "endless", {"--model", "m", "-u", "2", "-r", "100", "-n", "2", "--request-timeout", "1s"});
  ExpectSaneTotals(timed.summary);
  EXPECT_EQ(Errors(timed, "timeout"), 2) << timed.summary.dump();
}

TEST_F(HostileEndpointTest, BadUsageIsNeverSummed) {
  for (const char* behaviour : {"usage-negative", "usage-huge", "usage-float", "usage-string",
                                "usage-bool", "usage-more-than-bytes"}) {
    for (const char* stream : {"--stream", "--no-stream"}) {
      SCOPED_TRACE(absl::StrCat(behaviour, " ", stream));
      RunResult r = Run(behaviour, {"--model", "m", "-n", "3", stream});
      EXPECT_EQ(r.exit_code, 1) << r.output;
      ExpectSaneTotals(r.summary);
      EXPECT_EQ(Errors(r, "malformed_usage"), 3) << r.summary.dump();
      EXPECT_EQ(r.summary["tokens"]["output_total"], 0);
      EXPECT_EQ(r.summary["tokens"]["input_total"], 0);
    }
  }
}

TEST_F(HostileEndpointTest, HeadersThatDoNotFitTheRequestHaveTheirOwnClasses) {
  RunResult type = Run("wrong-content-type", {"--model", "m", "-n", "3"});
  ExpectSaneTotals(type.summary);
  EXPECT_EQ(Errors(type, "unexpected_content_type"), 3) << type.summary.dump();

  // No Content-Type at all is let through (documented): the body is parsed as SSE.
  RunResult none = Run("no-content-type", {"--model", "m", "-n", "3"});
  EXPECT_EQ(none.summary["requests"]["succeeded"], 3) << none.summary.dump();

  for (const char* stream : {"--stream", "--no-stream"}) {
    SCOPED_TRACE(stream);
    RunResult gzip = Run("gzip", {"--model", "m", "-n", "3", stream});
    ExpectSaneTotals(gzip.summary);
    EXPECT_EQ(Errors(gzip, "unexpected_encoding"), 3) << gzip.summary.dump();
  }
}

TEST_F(HostileEndpointTest, AResetMidStreamIsAResetAndACleanCloseATruncation) {
  RunResult reset = Run("reset-mid-stream", {"--model", "m", "-n", "3"});
  ExpectSaneTotals(reset.summary);
  EXPECT_EQ(Errors(reset, "reset"), 3) << reset.summary.dump();
  EXPECT_EQ(Errors(reset, "truncated_stream"), 0);

  RunResult closed = Run("close-mid-stream", {"--model", "m", "-n", "3"});
  ExpectSaneTotals(closed.summary);
  EXPECT_EQ(Errors(closed, "truncated_stream"), 3) << closed.summary.dump();
}

TEST_F(HostileEndpointTest, RateLimitedRepliesAreCounted) {
  RunResult r = Run("429-retry-after", {"--model", "m", "-u", "3", "-r", "100", "-n", "3"});
  ExpectSaneTotals(r.summary);
  EXPECT_EQ(Errors(r, "http_429"), 3) << r.summary.dump();
}

// The server answers 429 with Retry-After: 2. Two users for 3 s may each send at 0 s and 2 s.
TEST_F(HostileEndpointTest, ARateLimitedUserWaitsForRetryAfter) {
  RunResult r =
      Run("429-retry-after", {"--model", "m", "-u", "2", "-r", "100", "-t", "3s"}, seconds(60));
  ExpectSaneTotals(r.summary);
  EXPECT_GE(Errors(r, "http_429"), 2) << r.summary.dump();
  EXPECT_LE(Errors(r, "http_429"), 4) << r.summary.dump();

  // Told not to, users hammer it (thousands of requests a second on loopback).
  RunResult hammer = Run("429-retry-after", {"--model", "m", "-u", "2", "-r", "100", "-t", "1s",
                                             "--no-respect-retry-after"});
  ExpectSaneTotals(hammer.summary);
  EXPECT_GT(Errors(hammer, "http_429"), 20) << hammer.summary.dump();
}

// A retry waits for Retry-After too, and the request ends in its last attempt's class.
TEST_F(HostileEndpointTest, ARetryWaitsForRetryAfterAndCountsEachAttempt) {
  RunResult r = Run("429-retry-after", {"--model", "m", "-u", "1", "-n", "1", "--retries", "1",
                                        "--retry-backoff", "1ms", "--retry-backoff-max", "1ms"});
  ExpectSaneTotals(r.summary);
  EXPECT_EQ(Errors(r, "http_429"), 1) << r.summary.dump();
  EXPECT_EQ(r.summary["requests"]["attempts"], 2);
  EXPECT_EQ(r.summary["requests"]["retries"]["http_429"], 1);
  // The retry was sent no sooner than the 2 s the server asked for (a lower bound only).
  EXPECT_GE(r.summary["run"]["duration_s"].get<double>(), 1.9) << r.summary.dump();
}

TEST_F(HostileEndpointTest, AServerModelIdCannotDriveTheTerminal) {
  RunResult r = Run("control-chars", {"-n", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // Requests name the model as the server spelled it; only what is printed is cleaned.
  EXPECT_EQ(r.summary["run"]["model"],
            "evil\x1b[2J\x1b]0;pwned\x07\r\nmodel\xc2\x9b"
            "31m");
  EXPECT_EQ(r.output.find('\x1b'), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find('\x07'), std::string::npos);
  EXPECT_EQ(r.output.find('\r'), std::string::npos);
  EXPECT_EQ(r.output.find("\xc2\x9b"), std::string::npos);
  EXPECT_NE(r.output.find("model evil[2J]0;pwned  model31m"), std::string::npos) << r.output;
}

TEST_F(HostileEndpointTest, AHungModelLookupHonoursCtrlC) {
  const std::string json_path = dir_ + "/hang.json";
  Subprocess p({LlmloadBinary(), "run", "--url", server_->endpoint("hang-models"), "-q", "-n", "1",
                "--json-out", json_path});
  ASSERT_TRUE(server_->process()
                  .WaitForOutput("request GET /hang-models/v1/models", seconds(20))
                  .has_value())
      << p.Output();
  p.Signal(SIGINT);
  const std::optional<int> code = p.Wait(seconds(10));
  ASSERT_TRUE(code.has_value()) << "the lookup ignored SIGINT: " << p.Output();
  EXPECT_EQ(*code, 130) << p.Output();
  EXPECT_NE(p.Output().find("interrupted (signal 2) during GET"), std::string::npos)
      << p.Output();
}

TEST_F(HostileEndpointTest, AHugeModelListIsAClearError) {
  Subprocess p(
      {LlmloadBinary(), "run", "--url", server_->endpoint("huge-models"), "-q", "-n", "1"});
  const std::optional<int> code = p.Wait(seconds(30));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 2) << p.Output();
  EXPECT_NE(p.Output().find("answered with more than 1 MiB"), std::string::npos) << p.Output();
}

TEST_F(HostileEndpointTest, ABadMaxResponseBytesIsRefused) {
  for (const char* value : {"0", "-1", "lots", "1.5MiB", "16MB"}) {
    Subprocess p({LlmloadBinary(), "run", "--url", server_->endpoint("ok"), "--model", "m", "-n",
                  "1", "--max-response-bytes", value});
    const std::optional<int> code = p.Wait(seconds(30));
    EXPECT_EQ(code, 2) << value << ": " << p.Output();
    EXPECT_NE(p.Output().find("--max-response-bytes"), std::string::npos) << p.Output();
  }
}

}  // namespace
}  // namespace llmload::testing
