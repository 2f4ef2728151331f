// `llmload mock` against clients nobody here wrote: the official `openai` npm package
// (tests/clients/openai_stream.mjs) and `curl -N`. If their wire-format expectations and ours
// differ, these fail even when our own raw-socket tests pass.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/mock_process.h"
#include "support/node_client.h"
#include "support/run_tools.h"
#include "support/subprocess.h"

namespace llmload::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

class MockClientsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mock_ = std::make_unique<MockProcess>(
        std::vector<std::string>{"--ttft", "20ms", "--itl", "5ms", "--output-tokens", "16"});
    port_ = mock_->port();
    ASSERT_GT(port_, 0) << mock_->process().Output();
  }

  std::unique_ptr<MockProcess> mock_;  // stopped (SIGTERM, then waited for) when destroyed
  int port_ = 0;
};

TEST_F(MockClientsTest, OfficialOpenAiNodeClientStreamsAndParses) {
  const absl::StatusOr<json> client =
      RunNodeClient("openai_stream.mjs", "openai", {std::to_string(port_)});
  ASSERT_TRUE(client.ok()) << client.status();
  const json& r = *client;

  const json& chat = r["chat_stream"];
  EXPECT_EQ(chat["roles"], json::array({"assistant"}));
  EXPECT_EQ(chat["content_chunks"], 16);
  EXPECT_EQ(chat["finish_reason"], "stop");
  EXPECT_EQ(chat["model"], "client-model");
  EXPECT_EQ(chat["object"], "chat.completion.chunk");
  EXPECT_EQ(chat["usage"]["completion_tokens"], 16);
  EXPECT_EQ(chat["usage"]["prompt_tokens"], 8);  // ceil(32 bytes / 4)
  EXPECT_EQ(chat["usage"]["total_tokens"], 24);
  const std::string content = chat["content"];
  EXPECT_EQ(std::count(content.begin(), content.end(), ' '), 16) << content;

  EXPECT_EQ(r["chat"]["object"], "chat.completion");
  EXPECT_EQ(r["chat"]["finish_reason"], "length");  // max_tokens 5 < --output-tokens 16
  EXPECT_EQ(r["chat"]["usage"]["completion_tokens"], 5);

  EXPECT_EQ(r["completions_stream"]["object"], "text_completion");
  EXPECT_EQ(r["completions_stream"]["chunks"], 4);
  EXPECT_EQ(r["completions_stream"]["finish_reason"], "length");

  EXPECT_EQ(r["models"], json::array({"mock-llm"}));

  EXPECT_EQ(r["error"]["status"], 400);
  EXPECT_EQ(r["error"]["param"], "messages");
  EXPECT_EQ(r["error"]["code"], "missing_required_parameter");
}

TEST_F(MockClientsTest, CurlStreamsServerSentEvents) {
  const std::string curl = FindOnPath("curl");
  ASSERT_FALSE(curl.empty()) << "curl is not on PATH: install the test tools with "
                                "scripts/install-deps.sh --with-test-tools";
  Subprocess c({curl, "-sS", "-N", "--max-time", "60", "-H", "Content-Type: application/json", "-d",
                R"({"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true,)"
                R"("stream_options":{"include_usage":true}})",
                mock_->url() + "/v1/chat/completions"});
  ASSERT_EQ(c.Wait(seconds(90)), 0) << c.Output();
  std::vector<std::string> events;
  for (absl::string_view line : absl::StrSplit(c.Output(), '\n')) {
    if (absl::StartsWith(line, "data: ")) events.emplace_back(line.substr(6));
  }
  ASSERT_EQ(events.size(), 20u) << c.Output();  // role, 16 tokens, finish, usage, [DONE]
  EXPECT_EQ(events.back(), "[DONE]");
  EXPECT_EQ(json::parse(events[18])["usage"]["completion_tokens"], 16);
}

}  // namespace
}  // namespace llmload::testing
