// The mock's DashScope (native and compatible-mode) and Zhipu dialects: routes, request
// parsing, the native SSE framing read back by llmload's own DashScope decoder, error bodies,
// and the Zhipu JWT check against tokens made by llmload's signer.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "api/dashscope_adapter.h"
#include "api/zhipu_adapter.h"
#include "gtest/gtest.h"
#include "mock/dialects/dashscope_dialect.h"
#include "mock/dialects/dashscope_writer.h"
#include "mock/dialects/dialect_table.h"
#include "mock/dialects/zhipu_dialect.h"
#include "nlohmann/json.hpp"

namespace llmload::mock {
namespace {

using nlohmann::json;

HttpRequest Request(absl::string_view headers, absl::string_view body) {
  HttpRequest r;
  r.method = "POST";
  r.headers = headers;
  r.body = body;
  return r;
}

TEST(MockDashScopeDialectTest, EachPathIsItsDialects) {
  DialectSet dialects;
  RouteMatch m;
  ASSERT_TRUE(dialects.Match("POST", "/api/v1/services/aigc/text-generation/generation", &m));
  EXPECT_EQ(DialectTable()[m.dialect_index].name, "dashscope");
  ASSERT_TRUE(dialects.Match("POST", "/compatible-mode/v1/chat/completions", &m));
  EXPECT_EQ(DialectTable()[m.dialect_index].name, "dashscope-compatible");
  ASSERT_TRUE(dialects.Match("POST", "/api/paas/v4/chat/completions", &m));
  EXPECT_EQ(DialectTable()[m.dialect_index].name, "zhipu");
}

TEST(MockDashScopeDialectTest, ParsesTheNativeRequest) {
  DashScopeDialect dialect;
  const MockRoute& route = dialect.routes()[0];
  MockRequest out;
  const std::string body =
      R"({"model":"qwen-plus","input":{"messages":[{"role":"user","content":"0123456789"}]},)"
      R"("parameters":{"result_format":"message","incremental_output":false,"max_tokens":7}})";
  ASSERT_FALSE(dialect.ParseRequest(Request("X-DashScope-SSE: enable\r\n", body), route, {}, &out));
  EXPECT_EQ(out.model, "qwen-plus");
  EXPECT_TRUE(out.stream);
  EXPECT_EQ(out.max_tokens, 7);
  EXPECT_EQ(out.prompt_tokens, 3);  // ceil(10 / 4)
  EXPECT_EQ(out.flags, kDashScopeCumulative);
  ASSERT_FALSE(dialect.ParseRequest(Request("", body), route, {}, &out));
  EXPECT_FALSE(out.stream);

  auto error = dialect.ParseRequest(Request("", R"({"model":"m"})"), route, {}, &out);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->http_status, 400);
  MockReply reply;
  dialect.RenderError(*error, &reply);
  const json rendered = json::parse(reply.body);
  EXPECT_EQ(rendered["code"], "InvalidParameter");
  EXPECT_TRUE(rendered.contains("request_id"));
  error = dialect.ParseRequest(
      Request("", R"({"model":"m","input":{"prompt":"x"},"parameters":{"incremental_output":1}})"),
      route, {}, &out);
  ASSERT_TRUE(error);
  EXPECT_TRUE(absl::StrContains(error->message, "incremental_output"));
  // Injected errors get DashScope's codes, which llmload classes as it should.
  dialect.RenderError(dialect.InjectedError(429, "m"), &reply);
  EXPECT_EQ(json::parse(reply.body)["code"], "Throttling.RateQuota");
  EXPECT_EQ(DashScopeErrorClass(json::parse(reply.body)["code"].get<std::string>()),
            ErrorClass::kHttp429);
  dialect.RenderError(dialect.InjectedError(500, "m"), &reply);
  EXPECT_EQ(json::parse(reply.body)["code"], "InternalError");
}

// What the writer streams, as llmload's decoder reads it.
struct ReadBack {
  std::vector<std::string> chunks;
  ResponseFacts facts;
};

ReadBack Stream(uint32_t flags, bool incremental_decoder) {
  DashScopeWriter writer;
  MockRequest request;
  request.stream = true;
  request.prompt_tokens = 5;
  request.flags = flags;
  writer.Begin(request, "ds-1", 0, /*chunked=*/false);
  std::string out;
  for (absl::string_view token : {"Hel", "lo", " \\\"w\\\""}) writer.AppendToken(token, &out);
  MockOutcome outcome;
  outcome.prompt_tokens = 5;
  outcome.completion_tokens = 3;
  EXPECT_EQ(writer.AppendFinish(outcome, &out), 1);
  EXPECT_TRUE(absl::StrContains(out, "id:4\nevent:result\n:HTTP_STATUS/200\ndata:")) << out;
  auto decoder = NewDashScopeResponseDecoder(true, incremental_decoder, 1 << 20);
  ReadBack r;
  EXPECT_TRUE(decoder->Feed(out, [&](const ContentChunk& c) { r.chunks.emplace_back(c.text); }));
  r.facts = decoder->Finish();
  return r;
}

TEST(MockDashScopeDialectTest, StreamsReadBackByLlmloadsDecoder) {
  for (uint32_t flags : {0u, kDashScopeCumulative, kDashScopeTextFormat,
                         kDashScopeCumulative | kDashScopeTextFormat}) {
    const ReadBack r = Stream(flags, (flags & kDashScopeCumulative) == 0);
    EXPECT_EQ(r.chunks, (std::vector<std::string>{"Hel", "lo", " \"w\""})) << flags;
    EXPECT_TRUE(r.facts.complete);
    EXPECT_FALSE(r.facts.malformed);
    ASSERT_TRUE(r.facts.usage.has_value());
    EXPECT_EQ(r.facts.usage->completion_tokens, 3);
    EXPECT_EQ(r.facts.usage->prompt_tokens, 5);
  }
}

TEST(MockDashScopeDialectTest, TheBodyHasEveryField) {
  DashScopeWriter writer;
  MockRequest request;
  writer.Begin(request, "ds-2", 0, true);
  MockOutcome outcome;
  outcome.length = true;
  outcome.prompt_tokens = 4;
  outcome.completion_tokens = 2;
  std::string out;
  writer.AppendBody("a b", outcome, &out);
  const json body = json::parse(out);
  EXPECT_EQ(body["output"]["choices"][0]["message"]["content"], "a b");
  EXPECT_EQ(body["output"]["choices"][0]["message"]["role"], "assistant");
  EXPECT_EQ(body["output"]["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(body["usage"], json({{"total_tokens", 6}, {"output_tokens", 2}, {"input_tokens", 4}}));
  EXPECT_EQ(body["request_id"], "ds-2");
}

TEST(MockZhipuDialectTest, VerifiesTheJwtWhenItKnowsTheKey) {
  ZhipuDialect dialect("kid.ksecret");
  const int64_t now = 1700000000000;
  EXPECT_FALSE(dialect.CheckToken(ZhipuJwt("kid", "ksecret", now), now + 1000));
  auto code = [&](absl::string_view token, int64_t at) {
    std::optional<ApiError> e = dialect.CheckToken(token, at);
    EXPECT_TRUE(e.has_value()) << token;
    if (!e) return std::string();
    EXPECT_EQ(e->http_status, 401);
    return e->code.value_or("");
  };
  EXPECT_EQ(code(ZhipuJwt("kid", "other", now), now), "1004");
  EXPECT_EQ(code(ZhipuJwt("kid", "ksecret", now), now + kZhipuTokenTtlMs), "1003");
  EXPECT_EQ(code(ZhipuJwt("other", "ksecret", now), now), "1000");
  EXPECT_EQ(code("plain-key", now), "1002");

  const MockRoute& route = dialect.routes()[0];
  const absl::Time at = absl::FromUnixMillis(now);
  const std::string bearer =
      absl::StrCat("Authorization: Bearer ", ZhipuJwt("kid", "ksecret", now), "\r\n");
  EXPECT_FALSE(dialect.Authorize(Request(bearer, ""), route, at));
  const std::string bare = absl::StrCat("authorization: ", ZhipuJwt("kid", "ksecret", now), "\r\n");
  EXPECT_FALSE(dialect.Authorize(Request(bare, ""), route, at));
  std::optional<ApiError> missing = dialect.Authorize(Request("", ""), route, at);
  ASSERT_TRUE(missing);
  MockReply reply;
  dialect.RenderError(*missing, &reply);
  const json body = json::parse(reply.body);
  EXPECT_EQ(body["error"]["code"], "1001");
  EXPECT_TRUE(body["error"]["message"].is_string());

  // Without a key, anything goes.
  ZhipuDialect open("");
  EXPECT_FALSE(open.Authorize(Request("", ""), route, at));
}

}  // namespace
}  // namespace llmload::mock
