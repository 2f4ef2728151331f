// `llmload run --api qianfan` against `llmload mock`, in each of its three modes: v1 with
// bce-auth-v1 signatures (the mock verifies them with the keys in its environment), v1 with an
// OAuth access token (issued by the mock's /oauth/2.0/token), and v2 (OpenAI-compatible).
// The request count equals the mock's, output tokens equal its usage, and wrong credentials
// are counted as the failures they are.
#include <stdlib.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
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

constexpr int kRequests = 30;
constexpr int kTokens = 8;

// The mock reads the keys it verifies from its environment: set for its start only.
class ScopedEnv {
 public:
  explicit ScopedEnv(std::vector<std::pair<std::string, std::string>> vars)
      : vars_(std::move(vars)) {
    for (const auto& [name, value] : vars_) setenv(name.c_str(), value.c_str(), 1);
  }
  ~ScopedEnv() {
    for (const auto& [name, value] : vars_) unsetenv(name.c_str());
  }

 private:
  std::vector<std::pair<std::string, std::string>> vars_;
};

struct QianfanRun : RunResult {
  json summary;  // the JSON summary it wrote
};

// `llmload run --api qianfan` with `env` as its only Qianfan variables.
QianfanRun RunQianfan(const MockProcess& mock, std::vector<std::string> env,
                      std::vector<std::string> args, const std::string& dir) {
  const std::string json_path = dir + "/summary.json";
  env.insert(env.begin(), {"-u", "QIANFAN_API_KEY", "-u", "QIANFAN_ACCESS_KEY", "-u",
                           "QIANFAN_SECRET_KEY", "-u", "QIANFAN_AK", "-u", "QIANFAN_SK"});
  std::vector<std::string> argv =
      absl::StrSplit("run --api qianfan --model ernie-3.5-8k -u 4 -r 100 -q", ' ');
  argv.insert(argv.end(),
              {"--url", mock.url(), "-n", std::to_string(kRequests), "--json-out", json_path});
  argv.insert(argv.end(), args.begin(), args.end());
  QianfanRun r{RunLlmloadWithEnv(std::move(env), std::move(argv), seconds(60)), json()};
  // 1: the run ran and some requests failed; the summary is written either way.
  if (r.exit_code == 0 || r.exit_code == 1) r.summary = ReadJson(json_path);
  return r;
}

std::vector<std::string> MockArgs() {
  return {"--ttft", "2ms", "--itl", "1ms", "--output-tokens", std::to_string(kTokens)};
}

void ExpectAllSucceeded(const QianfanRun& r, const json& stats, const char* dialect) {
  ASSERT_TRUE(r.summary.is_object()) << r.output;
  EXPECT_EQ(r.summary["requests"]["total"], kRequests) << r.summary.dump();
  EXPECT_EQ(r.summary["requests"]["succeeded"], kRequests) << r.summary.dump();
  EXPECT_EQ(stats["requests_by_dialect"][dialect], kRequests) << stats.dump();
  EXPECT_EQ(stats["completed"], kRequests) << stats.dump();
  EXPECT_EQ(r.summary["tokens"]["output_total"], kRequests * kTokens);
  EXPECT_EQ(r.summary["tokens"]["output_total"], stats["tokens_sent"]);
  EXPECT_EQ(r.summary["run"]["token_source"], "usage");
}

class QianfanTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir(); }
  std::string dir_;
};

TEST_F(QianfanTest, BceSignedV1StreamedAndNot) {
  ScopedEnv keys({{"QIANFAN_ACCESS_KEY", "mock-ak"}, {"QIANFAN_SECRET_KEY", "mock-sk"}});
  MockProcess mock(MockArgs());
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::vector<std::string> env = {"QIANFAN_ACCESS_KEY=mock-ak", "QIANFAN_SECRET_KEY=mock-sk"};
  QianfanRun r = RunQianfan(mock, env, {}, dir_);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ExpectAllSucceeded(r, mock.Stats(), "qianfan");
  EXPECT_FALSE(absl::StrContains(r.output, "mock-sk"));

  MockProcess completions(MockArgs());
  r = RunQianfan(completions, env, {"--model-type", "completion", "--no-stream"}, dir_);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ExpectAllSucceeded(r, completions.Stats(), "qianfan");

  // A wrong secret key: every request is refused with 401 and counted http_4xx.
  MockProcess strict(MockArgs());
  r = RunQianfan(strict, {"QIANFAN_ACCESS_KEY=mock-ak", "QIANFAN_SECRET_KEY=wrong"}, {}, dir_);
  ASSERT_TRUE(r.summary.is_object()) << r.output;
  EXPECT_EQ(r.summary["requests"]["errors"]["http_4xx"], kRequests) << r.summary.dump();
  EXPECT_EQ(strict.Stats()["bad_requests"], kRequests);
}

TEST_F(QianfanTest, OAuthTokenV1) {
  ScopedEnv keys({{"QIANFAN_AK", "oauth-ak"}, {"QIANFAN_SK", "oauth-sk"}});
  MockProcess mock(MockArgs());
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  QianfanRun r = RunQianfan(mock, {"QIANFAN_AK=oauth-ak", "QIANFAN_SK=oauth-sk"}, {}, dir_);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json stats = mock.Stats();
  ASSERT_TRUE(r.summary.is_object()) << r.output;
  EXPECT_EQ(r.summary["requests"]["succeeded"], kRequests) << r.summary.dump();
  // The token request is the dialect's too: one, before the run.
  EXPECT_EQ(stats["requests_by_dialect"]["qianfan"], kRequests + 1) << stats.dump();
  EXPECT_EQ(stats["completed"], kRequests);
  EXPECT_EQ(r.summary["tokens"]["output_total"], stats["tokens_sent"]);

  // A wrong secret: the token is refused before the run, which does not start.
  r = RunQianfan(mock, {"QIANFAN_AK=oauth-ak", "QIANFAN_SK=wrong"}, {}, dir_);
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_TRUE(absl::StrContains(r.output, "Client authentication failed")) << r.output;
  EXPECT_FALSE(absl::StrContains(r.output, "wrong")) << r.output;
  EXPECT_EQ(mock.Stats()["completed"], kRequests);
}

TEST_F(QianfanTest, V2WithTheApiKeyAndInjectedRateLimitsOnV1) {
  ScopedEnv keys({{"QIANFAN_API_KEY", "v2-key"}, {"QIANFAN_AK", ""}});
  MockProcess mock(MockArgs());
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  QianfanRun r = RunQianfan(mock, {"QIANFAN_API_KEY=v2-key"}, {}, dir_);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ExpectAllSucceeded(r, mock.Stats(), "qianfan-v2");

  // Qianfan's rate limit (error 336501 with status 200) counts as http_429.
  std::vector<std::string> args = MockArgs();
  args.insert(args.end(), {"--error-rate", "1", "--error-status", "429"});
  MockProcess limited(args);
  r = RunQianfan(limited, {"QIANFAN_ACCESS_KEY=a", "QIANFAN_SECRET_KEY=s"}, {}, dir_);
  ASSERT_TRUE(r.summary.is_object()) << r.output;
  EXPECT_EQ(r.summary["requests"]["errors"]["http_429"], kRequests) << r.summary.dump();
  EXPECT_EQ(limited.Stats()["errors_injected"], kRequests);
}

}  // namespace
}  // namespace llmload::testing
