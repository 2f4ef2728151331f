#include "api/openai_request.h"

#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace llmload {
namespace {

using nlohmann::json;

OpenAiRequestSpec ChatSpec() {
  OpenAiRequestSpec spec;
  spec.api = OpenAiApi::kChat;
  spec.model = "meta-llama/Llama-3.1-8B-Instruct";
  spec.max_tokens = 128;
  return spec;
}

TEST(OpenAiRequestTest, ChatStreamingBody) {
  const std::string body = BuildRequestBody(ChatSpec(), "Hello");
  EXPECT_EQ(body, R"({"model":"meta-llama/Llama-3.1-8B-Instruct",)"
                  R"("messages":[{"role":"user","content":"Hello"}],"max_tokens":128,)"
                  R"("stream":true,"stream_options":{"include_usage":true}})");
}

TEST(OpenAiRequestTest, CompletionsBodyUsesPrompt) {
  OpenAiRequestSpec spec = ChatSpec();
  spec.api = OpenAiApi::kCompletions;
  spec.temperature = 0.5;
  const json body = json::parse(BuildRequestBody(spec, "Once upon"));
  EXPECT_EQ(body["prompt"], "Once upon");
  EXPECT_FALSE(body.contains("messages"));
  EXPECT_EQ(body["max_tokens"], 128);
  EXPECT_DOUBLE_EQ(body["temperature"].get<double>(), 0.5);
  EXPECT_EQ(body["stream"], true);
}

TEST(OpenAiRequestTest, NoMaxTokensNoTemperatureMeansFieldsAbsent) {
  OpenAiRequestSpec spec;
  spec.model = "m";
  const json body = json::parse(BuildRequestBody(spec, "p"));
  EXPECT_FALSE(body.contains("max_tokens"));
  EXPECT_FALSE(body.contains("temperature"));
}

TEST(OpenAiRequestTest, IncludeUsageOnlyWhenStreaming) {
  OpenAiRequestSpec spec = ChatSpec();
  spec.include_usage = false;
  EXPECT_FALSE(json::parse(BuildRequestBody(spec, "p")).contains("stream_options"));
  spec.include_usage = true;
  spec.stream = false;
  const json body = json::parse(BuildRequestBody(spec, "p"));
  EXPECT_EQ(body["stream"], false);
  EXPECT_FALSE(body.contains("stream_options"));
}

TEST(OpenAiRequestTest, PromptEscaping) {
  const std::string prompt = "say \"hi\"\nthen\ttab \\ back, caf\xC3\xA9, \xE2\x9C\x93, \x01 ctl";
  const std::string body = BuildRequestBody(ChatSpec(), prompt);
  // Raw control characters must never reach the wire.
  EXPECT_EQ(body.find('\n'), std::string::npos);
  EXPECT_EQ(body.find('\x01'), std::string::npos);
  EXPECT_NE(body.find(R"(say \"hi\"\nthen\ttab \\ back)"), std::string::npos) << body;
  EXPECT_NE(body.find(R"(\u0001 ctl)"), std::string::npos) << body;
  // The prompt survives a round trip exactly.
  EXPECT_EQ(json::parse(body)["messages"][0]["content"], prompt);
}

TEST(OpenAiRequestTest, InvalidUtf8IsReplacedNotFatal) {
  const std::string body = BuildRequestBody(ChatSpec(), "bad \xFF byte");
  const json parsed = json::parse(body);  // must be valid JSON
  EXPECT_EQ(parsed["messages"][0]["content"], "bad \xEF\xBF\xBD byte");
}

TEST(OpenAiRequestTest, ParamValuesAreJsonWhenValidElseStrings) {
  EXPECT_EQ(ParseExtraParam("top_p=0.9")->json, "0.9");
  EXPECT_EQ(ParseExtraParam("ignore_eos=true")->json, "true");
  EXPECT_EQ(ParseExtraParam("seed=42")->json, "42");
  EXPECT_EQ(ParseExtraParam("stop=[\"\\n\",\"END\"]")->json, R"(["\n","END"])");
  EXPECT_EQ(ParseExtraParam(R"(opts={"a": 1})")->json, R"({"a":1})");
  EXPECT_EQ(ParseExtraParam(R"(user="quoted")")->json, R"("quoted")");
  EXPECT_EQ(ParseExtraParam("user=alice")->json, R"("alice")");
  EXPECT_EQ(ParseExtraParam("user=a=b")->json, R"("a=b")");
  EXPECT_EQ(ParseExtraParam("empty=")->json, R"("")");
  EXPECT_EQ(ParseExtraParam("x={broken")->json, R"("{broken")");
  EXPECT_EQ(ParseExtraParam(" k =1")->key, "k");
  EXPECT_FALSE(ParseExtraParam("novalue").ok());
  EXPECT_FALSE(ParseExtraParam("=1").ok());
}

TEST(OpenAiRequestTest, ExtraParamsAreAddedAndMayOverride) {
  OpenAiRequestSpec spec = ChatSpec();
  spec.extra_params.push_back(*ParseExtraParam("min_tokens=64"));
  spec.extra_params.push_back(*ParseExtraParam("max_tokens=256"));
  spec.extra_params.push_back(*ParseExtraParam("user=bob"));
  const json body = json::parse(BuildRequestBody(spec, "p"));
  EXPECT_EQ(body["min_tokens"], 64);
  EXPECT_EQ(body["max_tokens"], 256);
  EXPECT_EQ(body["user"], "bob");
}

TEST(OpenAiRequestTest, ApiNames) {
  EXPECT_EQ(OpenAiApiName(OpenAiApi::kChat), "openai-chat");
  EXPECT_EQ(OpenAiApiName(OpenAiApi::kCompletions), "openai-completions");
  EXPECT_EQ(*ParseOpenAiApi("chat"), OpenAiApi::kChat);
  EXPECT_EQ(*ParseOpenAiApi("openai-completions"), OpenAiApi::kCompletions);
  EXPECT_FALSE(ParseOpenAiApi("anthropic").ok());
}

TEST(OpenAiRequestTest, UrlJoining) {
  struct Case {
    const char* base;
    OpenAiApi api;
    const char* want;
  };
  const Case cases[] = {
      {"http://127.0.0.1:8000", OpenAiApi::kChat, "http://127.0.0.1:8000/v1/chat/completions"},
      {"http://127.0.0.1:8000/", OpenAiApi::kChat, "http://127.0.0.1:8000/v1/chat/completions"},
      {"http://localhost:8000", OpenAiApi::kCompletions, "http://localhost:8000/v1/completions"},
      {"http://localhost/v1", OpenAiApi::kChat, "http://localhost/v1/chat/completions"},
      {"https://localhost/v1/", OpenAiApi::kCompletions, "https://localhost/v1/completions"},
      {"http://localhost/proxy/v1", OpenAiApi::kChat, "http://localhost/proxy/v1/chat/completions"},
      {"http://localhost/v1/chat/completions", OpenAiApi::kChat,
       "http://localhost/v1/chat/completions"},
      {"http://localhost/v1/completions", OpenAiApi::kCompletions,
       "http://localhost/v1/completions"},
      {"http://localhost/custom/generate", OpenAiApi::kChat, "http://localhost/custom/generate"},
      {"https://localhost/openai/deployments/d/chat/completions?api-version=2024-06-01",
       OpenAiApi::kChat,
       "https://localhost/openai/deployments/d/chat/completions?api-version=2024-06-01"},
      {"http://localhost:1/v1?k=v", OpenAiApi::kChat, "http://localhost:1/v1/chat/completions?k=v"},
      {"http://localhost?k=v", OpenAiApi::kChat, "http://localhost/v1/chat/completions?k=v"},
      {"  HTTP://localhost  ", OpenAiApi::kChat, "HTTP://localhost/v1/chat/completions"},
      {"http://[::1]:8000", OpenAiApi::kChat, "http://[::1]:8000/v1/chat/completions"},
      {"http://[::1]/v1", OpenAiApi::kChat, "http://[::1]/v1/chat/completions"},
      {"http://user:pw@localhost:65535", OpenAiApi::kChat,
       "http://user:pw@localhost:65535/v1/chat/completions"},
  };
  for (const Case& c : cases) {
    auto got = ResolveEndpointUrl(c.base, c.api);
    ASSERT_TRUE(got.ok()) << c.base << ": " << got.status();
    EXPECT_EQ(*got, c.want) << c.base;
  }
}

TEST(OpenAiRequestTest, UrlErrors) {
  EXPECT_FALSE(ResolveEndpointUrl("127.0.0.1:8000", OpenAiApi::kChat).ok());
  EXPECT_FALSE(ResolveEndpointUrl("ftp://localhost", OpenAiApi::kChat).ok());
  EXPECT_FALSE(ResolveEndpointUrl("http://", OpenAiApi::kChat).ok());
  EXPECT_FALSE(ResolveEndpointUrl("http:///v1", OpenAiApi::kChat).ok());
  EXPECT_FALSE(ResolveEndpointUrl("", OpenAiApi::kChat).ok());
}

TEST(OpenAiRequestTest, RefusesBadPortsSpacesAndControlCharacters) {
  struct Case {
    const char* url;
    const char* expect;
  } cases[] = {
      {"http://localhost:99999", "out of range"},
      {"http://localhost:65536/v1", "out of range"},
      {"http://localhost:0", "out of range"},
      {"http://localhost:http", "not a number"},
      {"http://localhost:", "port is missing"},
      {"http://localhost:-1", "not a number"},
      {"http://[::1]:70000", "out of range"},
      {"http://[::1", "IPv6"},
      {"http://[::1]x", "IPv6"},
      {"http://user@:80", "host is empty"},
      {"http://local host:8000", "space or a control character"},
      {"http://localhost:8000/v1\r\nX-Injected: 1", "space or a control character"},
      {"http://localhost:8000/v1\nHost: x", "space or a control character"},
      {"http://localhost:8000/a\tb", "space or a control character"},
      {"http://localhost:8000/\x7f", "space or a control character"},
  };
  for (const Case& c : cases) {
    auto got = ResolveEndpointUrl(c.url, OpenAiApi::kChat);
    ASSERT_FALSE(got.ok()) << c.url << " -> " << *got;
    EXPECT_NE(got.status().message().find(c.expect), std::string::npos) << got.status().message();
    EXPECT_NE(got.status().message().find("--url"), std::string::npos) << got.status().message();
  }
}

TEST(OpenAiRequestTest, UrlErrorsDoNotShowThePassword) {
  auto got = ResolveEndpointUrl("http://user:s3cret@localhost:99999", OpenAiApi::kChat);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().message().find("s3cret"), std::string::npos) << got.status().message();
  EXPECT_NE(got.status().message().find("user:***@localhost"), std::string::npos)
      << got.status().message();
}

}  // namespace
}  // namespace llmload
