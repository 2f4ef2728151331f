#include "master/workload_flags.h"

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "gtest/gtest.h"

namespace llmload::master {
namespace {

absl::StatusOr<WorkloadSpec> Parse(std::vector<std::string> args) {
  CLI::App app;
  WorkloadFlags flags;
  AddWorkloadFlags(app, flags);
  std::reverse(args.begin(), args.end());  // CLI11 takes a reversed vector
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {  // llmload_main prints it and exits 2
    return absl::InvalidArgumentError(e.what());
  }
  return BuildWorkloadSpec(flags);
}

TEST(WorkloadFlagsTest, Defaults) {
  absl::StatusOr<WorkloadSpec> spec = Parse({});
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->api, "openai-chat");
  EXPECT_TRUE(spec->url.empty());       // the run command starts the mock
  EXPECT_EQ(spec->prompts.size(), 8u);  // built-in set
  EXPECT_TRUE(spec->stream);
  EXPECT_EQ(spec->users, 1);
  EXPECT_EQ(spec->run_time, absl::ZeroDuration());
}

TEST(WorkloadFlagsTest, MaxResponseBytesDefaultsTo8MiBAndTakesSuffixes) {
  EXPECT_EQ(Parse({})->max_response_bytes, 8 << 20);
  EXPECT_EQ(Parse({"--max-response-bytes", "512KiB"})->max_response_bytes, 512 << 10);
  EXPECT_EQ(Parse({"--max-response-bytes", "100000"})->max_response_bytes, 100000);
  for (const char* bad : {"0", "-1", "big", "1.5MiB"}) {
    absl::StatusOr<WorkloadSpec> spec = Parse({"--max-response-bytes", bad});
    ASSERT_FALSE(spec.ok()) << bad;
    EXPECT_NE(spec.status().message().find("--max-response-bytes"), absl::string_view::npos);
  }
}

TEST(WorkloadFlagsTest, ParsesLoadShapeAndTarget) {
  absl::StatusOr<WorkloadSpec> spec = Parse({"--url",        "http://127.0.0.1:9/v1",
                                             "--api",        "openai-completions",
                                             "-u",           "50",
                                             "-r",           "5",
                                             "-t",           "1h30m",
                                             "-n",           "1000",
                                             "--model",      "m",
                                             "--max-tokens", "64",
                                             "--param",      "top_p=0.9",
                                             "--header",     "X-A=1",
                                             "--header",     "X-B: two",
                                             "--no-stream",  "--slo",
                                             "ttft=500ms",   "--think-time",
                                             "250ms"});
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->url, "http://127.0.0.1:9/v1/completions");
  EXPECT_EQ(spec->api, "openai-completions");
  EXPECT_EQ(spec->users, 50);
  EXPECT_EQ(spec->spawn_rate, 5);
  EXPECT_EQ(spec->run_time, absl::Minutes(90));
  EXPECT_EQ(spec->max_requests, 1000);
  EXPECT_EQ(spec->max_tokens, 64);
  ASSERT_EQ(spec->params.size(), 1u);
  EXPECT_EQ(spec->params[0].first, "top_p");
  ASSERT_EQ(spec->headers.size(), 2u);
  EXPECT_EQ(spec->headers[1].first, "X-B");
  EXPECT_EQ(spec->headers[1].second, "two");
  EXPECT_FALSE(spec->stream);
  ASSERT_EQ(spec->slos.size(), 1u);
  EXPECT_EQ(spec->slos[0].limit, absl::Milliseconds(500));
  EXPECT_EQ(spec->think_time, absl::Milliseconds(250));
}

TEST(WorkloadFlagsTest, ApiKeyFallsBackToEnvironment) {
  setenv("OPENAI_API_KEY", "sk-test-env", 1);
  absl::StatusOr<WorkloadSpec> spec = Parse({});
  unsetenv("OPENAI_API_KEY");
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->api_key, "sk-test-env");
  absl::StatusOr<WorkloadSpec> flag = Parse({"--api-key", "sk-flag"});
  ASSERT_TRUE(flag.ok());
  EXPECT_EQ(flag->api_key, "sk-flag");
}

TEST(WorkloadFlagsTest, BadValuesNameTheFlag) {
  struct Case {
    std::vector<std::string> args;
    const char* expect;
  } cases[] = {
      {{"-t", "30"}, "--run-time"},
      {{"-t", "soon"}, "--run-time"},
      {{"-u", "0"}, "--users"},
      {{"-r", "0"}, "--spawn-rate"},
      {{"--api", "grpc"}, "--api"},
      {{"--param", "novalue"}, "--param"},
      {{"--slo", "speed=1s"}, "--slo"},
      {{"--stop-timeout", "x"}, "--stop-timeout"},
      {{"--dataset", "/nonexistent/prompts.txt"}, "/nonexistent/prompts.txt"},
      {{"--prompt", "a", "--dataset", "b"}, "--prompt and --dataset"},
      {{"--max-tokens", "0"}, "--max-tokens"},
      {{"-r", "nan"}, "--spawn-rate"},
      {{"-r", "inf"}, "--spawn-rate"},
      {{"--temperature", "nan"}, "--temperature"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<WorkloadSpec> spec = Parse(c.args);
    ASSERT_FALSE(spec.ok()) << c.expect;
    EXPECT_NE(spec.status().message().find(c.expect), absl::string_view::npos)
        << spec.status().message();
  }
}

// Every integer flag is range-checked as typed: CLI11 saturates a number beyond int64 at
// INT64_MAX, which used to reach users_.resize() and abort with std::length_error.
TEST(WorkloadFlagsTest, IntegersOutOfRangeAreRefusedNamingTheFlag) {
  struct Case {
    std::vector<std::string> args;
    const char* expect;
  } cases[] = {
      {{"-u", "99999999999999999999"}, "--users"},
      {{"-u", "-99999999999999999999"}, "--users"},
      {{"-u", "10000001"}, "--users"},
      {{"-u", "-1"}, "--users"},
      {{"-n", "-1"}, "--requests"},
      {{"-n", "99999999999999999999"}, "--requests"},
      {{"--max-tokens", "99999999999"}, "--max-tokens"},
      {{"--max-tokens", "-5"}, "--max-tokens"},
      {{"--min-prompt-chars", "-1"}, "--min-prompt-chars"},
      {{"--max-prompt-chars", "99999999999999999999"}, "--max-prompt-chars"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<WorkloadSpec> spec = Parse(c.args);
    ASSERT_FALSE(spec.ok()) << c.args[0] << " " << c.args[1];
    EXPECT_NE(spec.status().message().find(c.expect), absl::string_view::npos)
        << spec.status().message();
  }
  absl::StatusOr<WorkloadSpec> most = Parse({"-u", "10000000"});
  ASSERT_TRUE(most.ok()) << most.status();
  EXPECT_EQ(most->users, kMaxUsers);
}

TEST(WorkloadFlagsTest, DurationsBeyondAYearAreRefusedForEveryDurationFlag) {
  for (const char* flag :
       {"--think-time", "--stop-timeout", "--connect-timeout", "--request-timeout", "--run-time"}) {
    absl::StatusOr<WorkloadSpec> spec = Parse({flag, "3000000h"});
    ASSERT_FALSE(spec.ok()) << flag;
    EXPECT_NE(spec.status().message().find(flag), absl::string_view::npos)
        << spec.status().message();
  }
  absl::StatusOr<WorkloadSpec> slo = Parse({"--slo", "ttft=3000000h"});
  EXPECT_FALSE(slo.ok());
  absl::StatusOr<WorkloadSpec> year = Parse({"--think-time", "8760h"});
  ASSERT_TRUE(year.ok()) << year.status();
}

// libcurl's millisecond options read 0 as "no limit": 500us used to disable the timeout.
TEST(WorkloadFlagsTest, SubMillisecondTimeoutsAreRefused) {
  for (const char* flag : {"--connect-timeout", "--request-timeout"}) {
    for (const char* value : {"500us", "0s", "999999ns"}) {
      absl::StatusOr<WorkloadSpec> spec = Parse({flag, value});
      ASSERT_FALSE(spec.ok()) << flag << " " << value;
      EXPECT_NE(spec.status().message().find(flag), absl::string_view::npos);
      EXPECT_NE(spec.status().message().find("at least 1ms"), absl::string_view::npos)
          << spec.status().message();
    }
    absl::StatusOr<WorkloadSpec> one = Parse({flag, "1ms"});
    EXPECT_TRUE(one.ok()) << one.status();
  }
}

TEST(WorkloadFlagsTest, HeadersWithControlCharactersOrBadNamesAreRefused) {
  for (const char* header : {"X-A: 1\r\nX-Injected: 2", "X-A=1\nX-Injected: 2", "X-A: a\rb",
                             "X-A: \x01", "X\nB: 1", "X A: 1", "X-A(): 1"}) {
    absl::StatusOr<WorkloadSpec> spec = Parse({"--header", header});
    ASSERT_FALSE(spec.ok()) << header;
    EXPECT_NE(spec.status().message().find("--header"), absl::string_view::npos)
        << spec.status().message();
    // The message escapes what it quotes: no raw CR or LF reaches the terminal.
    EXPECT_EQ(spec.status().message().find_first_of("\r\n"), absl::string_view::npos)
        << spec.status().message();
  }
  absl::StatusOr<WorkloadSpec> tab = Parse({"--header", "X-A: a\tb"});
  EXPECT_TRUE(tab.ok()) << tab.status();
}

TEST(WorkloadFlagsTest, AuthorizationHeaderWithAnApiKeyIsAmbiguous) {
  unsetenv("OPENAI_API_KEY");
  absl::StatusOr<WorkloadSpec> both =
      Parse({"--header", "authorization: Bearer a", "--api-key", "sk-secret-flag"});
  ASSERT_FALSE(both.ok());
  EXPECT_NE(both.status().message().find("--api-key"), absl::string_view::npos);
  EXPECT_EQ(both.status().message().find("sk-secret-flag"), absl::string_view::npos);

  setenv("OPENAI_API_KEY", "sk-secret-env", 1);
  absl::StatusOr<WorkloadSpec> env = Parse({"--header", "AUTHORIZATION=Bearer a"});
  absl::StatusOr<WorkloadSpec> key_only = Parse({});
  unsetenv("OPENAI_API_KEY");
  ASSERT_FALSE(env.ok());
  EXPECT_NE(env.status().message().find("OPENAI_API_KEY"), absl::string_view::npos);
  EXPECT_EQ(env.status().message().find("sk-secret-env"), absl::string_view::npos);
  EXPECT_TRUE(key_only.ok());

  absl::StatusOr<WorkloadSpec> header_only = Parse({"--header", "Authorization: Bearer a"});
  ASSERT_TRUE(header_only.ok()) << header_only.status();
  EXPECT_TRUE(header_only->api_key.empty());
}

TEST(WorkloadFlagsTest, ApiKeyWithAControlCharacterIsRefusedWithoutShowingIt) {
  absl::StatusOr<WorkloadSpec> spec = Parse({"--api-key", "sk-secret\r\nX-Injected: 1"});
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().message().find("sk-secret"), absl::string_view::npos);
}

TEST(WorkloadFlagsTest, UrlWithABadPortIsRefused) {
  absl::StatusOr<WorkloadSpec> spec = Parse({"--url", "http://127.0.0.1:99999"});
  ASSERT_FALSE(spec.ok());
  EXPECT_NE(spec.status().message().find("--url"), absl::string_view::npos);
}

TEST(WorkloadFlagsTest, RateInfNeedsACapAndNothingThatSchedules) {
  absl::StatusOr<WorkloadSpec> spec = Parse({"--rate", "inf", "--max-concurrency", "4"});
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_TRUE(spec->open_loop);
  EXPECT_TRUE(std::isinf(spec->rate));
  EXPECT_EQ(spec->max_concurrency, 4);
  EXPECT_EQ(spec->max_queue, 4);  // kept for the FIFO, which --rate inf never fills
  absl::StatusOr<WorkloadSpec> no_cap = Parse({"--rate", "inf"});
  ASSERT_FALSE(no_cap.ok());
  EXPECT_NE(no_cap.status().message().find("needs --max-concurrency"), std::string::npos);
  for (const std::vector<std::string>& extra : {std::vector<std::string>{"--arrival", "constant"},
                                                std::vector<std::string>{"--max-queue", "2"},
                                                std::vector<std::string>{"--stages", "1s:5"}}) {
    std::vector<std::string> args = {"--rate", "inf", "--max-concurrency", "4"};
    args.insert(args.end(), extra.begin(), extra.end());
    absl::StatusOr<WorkloadSpec> refused = Parse(args);
    ASSERT_FALSE(refused.ok()) << extra[0];
    EXPECT_NE(refused.status().message().find(extra[0] + ": not with --rate inf"),
              std::string::npos)
        << refused.status();
  }
  EXPECT_FALSE(Parse({"--rate", "-inf"}).ok());
  EXPECT_FALSE(Parse({"--rate", "nan"}).ok());
}

TEST(WorkloadFlagsTest, SlosMayBeCommaSeparated) {
  absl::StatusOr<WorkloadSpec> spec = Parse({"--slo", "ttft=500ms,tpot=50ms", "--slo", "e2e=5s"});
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->slos.size(), 3u);
}

}  // namespace
}  // namespace llmload::master
