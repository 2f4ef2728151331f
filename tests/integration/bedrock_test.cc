// `llmload run --api bedrock-converse[-stream]` against `llmload mock` speaking Bedrock with
// SigV4 verification on: every request is signed by llmload and checked by the mock, counts
// and tokens agree with the mock's, and a wrong secret is refused (http_4xx). Then the
// official AWS SDK (tests/clients/bedrock.mjs) against the same mock, and the SDK's own signer
// against ours on the same requests. Fake keys only, in the environment of the processes
// started here (never the test's own).
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "api/aws_sigv4_signer.h"
#include "api/sha256.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/files.h"
#include "support/node_client.h"
#include "support/run_tools.h"
#include "support/server_process.h"
#include "support/subprocess.h"

namespace llmload::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

constexpr char kAccessKey[] = "AKIDLLMLOADFAKE";
constexpr char kSecret[] = "fake/secret+for+the+mock";
constexpr char kModel[] = "anthropic.claude-3-haiku-20240307-v1:0";

// `llmload mock` verifying SigV4 for the fake keys (LLMLOAD_MOCK_AWS_KEYS in its environment).
std::unique_ptr<ServerProcess> StartMock(std::vector<std::string> extra = {}) {
  std::vector<std::string> argv = {
      "/usr/bin/env",    absl::StrCat("LLMLOAD_MOCK_AWS_KEYS=", kAccessKey, ":", kSecret),
      LlmloadBinary(),   "mock",
      "--port",          "0",
      "--ttft",          "20ms",
      "--itl",           "2ms",
      "--output-tokens", "16"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return std::make_unique<ServerProcess>(argv,
                                         R"(llmload mock listening on http://[^ ]+:([0-9]+)\n)");
}

// llmload with the fake keys in its environment only.
RunResult RunSigned(const std::string& secret, std::vector<std::string> args) {
  return RunLlmloadWithEnv(
      {"-u", "AWS_SESSION_TOKEN", absl::StrCat("AWS_ACCESS_KEY_ID=", kAccessKey),
       absl::StrCat("AWS_SECRET_ACCESS_KEY=", secret), "AWS_REGION=us-east-1"},
      std::move(args));
}

class BedrockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    mock_ = StartMock();
    ASSERT_GT(mock_->port(), 0) << mock_->process().Output();
  }

  json RunAndRead(const std::string& api, const std::string& secret, int requests) {
    const std::string out = dir_ + "/" + api + ".json";
    RunResult r = RunSigned(secret, {"run", "--api", api, "--url", mock_->url(), "--model", kModel,
                                     "-u", "4", "-r", "100", "-n", std::to_string(requests),
                                     "--max-tokens", "64", "-q", "--json-out", out});
    EXPECT_TRUE(r.exit_code.has_value()) << r.output;
    // The secret never appears in what llmload prints.
    EXPECT_FALSE(absl::StrContains(r.output, secret)) << r.output;
    json summary = json::parse(ReadFile(out), nullptr, false);
    EXPECT_TRUE(summary.is_object()) << r.output;
    return summary;
  }

  std::string dir_;
  std::unique_ptr<ServerProcess> mock_;
};

TEST_F(BedrockTest, StreamedRunIsSignedCountedAndTokensAreTheMocksUsage) {
  const json summary = RunAndRead("bedrock-converse-stream", kSecret, 40);
  const json stats = mock_->GetJson("/mock/stats");
  EXPECT_EQ(summary["requests"]["total"], 40) << summary.dump();
  EXPECT_EQ(summary["requests"]["succeeded"], 40) << summary["requests"].dump();
  EXPECT_EQ(stats["completed"], 40) << stats.dump();
  EXPECT_EQ(stats["requests_by_dialect"]["bedrock"], 40) << stats.dump();
  EXPECT_EQ(summary["tokens"]["output_total"], 40 * 16);
  EXPECT_EQ(summary["run"]["token_source"], "usage");
  // Every response reported metrics.latencyMs, at least the mock's 20 ms before the first token.
  EXPECT_EQ(summary["server_total_s"]["count"], 40) << summary["server_total_s"].dump();
  EXPECT_GE(summary["server_total_s"]["min"].get<double>(), 0.019);
  // TTFT is measured by the client: at least the mock's 20 ms.
  EXPECT_GE(summary["ttft_s"]["min"].get<double>(), 0.0195);
}

TEST_F(BedrockTest, NonStreamedRunIsSignedCountedAndTokensAreTheMocksUsage) {
  const json summary = RunAndRead("bedrock-converse", kSecret, 20);
  const json stats = mock_->GetJson("/mock/stats");
  EXPECT_EQ(summary["requests"]["succeeded"], 20) << summary["requests"].dump();
  EXPECT_EQ(stats["completed"], 20) << stats.dump();
  EXPECT_EQ(stats["requests_by_dialect"]["bedrock"], 20) << stats.dump();
  EXPECT_EQ(summary["tokens"]["output_total"], 20 * 16);
  EXPECT_EQ(summary["server_total_s"]["count"], 20);
}

TEST_F(BedrockTest, WrongSecretIsRefusedByTheSignatureCheck) {
  const json summary = RunAndRead("bedrock-converse-stream", "not-the-secret", 10);
  EXPECT_EQ(summary["requests"]["succeeded"], 0) << summary["requests"].dump();
  EXPECT_EQ(summary["requests"]["errors"]["http_4xx"], 10) << summary["requests"].dump();
  EXPECT_EQ(mock_->GetJson("/mock/stats")["completed"], 0);
}

TEST_F(BedrockTest, ThrottlingIsHttp429) {
  mock_ = StartMock({"--error-rate", "1", "--error-status", "429"});
  ASSERT_GT(mock_->port(), 0) << mock_->process().Output();
  const json summary = RunAndRead("bedrock-converse-stream", kSecret, 8);
  EXPECT_EQ(summary["requests"]["errors"]["http_429"], 8) << summary["requests"].dump();
  EXPECT_EQ(mock_->GetJson("/mock/stats")["errors_injected"], 8);
}

// The official AWS SDK's clients (tests/clients, run under node) against the same mock.
using BedrockNodeTest = BedrockTest;

TEST_F(BedrockNodeTest, OfficialSdkConverseAndConverseStreamAgainstTheMock) {
  const absl::StatusOr<json> client =
      RunNodeClient("bedrock.mjs", "@aws-sdk/client-bedrock-runtime",
                    {std::to_string(mock_->port()), kAccessKey, kSecret, kModel});
  ASSERT_TRUE(client.ok()) << client.status();
  const json& r = *client;

  const json& full = r["converse"];
  EXPECT_EQ(full["http_status"], 200);
  EXPECT_EQ(full["role"], "assistant");
  EXPECT_FALSE(full["text"].get<std::string>().empty());
  EXPECT_EQ(full["stop_reason"], "max_tokens");  // maxTokens 12 < --output-tokens 16
  EXPECT_EQ(full["usage"]["outputTokens"], 12);
  EXPECT_EQ(full["usage"]["inputTokens"], 6);  // ceil(22 bytes / 4)
  EXPECT_EQ(full["usage"]["totalTokens"], 18);
  EXPECT_GE(full["latency_ms"].get<int>(), 20);

  const json& s = r["converse_stream"];
  EXPECT_EQ(s["role"], "assistant");
  EXPECT_EQ(s["deltas"], 12);
  EXPECT_EQ(s["stop_reason"], "max_tokens");
  EXPECT_EQ(s["usage"]["outputTokens"], 12);
  EXPECT_EQ(s["usage"]["inputTokens"], 6);
  EXPECT_GE(s["latency_ms"].get<int>(), 20);
  EXPECT_EQ(s["events"].front(), "messageStart");
  EXPECT_EQ(s["events"].back(), "metadata");
  // The SDK decoded every escaped token (quotes, backslashes, tabs, emoji) of every frame.
  EXPECT_FALSE(s["text"].get<std::string>().empty());

  EXPECT_EQ(r["wrong_secret"]["http_status"], 403) << r["wrong_secret"].dump();
  EXPECT_EQ(r["wrong_secret"]["name"], "InvalidSignatureException");
  EXPECT_TRUE(absl::StrContains(r["wrong_secret"]["message"].get<std::string>(),
                                "signature we calculated does not match"));
}

// The issue's demand: our signer and the SDK's give the same signature for the same request.
TEST_F(BedrockNodeTest, SdkSignerGivesOurSignature) {
  const int64_t seconds_now = 1764547200;  // 2025-12-01T00:00:00Z
  for (const std::string token : {"", "FAKE-SESSION-TOKEN"}) {
    for (const std::string path : {"/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse",
                                   "/model/amazon.nova-lite-v1%3A0/converse-stream"}) {
      const std::string body = R"({"messages":[{"role":"user","content":[{"text":"hi"}]}]})";
      std::vector<std::string> args = {"127.0.0.1:8080", path,   body, std::to_string(seconds_now),
                                       kAccessKey,       kSecret};
      if (!token.empty()) args.push_back(token);
      const absl::StatusOr<std::vector<std::string>> argv =
          NodeClientArgv("sigv4_sign.mjs", "@smithy/signature-v4", args);
      ASSERT_TRUE(argv.ok()) << argv.status();
      Subprocess sdk(*argv);
      ASSERT_EQ(sdk.Wait(seconds(60)), 0) << sdk.Output();
      AwsSigV4Signer ours({kAccessKey, kSecret, token}, "us-east-1", "bedrock");
      std::vector<std::string> lines;
      ours.Sign(seconds_now * 1'000'000'000, "POST", "127.0.0.1:8080", path, Sha256Hex(body),
                &lines);
      ASSERT_FALSE(lines.empty());
      EXPECT_EQ(absl::StrCat("Authorization: ", absl::StripAsciiWhitespace(sdk.Output())),
                lines.back())
          << path << " token=" << token;
    }
  }
}

}  // namespace
}  // namespace llmload::testing
