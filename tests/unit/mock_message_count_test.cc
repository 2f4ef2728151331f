// The mock counts a chat request's messages (/mock/stats requests_by_messages), so a test of a
// multi-turn run can see the history grow from the server's side. Checked end to end in
// process: llmload's own adapter builds each chat API's request for a prompt with two earlier
// messages of history, and the mock's dialect for that API parses it and counts three.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "api/api_table.h"
#include "common/prompt.h"
#include "common/workload_spec.h"
#include "gtest/gtest.h"
#include "mock/dialects/dialect_table.h"
#include "mock/mock_stats.h"
#include "nlohmann/json.hpp"

namespace llmload::mock {
namespace {

// The path of an absolute URL, without its query.
std::string PathOf(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  std::string path = slash == std::string::npos ? "/" : url.substr(slash);
  if (const size_t query = path.find('?'); query != std::string::npos) path.resize(query);
  return path;
}

TEST(MockMessageCountTest, EveryChatDialectCountsTheMessagesOurAdaptersSend) {
  DialectSet dialects;
  size_t checked = 0;
  for (const ApiEntry& api : ApiTable()) {
    if (!api.chat) continue;
    SCOPED_TRACE(std::string(api.name));
    WorkloadSpec spec;
    spec.api = std::string(api.name);
    spec.url = "http://127.0.0.1:9";
    spec.model = "m";
    spec.stream = true;
    spec.prompts = {{"p", "third"}};
    if (absl::StartsWith(api.name, "bedrock")) {
      spec.credentials = {{"AWS_ACCESS_KEY_ID", "AKIDFAKE"}, {"AWS_SECRET_ACCESS_KEY", "fake"}};
    } else if (api.name == "qianfan") {
      spec.credentials = {{"QIANFAN_ACCESS_KEY", "AK"}, {"QIANFAN_SECRET_KEY", "SK"}};
    }
    auto adapter = CreateApiAdapter(spec);
    ASSERT_TRUE(adapter.ok()) << adapter.status();
    Prompt prompt = spec.prompts[0];
    prompt.history = {{"user", "first"}, {"assistant", "second"}};
    auto request = (*adapter)->Prepare(prompt);
    ASSERT_TRUE(request.ok()) << request.status();

    const std::string path = PathOf(request->url);
    RouteMatch match;
    ASSERT_TRUE(dialects.Match("POST", path, &match)) << path;
    HttpRequest http;
    http.method = "POST";
    http.path = path;
    http.target = path;
    http.body = request->body;
    MockRequest parsed;
    const std::optional<ApiError> error =
        match.dialect->ParseRequest(http, *match.route, match.captures, &parsed);
    ASSERT_FALSE(error.has_value()) << error->message << "\n" << request->body;
    EXPECT_EQ(parsed.messages, 3) << request->body;
    ++checked;
  }
  EXPECT_EQ(checked, 8u);
}

TEST(MockMessageCountTest, StatsListTheCountsSeen) {
  MockCounters k;
  MockCounters::Add(k.requests_by_messages[1], 4);
  MockCounters::Add(k.requests_by_messages[3], 2);
  MockCounters::Add(k.requests_by_messages[kMaxCountedMessages]);
  MockStats s;
  k.AddTo(&s);
  const nlohmann::json j = nlohmann::json::parse(s.ToJson());
  EXPECT_EQ(j["requests_by_messages"], nlohmann::json::parse(R"({"1": 4, "3": 2, "64+": 1})"));
}

}  // namespace
}  // namespace llmload::mock
