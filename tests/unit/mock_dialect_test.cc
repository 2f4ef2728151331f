#include "mock/dialects/mock_dialect.h"

#include <string>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "mock/dialects/dialect_table.h"
#include "mock/dialects/openai_writer.h"
#include "mock/http_request_parser.h"
#include "mock/mock_stats.h"
#include "nlohmann/json.hpp"

namespace llmload::mock {
namespace {

TEST(MatchRoutePatternTest, LiteralPaths) {
  RouteCaptures c;
  EXPECT_TRUE(MatchRoutePattern("/v1/chat/completions", "/v1/chat/completions", &c));
  EXPECT_EQ(c.count, 0);
  EXPECT_FALSE(MatchRoutePattern("/v1/chat/completions", "/v1/chat/completions/", &c));
  EXPECT_FALSE(MatchRoutePattern("/v1/chat/completions", "/v1/chat", &c));
  EXPECT_FALSE(MatchRoutePattern("/v1/completions", "/v1/chat/completions", &c));
}

TEST(MatchRoutePatternTest, CapturesOneSegmentEach) {
  RouteCaptures c;
  ASSERT_TRUE(MatchRoutePattern("/model/{model}/converse", "/model/us.a%3Ab-v1:0/converse", &c));
  ASSERT_EQ(c.count, 1);
  EXPECT_EQ(c.parts[0], "us.a%3Ab-v1:0");
  // A capture never spans a '/' and is never empty.
  EXPECT_FALSE(MatchRoutePattern("/model/{model}/converse", "/model/a/b/converse", &c));
  EXPECT_FALSE(MatchRoutePattern("/model/{model}/converse", "/model//converse", &c));
  EXPECT_FALSE(MatchRoutePattern("/model/{model}/converse", "/model/a/converse-stream", &c));
  ASSERT_TRUE(MatchRoutePattern("/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/{model}",
                                "/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/ernie-4.0-8k", &c));
  EXPECT_EQ(c.parts[0], "ernie-4.0-8k");
  ASSERT_TRUE(MatchRoutePattern("/a/{x}/b/{y}", "/a/1/b/2", &c));
  ASSERT_EQ(c.count, 2);
  EXPECT_EQ(c.parts[0], "1");
  EXPECT_EQ(c.parts[1], "2");
  EXPECT_FALSE(MatchRoutePattern("/a/{x}", "/a/", &c));
}

TEST(DialectSetTest, OpenAiRoutesAndMethods) {
  DialectSet dialects;
  ASSERT_EQ(dialects.size(), DialectTable().size());
  ASSERT_LE(DialectTable().size(), static_cast<size_t>(kMaxDialects));
  RouteMatch m;
  ASSERT_TRUE(dialects.Match("POST", "/v1/chat/completions", &m));
  EXPECT_TRUE(m.method_allowed);
  EXPECT_EQ(DialectTable()[m.dialect_index].name, "openai");
  EXPECT_EQ(m.route->counter, &MockCounters::chat_completions_requests);
  ASSERT_TRUE(dialects.Match("POST", "/v1/completions", &m));
  EXPECT_EQ(m.route->counter, &MockCounters::completions_requests);
  // The path is served, the method is not: the loop answers 405 naming route->method.
  ASSERT_TRUE(dialects.Match("GET", "/v1/chat/completions", &m));
  EXPECT_FALSE(m.method_allowed);
  EXPECT_EQ(m.route->method, "POST");
  // The loop's own routes are no dialect's.
  EXPECT_FALSE(dialects.Match("GET", "/v1/models", &m));
  EXPECT_FALSE(dialects.Match("GET", "/health", &m));
  EXPECT_FALSE(dialects.Match("GET", "/mock/stats", &m));
}

// A dialect with a pattern route and an info route, to check matching across dialects.
class FakeDialect final : public MockDialect {
 public:
  absl::Span<const MockRoute> routes() const override {
    static constexpr MockRoute kRoutes[] = {
        {"POST", "/model/{model}/converse", 1},
        {"GET", "/model/{model}/converse", 2, nullptr, RouteKind::kInfo},
        {"GET", "/api/tags", 3, nullptr, RouteKind::kInfo},
    };
    return kRoutes;
  }
  std::optional<ApiError> ParseRequest(const HttpRequest&, const MockRoute&, const RouteCaptures&,
                                       MockRequest*) override {
    return std::nullopt;
  }
  absl::string_view IdPrefix(const MockRequest&) const override { return "fake-"; }
  std::unique_ptr<MockResponseWriter> NewWriter() const override { return nullptr; }
  void RenderError(const ApiError& error, MockReply* out) const override {
    out->body = error.message;
  }
};

std::unique_ptr<MockDialect> MakeFake() { return std::make_unique<FakeDialect>(); }

TEST(DialectSetTest, MatchesAcrossDialectsPreferringTheMethod) {
  const DialectEntry table[] = {DialectTable()[0], {"fake", &MakeFake}};
  DialectSet dialects(table);
  ASSERT_EQ(dialects.size(), 2u);
  RouteMatch m;
  ASSERT_TRUE(dialects.Match("POST", "/v1/chat/completions", &m));
  EXPECT_EQ(m.dialect_index, 0u);
  ASSERT_TRUE(dialects.Match("GET", "/model/a%3Ab/converse", &m));
  EXPECT_EQ(m.dialect_index, 1u);
  EXPECT_TRUE(m.method_allowed);
  EXPECT_EQ(m.route->variant, 2);
  EXPECT_EQ(m.route->kind, RouteKind::kInfo);
  ASSERT_EQ(m.captures.count, 1);
  EXPECT_EQ(m.captures.parts[0], "a%3Ab");
  ASSERT_TRUE(dialects.Match("POST", "/model/x/converse", &m));
  EXPECT_EQ(m.route->variant, 1);
  EXPECT_EQ(m.route->kind, RouteKind::kCompletion);
  ASSERT_TRUE(dialects.Match("PUT", "/api/tags", &m));
  EXPECT_FALSE(m.method_allowed);
  EXPECT_EQ(m.route->method, "GET");
  // The default AnswerInfo refuses: only dialects with info routes override it.
  HttpRequest req;
  req.method = "GET";
  req.path = "/api/tags";
  MockReply reply;
  std::optional<ApiError> e = m.dialect->AnswerInfo(req, *m.route, MockInfo{"mock-llm", 1}, &reply);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->http_status, 404);
}

TEST(DialectSetTest, OpenAiParsesAndRendersThroughTheInterface) {
  DialectSet dialects;
  RouteMatch m;
  ASSERT_TRUE(dialects.Match("POST", "/v1/completions", &m));
  HttpRequest req;
  req.method = "POST";
  req.path = "/v1/completions";
  req.body = R"({"model":"m","prompt":"12345678","stream":true})";
  MockRequest out;
  ASSERT_FALSE(m.dialect->ParseRequest(req, *m.route, m.captures, &out));
  EXPECT_EQ(out.model, "m");
  EXPECT_TRUE(out.stream);
  EXPECT_EQ(out.prompt_tokens, 2);
  EXPECT_EQ(m.dialect->IdPrefix(out), "cmpl-");
  EXPECT_FALSE(m.dialect->Authorize(req, *m.route, absl::Now()));
  req.body = "{";
  std::optional<ApiError> error = m.dialect->ParseRequest(req, *m.route, m.captures, &out);
  ASSERT_TRUE(error);
  MockReply reply;
  m.dialect->RenderError(*error, &reply);
  EXPECT_EQ(reply.body, error->Body());
  EXPECT_EQ(reply.content_type, "application/json");
  EXPECT_EQ(m.dialect->InjectedError(429, "m").code, "rate_limit_exceeded");
}

// The interface's calls produce exactly the bytes and event counts the OpenAI-specific calls
// do (the event loop counts chunks_sent from the returned counts).
TEST(CompletionWriterInterfaceTest, SameBytesAsTheSpecificCalls) {
  for (bool chat : {true, false}) {
    for (bool include_usage : {true, false}) {
      MockRequest r;
      r.variant = static_cast<int>(chat ? CompletionApi::kChat : CompletionApi::kCompletions);
      r.model = "m";
      r.stream = true;
      r.include_usage = include_usage;
      CompletionWriter direct;
      direct.Begin(static_cast<CompletionApi>(r.variant), "id-1", 7, "m", include_usage, true);
      std::string want;
      if (chat) direct.AppendRoleChunk(&want);
      direct.AppendTokenChunk(" a", &want);
      direct.AppendFinishChunk(true, &want);
      if (include_usage) direct.AppendUsageChunk(3, 1, &want);
      direct.AppendDone(&want);

      DialectSet dialects;
      std::unique_ptr<MockResponseWriter> w = dialects.at(0).NewWriter();
      w->Begin(r, "id-1", 7, true);
      EXPECT_EQ(w->stream_content_type(), "text/event-stream");
      std::string got;
      EXPECT_EQ(w->AppendPrelude(&got), chat ? 1 : 0);
      w->AppendToken(" a", &got);
      EXPECT_EQ(w->AppendFinish(MockOutcome{true, 3, 1, 5, 9}, &got), include_usage ? 3 : 2);
      EXPECT_EQ(got, want) << chat << include_usage;

      std::string want_body, got_body;
      direct.AppendBody(" a b", false, 3, 2, &want_body);
      w->AppendBody(" a b", MockOutcome{false, 3, 2, 5, 9}, &got_body);
      EXPECT_EQ(got_body, want_body);
      EXPECT_EQ(w->body_content_type(), "application/json");
    }
  }
}

TEST(MockStatsDialectTest, RequestsByDialectInJson) {
  MockCounters k;
  MockCounters::Add(k.dialect_requests[0], 3);
  MockStats s;
  k.AddTo(&s);
  EXPECT_EQ(s.dialect_requests[0], 3u);
  nlohmann::json j = nlohmann::json::parse(s.ToJson());
  EXPECT_EQ(j["requests_by_dialect"]["openai"], 3);
  EXPECT_EQ(j["requests_by_dialect"].size(), DialectTable().size());
}

}  // namespace
}  // namespace llmload::mock
