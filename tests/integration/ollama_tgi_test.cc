// `llmload run --api ollama-chat|ollama-generate|tgi` against `llmload mock`, which speaks
// both APIs on their own paths: every request is counted once by both sides, the output
// tokens are the server's counts, TTFT is never below the mock's own wait, and Ollama's
// durations come back as server timings. Then the official `ollama` npm client against the
// mock (tests/clients/ollama.mjs), so the dialect is checked by code none of us wrote.
#include <chrono>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
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

constexpr int kRequests = 30;
constexpr int kOutputTokens = 12;

struct Case {
  const char* api;
  bool stream;
  const char* dialect;  // the key in /mock/stats requests_by_dialect
  bool server_timings;  // the API reports its own timings
};

class OllamaTgiRunTest : public ::testing::TestWithParam<Case> {};

TEST_P(OllamaTgiRunTest, CountsAndTokensAreTheServers) {
  const Case& c = GetParam();
  MockProcess mock(
      {"--ttft", "20ms", "--itl", "2ms", "--output-tokens", std::to_string(kOutputTokens)});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string json_path = MakeTempDir() + "/summary.json";
  std::vector<std::string> argv = {LlmloadBinary(),
                                   "run",
                                   "--api",
                                   c.api,
                                   "--url",
                                   mock.url(),
                                   "--model",
                                   "m",
                                   "-u",
                                   "3",
                                   "-r",
                                   "100",
                                   "-n",
                                   std::to_string(kRequests),
                                   "-q",
                                   "--json-out",
                                   json_path};
  if (!c.stream) argv.push_back("--no-stream");
  Subprocess run(argv);
  ASSERT_EQ(run.Wait(seconds(120)), 0) << run.Output();

  const json summary = ReadJson(json_path);
  ASSERT_TRUE(summary.is_object()) << ReadFile(json_path);
  const json stats = mock.Stats();
  EXPECT_EQ(summary["requests"]["total"], kRequests);
  EXPECT_EQ(summary["requests"]["succeeded"], kRequests) << summary["requests"].dump();
  EXPECT_EQ(stats["requests_by_dialect"][c.dialect], kRequests) << stats.dump();
  EXPECT_EQ(stats["completed"], kRequests) << stats.dump();
  EXPECT_EQ(stats["streamed"], c.stream ? kRequests : 0) << stats.dump();
  EXPECT_EQ(summary["tokens"]["output_total"], kRequests * kOutputTokens);
  EXPECT_EQ(summary["run"]["token_source"], "usage");

  // The mock waits 20 ms before the first token: a TTFT below that was measured wrong. The
  // upper bound only catches a decoder that misses the first token by whole ITLs.
  const double ttft_p50 = summary["ttft_s"]["p50"];
  EXPECT_GE(ttft_p50, 0.0195);
  EXPECT_LE(ttft_p50, 0.5);

  if (c.server_timings) {
    ASSERT_FALSE(summary["server_total_s"]["mean"].is_null()) << summary.dump();
    const double server_total = summary["server_total_s"]["mean"];
    const double latency = summary["latency_s"]["mean"];
    EXPECT_GT(server_total, 0.019);    // at least the mock's TTFT
    EXPECT_LE(server_total, latency);  // the server's share of what the client waited
    ASSERT_FALSE(summary["server_prompt_mean_s"].is_null());
    EXPECT_GE(summary["server_prompt_mean_s"].get<double>(), 0.0195);  // the mock's TTFT
    ASSERT_FALSE(summary["server_decode_mean_s"].is_null());
    EXPECT_GE(summary["server_decode_mean_s"].get<double>(), 0.0);
  } else {
    EXPECT_TRUE(summary["server_total_s"]["mean"].is_null()) << summary.dump();
  }
}

INSTANTIATE_TEST_SUITE_P(Apis, OllamaTgiRunTest,
                         ::testing::Values(Case{"ollama-chat", true, "ollama", true},
                                           Case{"ollama-chat", false, "ollama", true},
                                           Case{"ollama-generate", true, "ollama", true},
                                           Case{"ollama-generate", false, "ollama", true},
                                           Case{"tgi", true, "tgi", false},
                                           Case{"tgi", false, "tgi", false}),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           std::string name = absl::StrCat(info.param.api,
                                                           info.param.stream ? "_stream" : "_body");
                           for (char& ch : name) {
                             if (ch == '-') ch = '_';
                           }
                           return name;
                         });

TEST(OllamaTgiErrorsTest, InjectedOverloadIsHttp429ForTgi) {
  MockProcess mock({"--ttft", "1ms", "--itl", "1ms", "--output-tokens", "4", "--error-rate", "1",
                    "--error-status", "429"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string json_path = MakeTempDir() + "/summary.json";
  Subprocess run({LlmloadBinary(), "run", "--api", "tgi", "--url", mock.url(), "--model", "m", "-u",
                  "2", "-n", "10", "-q", "--json-out", json_path});
  EXPECT_EQ(run.Wait(seconds(120)), 1) << run.Output();  // every request failed
  const json summary = ReadJson(json_path);
  EXPECT_EQ(summary["requests"]["errors"]["http_429"], 10) << summary.dump();
  EXPECT_EQ(mock.Stats()["errors_injected"], 10);
}

TEST(OllamaClientTest, OfficialOllamaNodeClientParsesEveryField) {
  MockProcess mock({"--ttft", "5ms", "--itl", "1ms", "--output-tokens", "16"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const absl::StatusOr<json> client =
      RunNodeClient("ollama.mjs", "ollama", {std::to_string(mock.port())});
  ASSERT_TRUE(client.ok()) << client.status();
  const json& r = *client;

  const json& chat = r["chat_stream"];
  EXPECT_EQ(chat["roles"], json::array({"assistant"}));
  EXPECT_EQ(chat["content_chunks"], 16);
  EXPECT_EQ(chat["objects"], 17);  // 16 tokens and the done object
  EXPECT_EQ(chat["model"], "client-model");
  EXPECT_EQ(chat["created_at_valid"], true);
  EXPECT_EQ(chat["done"], true);
  EXPECT_EQ(chat["done_reason"], "stop");
  EXPECT_EQ(chat["eval_count"], 16);
  EXPECT_EQ(chat["prompt_eval_count"], 8);  // ceil(32 bytes / 4)
  EXPECT_EQ(chat["durations_are_integers"], true);
  EXPECT_EQ(chat["durations_add_up"], true);
  EXPECT_GE(chat["prompt_eval_duration"].get<int64_t>(), 5'000'000);  // the mock's TTFT

  EXPECT_EQ(r["chat"]["role"], "assistant");
  EXPECT_EQ(r["chat"]["done"], true);
  EXPECT_EQ(r["chat"]["done_reason"], "length");  // num_predict 5 < --output-tokens 16
  EXPECT_EQ(r["chat"]["eval_count"], 5);
  EXPECT_EQ(r["chat"]["durations_are_integers"], true);
  EXPECT_FALSE(r["chat"]["content"].get<std::string>().empty());

  EXPECT_EQ(r["generate_stream"]["chunks"], 4);
  EXPECT_EQ(r["generate_stream"]["eval_count"], 4);
  EXPECT_EQ(r["generate_stream"]["done_reason"], "length");
  EXPECT_EQ(r["generate_stream"]["durations_are_integers"], true);
  EXPECT_EQ(r["generate"]["eval_count"], 16);
  EXPECT_EQ(r["generate"]["done"], true);
  EXPECT_FALSE(r["generate"]["response"].get<std::string>().empty());

  EXPECT_EQ(r["models"], json::array({"mock-llm"}));
  EXPECT_EQ(r["error"]["name"], "ResponseError");
  EXPECT_EQ(r["error"]["status"], 400);
  EXPECT_EQ(r["error"]["message"], "model is required");
}

}  // namespace
}  // namespace llmload::testing
