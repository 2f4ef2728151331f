// `llmload run --api dashscope` and `--api zhipu` against `llmload mock` on loopback: what
// llmload counts equals what the mock served (requests, output tokens), DashScope's
// incremental and cumulative streams and its non-streamed body, Zhipu's JWT verified by the
// mock (a wrong key is counted http_4xx); and the official `openai` npm client on the
// OpenAI-compatible paths of both (tests/clients/openai_compat.mjs), which also signs a Zhipu
// token itself with node's crypto, so llmload's signer is checked against another's.
#include <stdlib.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/zhipu_adapter.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/files.h"
#include "support/mock_process.h"
#include "support/node_client.h"
#include "support/subprocess.h"

namespace llmload::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

constexpr char kZhipuKey[] = "kid42.ksecret42";
constexpr int kRequests = 40;
constexpr int kTokens = 8;

class DashScopeZhipuTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    // The mock verifies Zhipu tokens against this key (mock/dialects/zhipu_dialect.h); the
    // children inherit it.
    ASSERT_EQ(setenv("LLMLOAD_MOCK_ZHIPU_KEY", kZhipuKey, 1), 0);
    mock_ = std::make_unique<MockProcess>(std::vector<std::string>{
        "--ttft", "20ms", "--itl", "2ms", "--output-tokens", std::to_string(kTokens)});
    ASSERT_GT(mock_->port(), 0) << mock_->process().Output();
  }
  void TearDown() override { unsetenv("LLMLOAD_MOCK_ZHIPU_KEY"); }

  // Runs llmload with `args` plus a bounded load; returns the summary JSON.
  json Run(std::vector<std::string> args, bool expect_success = true) {
    const std::string json_path = absl::StrCat(dir_, "/summary", runs_++, ".json");
    std::vector<std::string> argv = {LlmloadBinary(),
                                     "run",
                                     "--url",
                                     mock_->url(),
                                     "-u",
                                     "4",
                                     "-n",
                                     std::to_string(kRequests),
                                     "--request-timeout",
                                     "20s",
                                     "-q",
                                     "--json-out",
                                     json_path};
    argv.insert(argv.end(), args.begin(), args.end());
    Subprocess p(argv);
    const std::optional<int> code = p.Wait(seconds(120));
    if (expect_success) {
      EXPECT_EQ(code, 0) << p.Output();
    }
    json summary = ReadJson(json_path);
    EXPECT_TRUE(summary.is_object()) << p.Output();
    return summary;
  }

  // The run succeeded wholly and counted what the mock served since `before`.
  void ExpectLikeTheMock(const json& summary, const json& before, const std::string& dialect) {
    const json stats = mock_->Stats();
    EXPECT_EQ(summary["requests"]["total"], kRequests);
    EXPECT_EQ(summary["requests"]["succeeded"], kRequests) << summary["requests"].dump();
    EXPECT_EQ(stats["requests_by_dialect"][dialect].get<int>() -
                  before["requests_by_dialect"][dialect].get<int>(),
              kRequests)
        << stats.dump();
    EXPECT_EQ(stats["completed"].get<int>() - before["completed"].get<int>(), kRequests);
    EXPECT_EQ(summary["tokens"]["output_total"],
              stats["tokens_sent"].get<int>() - before["tokens_sent"].get<int>());
    EXPECT_EQ(summary["tokens"]["output_total"], kRequests * kTokens);
    EXPECT_EQ(summary["run"]["token_source"], "usage");
  }

  std::string dir_;
  int runs_ = 0;
  std::unique_ptr<MockProcess> mock_;
};

TEST_F(DashScopeZhipuTest, DashScopeStreamedCumulativeAndWhole) {
  json before = mock_->Stats();
  json summary = Run({"--api", "dashscope", "--model", "qwen-plus", "--api-key", "sk-ds"});
  ExpectLikeTheMock(summary, before, "dashscope");
  // The mock sends its first token 20 ms after the request; loopback adds little, a loaded
  // 2-core machine some more.
  const double ttft_p50 = summary["ttft_s"]["p50"];
  EXPECT_GE(ttft_p50, 0.0195);
  EXPECT_LE(ttft_p50, 0.080);

  before = mock_->Stats();
  summary =
      Run({"--api", "dashscope", "--model", "qwen-plus", "--param", "incremental_output=false"});
  ExpectLikeTheMock(summary, before, "dashscope");

  before = mock_->Stats();
  summary = Run({"--api", "dashscope", "--model", "qwen-plus", "--no-stream"});
  ExpectLikeTheMock(summary, before, "dashscope");
}

TEST_F(DashScopeZhipuTest, ZhipuSignsAJwtTheMockAccepts) {
  const json before = mock_->Stats();
  const json summary = Run({"--api", "zhipu", "--model", "glm-4-flash", "--api-key", kZhipuKey});
  ExpectLikeTheMock(summary, before, "zhipu");
}

TEST_F(DashScopeZhipuTest, AWrongZhipuKeyIsCountedHttp4xx) {
  for (const char* key : {"kid42.wrong-secret", "not-a-jwt-key"}) {
    const json summary = Run({"--api", "zhipu", "--model", "glm-4-flash", "--api-key", key}, false);
    EXPECT_EQ(summary["requests"]["total"], kRequests) << key;
    EXPECT_EQ(summary["requests"]["succeeded"], 0) << key;
    EXPECT_EQ(summary["requests"]["errors"]["http_4xx"], kRequests) << summary.dump();
  }
}

TEST_F(DashScopeZhipuTest, OfficialOpenAiClientOnTheCompatiblePaths) {
  constexpr int64_t kJwtTime = 1700000000000;
  const absl::StatusOr<json> client =
      RunNodeClient("openai_compat.mjs", "openai",
                    {std::to_string(mock_->port()), kZhipuKey, std::to_string(kJwtTime)});
  ASSERT_TRUE(client.ok()) << client.status();
  const json& r = *client;

  // Node's crypto and llmload's signer make the same token, byte for byte.
  EXPECT_EQ(r["jwt_at_time"], ZhipuJwt("kid42", "ksecret42", kJwtTime));

  for (const char* api : {"dashscope", "zhipu"}) {
    SCOPED_TRACE(api);
    const json& s = r[absl::StrCat(api, "_stream")];
    const std::string model = std::string(api) == "zhipu" ? "glm-4-flash" : "qwen-plus";
    EXPECT_EQ(s["roles"], json::array({"assistant"}));
    EXPECT_EQ(s["content_chunks"], kTokens);
    EXPECT_EQ(s["finish_reason"], "stop");
    EXPECT_EQ(s["model"], model);
    EXPECT_EQ(s["object"], "chat.completion.chunk");
    EXPECT_TRUE(s["id"].is_string());
    EXPECT_TRUE(s["created"].is_number_integer());
    EXPECT_EQ(s["usage"]["completion_tokens"], kTokens);
    EXPECT_EQ(s["usage"]["prompt_tokens"], 8);  // ceil(32 bytes / 4)
    EXPECT_EQ(s["usage"]["total_tokens"], 8 + kTokens);
    const json& w = r[api];
    EXPECT_EQ(w["object"], "chat.completion");
    EXPECT_EQ(w["model"], model);
    EXPECT_EQ(w["role"], "assistant");
    EXPECT_TRUE(w["content"].is_string());
    EXPECT_EQ(w["finish_reason"], "length");  // max_tokens 5 < --output-tokens 8
    EXPECT_EQ(w["usage"]["completion_tokens"], 5);
  }
  // Refused tokens: Zhipu's 401 with its codes, as the client reads them.
  EXPECT_EQ(r["zhipu_wrong_secret"]["status"], 401);
  EXPECT_EQ(r["zhipu_wrong_secret"]["code"], "1004");
  EXPECT_EQ(r["zhipu_expired"]["status"], 401);
  EXPECT_EQ(r["zhipu_expired"]["code"], "1003");
  EXPECT_EQ(r["zhipu_not_a_jwt"]["status"], 401);
  EXPECT_EQ(r["zhipu_not_a_jwt"]["code"], "1002");
}

}  // namespace
}  // namespace llmload::testing
