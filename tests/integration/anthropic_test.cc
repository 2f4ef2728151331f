// --api anthropic-messages end to end: `llmload run` against a `llmload mock` process speaking
// Anthropic's Messages API (streamed and not, and its injected overload), and the official
// `@anthropic-ai/sdk` client (tests/clients/anthropic.mjs) against the same mock, so that the
// mock's events are the ones a real consumer parses.
#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/files.h"
#include "support/mock_process.h"
#include "support/node_client.h"
#include "support/run_tools.h"
#include "support/subprocess.h"

namespace llmload::testing {
namespace {

using nlohmann::json;

class AnthropicTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir(); }
  std::string dir_;
};

TEST_F(AnthropicTest, StreamedRunCountsWhatTheMockServed) {
  MockProcess mock({"--ttft", "5ms", "--itl", "1ms", "--output-tokens", "12"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string json_path = dir_ + "/summary.json";
  // A bare origin: the adapter appends /v1/messages. The key travels in x-api-key.
  RunResult r = RunLlmload({"run", "--api", "anthropic-messages", "--url", mock.url(), "--model",
                            "claude-test", "--api-key", "sk-ant-test", "-u", "4", "-r", "100", "-n",
                            "40", "-q", "--json-out", json_path});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("sk-ant-test"), std::string::npos);  // the key is never printed
  const json summary = ReadJson(json_path);
  ASSERT_TRUE(summary.is_object()) << ReadFile(json_path);
  const json stats = mock.Stats();
  EXPECT_EQ(summary["requests"]["total"], 40);
  EXPECT_EQ(summary["requests"]["succeeded"], 40) << summary["requests"].dump();
  EXPECT_EQ(stats["requests_by_dialect"]["anthropic"], 40) << stats.dump();
  EXPECT_EQ(stats["completed"], 40) << stats.dump();
  EXPECT_EQ(stats["streamed"], 40) << stats.dump();
  EXPECT_EQ(stats["bad_requests"], 0) << stats.dump();
  // Output tokens are message_delta's usage, and equal what the mock sent.
  EXPECT_EQ(summary["tokens"]["output_total"], 40 * 12);
  EXPECT_EQ(summary["tokens"]["output_total"], stats["tokens_sent"]);
  EXPECT_EQ(summary["run"]["token_source"], "usage");
  // The first token waits 5 ms at the mock: TTFT cannot be shorter.
  EXPECT_GE(summary["ttft_s"]["p50"].get<double>(), 0.0045);
}

TEST_F(AnthropicTest, NonStreamedRunAndMaxTokens) {
  MockProcess mock({"--ttft", "2ms", "--itl", "1ms", "--default-output-tokens", "50"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string json_path = dir_ + "/summary.json";
  RunResult r = RunLlmload({"run", "--api", "anthropic", "--url", mock.url() + "/v1", "--model",
                            "claude-test", "--no-stream", "--max-tokens", "7", "-u", "2", "-n",
                            "10", "-q", "--json-out", json_path});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json summary = ReadJson(json_path);
  const json stats = mock.Stats();
  EXPECT_EQ(summary["requests"]["succeeded"], 10) << summary["requests"].dump();
  EXPECT_EQ(stats["requests_by_dialect"]["anthropic"], 10) << stats.dump();
  EXPECT_EQ(stats["streamed"], 0) << stats.dump();
  EXPECT_EQ(summary["tokens"]["output_total"], 10 * 7);  // --max-tokens reached the mock
  EXPECT_EQ(summary["run"]["token_source"], "usage");
}

TEST_F(AnthropicTest, InjectedOverloadIsHttp5xxAndRateLimitHttp429) {
  for (const auto& [status, error_class] :
       std::vector<std::pair<std::string, std::string>>{{"529", "http_5xx"}, {"429", "http_429"}}) {
    MockProcess mock({"--ttft", "1ms", "--itl", "1ms", "--output-tokens", "4", "--error-rate", "1",
                      "--error-status", status});
    ASSERT_GT(mock.port(), 0) << mock.process().Output();
    const std::string json_path = dir_ + "/summary" + status + ".json";
    RunResult r =
        RunLlmload({"run", "--api", "anthropic-messages", "--url", mock.url(), "--model", "m", "-u",
                    "2", "-n", "6", "--no-respect-retry-after", "-q", "--json-out", json_path});
    const json summary = ReadJson(json_path);
    ASSERT_TRUE(summary.is_object()) << r.output;
    EXPECT_EQ(summary["requests"]["failed"], 6) << status << r.output;
    EXPECT_EQ(summary["requests"]["errors"][error_class], 6) << status << summary.dump();
    EXPECT_EQ(summary["requests"]["errors"]["overloaded"], 0) << status;
  }
}

TEST_F(AnthropicTest, OfficialAnthropicClientParsesEveryField) {
  MockProcess mock({"--ttft", "5ms", "--itl", "1ms", "--output-tokens", "16"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const absl::StatusOr<json> client =
      RunNodeClient("anthropic.mjs", "@anthropic-ai/sdk", {std::to_string(mock.port())});
  ASSERT_TRUE(client.ok()) << client.status();
  const json& r = *client;

  // messages.create({stream: true}), iterating the raw events.
  const json& events = r["events"];
  EXPECT_EQ(events["types"].front(), "message_start") << events.dump();
  EXPECT_EQ(events["types"].back(), "message_stop") << events.dump();
  EXPECT_EQ(events["text_deltas"], 16);
  EXPECT_EQ(events["stop_reason"], "end_turn");
  EXPECT_EQ(events["input_tokens"], 10);  // ceil(37 bytes / 4)
  EXPECT_EQ(events["output_tokens"], 16);
  EXPECT_EQ(events["model"], "claude-client");
  EXPECT_EQ(events["role"], "assistant");
  EXPECT_EQ(events["block_type"], "text");
  EXPECT_TRUE(events["id"].get<std::string>().starts_with("msg_")) << events.dump();
  const std::string text = events["text"];
  EXPECT_EQ(std::count(text.begin(), text.end(), ' '), 16) << text;

  // messages.stream(), the SDK's accumulating helper: the final message it builds.
  const json& helper = r["stream_helper"];
  const std::string helper_text = helper["text"];
  EXPECT_EQ(std::count(helper_text.begin(), helper_text.end(), ' '), 16) << helper_text;
  EXPECT_EQ(helper["final_text"], helper["text"]);
  EXPECT_EQ(helper["stop_reason"], "end_turn");
  EXPECT_EQ(helper["usage"]["input_tokens"], 10);
  EXPECT_EQ(helper["usage"]["output_tokens"], 16);
  EXPECT_EQ(helper["content_type"], "text");

  // Not streamed, stopped by max_tokens.
  const json& full = r["message"];
  EXPECT_EQ(full["type"], "message");
  EXPECT_EQ(full["stop_reason"], "max_tokens");
  EXPECT_EQ(full["usage"]["output_tokens"], 5);
  EXPECT_EQ(full["usage"]["input_tokens"], 1);  // "Hi": ceil(2 / 4)
  EXPECT_FALSE(full["text"].get<std::string>().empty());

  // A bad request: the SDK reads Anthropic's error shape.
  EXPECT_EQ(r["error"]["status"], 400);
  EXPECT_EQ(r["error"]["type"], "invalid_request_error");
  EXPECT_EQ(r["error"]["message"], "max_tokens: Field required");
}

}  // namespace
}  // namespace llmload::testing
