#include "mock/dialects/qianfan_dialect.h"

#include <stdlib.h>

#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "api/bce_auth_signer.h"
#include "api/ernie_response_decoder.h"
#include "gtest/gtest.h"

namespace llmload::mock {
namespace {

const MockRoute& Route(const MockDialect& d, int variant) {
  for (const MockRoute& r : d.routes()) {
    if (r.variant == variant) return r;
  }
  return d.routes()[0];
}

// The mock's streams and bodies, read back by llmload's own ERNIE decoder.
TEST(QianfanDialectTest, WhatTheWriterSendsTheDecoderReads) {
  QianfanV1Dialect dialect;
  MockRequest request;
  request.variant = 0;
  request.stream = true;
  auto writer = dialect.NewWriter();
  writer->Begin(request, "as-1", 1700000000, /*chunked=*/false);
  std::string out;
  writer->AppendToken("he", &out);
  writer->AppendToken("llo", &out);
  MockOutcome outcome;
  outcome.prompt_tokens = 3;
  outcome.completion_tokens = 2;
  EXPECT_EQ(writer->AppendFinish(outcome, &out), 1);
  EXPECT_TRUE(absl::StrContains(out, "\"sentence_id\":1,\"is_end\":false")) << out;
  auto decoder = NewErnieResponseDecoder(true, 1 << 20);
  std::string text;
  ASSERT_TRUE(decoder->Feed(out, [&](const ContentChunk& c) { absl::StrAppend(&text, c.text); }));
  ResponseFacts facts = decoder->Finish();
  EXPECT_EQ(text, "hello");
  EXPECT_TRUE(facts.complete);
  ASSERT_TRUE(facts.usage.has_value());
  EXPECT_EQ(facts.usage->completion_tokens, 2);
  EXPECT_EQ(facts.usage->prompt_tokens, 3);

  out.clear();
  writer->AppendBody("hello", outcome, &out);
  auto body = NewErnieResponseDecoder(false, 1 << 20);
  ASSERT_TRUE(body->Feed(out, [](const ContentChunk&) {}));
  facts = body->Finish();
  EXPECT_TRUE(facts.complete && !facts.malformed) << out;
  EXPECT_EQ(facts.usage->completion_tokens, 2);
}

TEST(QianfanDialectTest, ErrorBodiesAreQianfans) {
  QianfanV1Dialect dialect;
  MockReply reply;
  const ApiError limit = dialect.InjectedError(429, "m");
  EXPECT_EQ(limit.http_status, 200);
  dialect.RenderError(limit, &reply);
  EXPECT_EQ(reply.body, R"({"error_code":336501,"error_msg":"Rate limit reached for RPM"})");
  auto decoder = NewErnieResponseDecoder(true, 1 << 20);
  ASSERT_TRUE(decoder->Feed(reply.body, [](const ContentChunk&) {}));
  EXPECT_EQ(decoder->Finish().api_error_class, ErrorClass::kHttp429);
  dialect.RenderError(ApiError::MethodNotAllowed("GET", "/x"), &reply);
  EXPECT_TRUE(absl::StartsWith(reply.body, R"({"error_code":3,)")) << reply.body;
}

TEST(QianfanDialectTest, VerifiesBceSignaturesWithItsKeys) {
  setenv("QIANFAN_ACCESS_KEY", "ak", 1);
  setenv("QIANFAN_SECRET_KEY", "sk", 1);
  QianfanV1Dialect dialect;
  unsetenv("QIANFAN_ACCESS_KEY");
  unsetenv("QIANFAN_SECRET_KEY");
  const absl::Time now = absl::FromUnixSeconds(1767225600);
  const std::string date = BceTimestamp(absl::ToUnixNanos(now));
  const std::string path = "/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/m";
  auto sign = [&](absl::string_view sk) {
    const std::pair<absl::string_view, absl::string_view> headers[] = {{"host", "127.0.0.1:1"},
                                                                       {"x-bce-date", date}};
    BceSigningInput in;
    in.access_key = "ak";
    in.secret_key = sk;
    in.timestamp = date;
    in.method = "POST";
    in.path = path;
    in.headers = headers;
    return BceAuthorization(in);
  };
  auto authorize = [&](const std::string& auth, absl::Time at) {
    const std::string lines = absl::StrCat("Host: 127.0.0.1:1\r\nx-bce-date: ", date,
                                           "\r\nAuthorization: ", auth, "\r\n");
    HttpRequest request;
    request.method = "POST";
    request.target = path;
    request.path = path;
    request.headers = lines;
    return dialect.Authorize(request, Route(dialect, 0), at);
  };
  EXPECT_FALSE(authorize(sign("sk"), now).has_value());
  std::optional<ApiError> refused = authorize(sign("other"), now);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->http_status, 401);
  EXPECT_TRUE(authorize(sign("sk"), now + absl::Hours(1)).has_value());  // expired
  EXPECT_TRUE(authorize("Bearer x", now).has_value());
}

}  // namespace
}  // namespace llmload::mock
