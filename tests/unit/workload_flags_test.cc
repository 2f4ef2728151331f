#include "master/workload_flags.h"

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
  app.parse(args);
  return BuildWorkloadSpec(flags);
}

TEST(WorkloadFlagsTest, Defaults) {
  absl::StatusOr<WorkloadSpec> spec = Parse({});
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->api, OpenAiApi::kChat);
  EXPECT_TRUE(spec->url.empty());       // the run command starts the mock
  EXPECT_EQ(spec->prompts.size(), 8u);  // built-in set
  EXPECT_TRUE(spec->stream);
  EXPECT_EQ(spec->users, 1);
  EXPECT_EQ(spec->run_time, absl::ZeroDuration());
}

TEST(WorkloadFlagsTest, MaxResponseBytesDefaultsTo16MiBAndTakesSuffixes) {
  EXPECT_EQ(Parse({})->max_response_bytes, 16 << 20);
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
  EXPECT_EQ(spec->api, OpenAiApi::kCompletions);
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
  };
  for (const Case& c : cases) {
    absl::StatusOr<WorkloadSpec> spec = Parse(c.args);
    ASSERT_FALSE(spec.ok()) << c.expect;
    EXPECT_NE(spec.status().message().find(c.expect), absl::string_view::npos)
        << spec.status().message();
  }
}

}  // namespace
}  // namespace llmload::master
