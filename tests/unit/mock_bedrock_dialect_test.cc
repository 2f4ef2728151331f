#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "api/aws_event_stream.h"
#include "api/aws_sigv4_signer.h"
#include "api/sha256.h"
#include "gtest/gtest.h"
#include "mock/dialects/bedrock_dialect.h"
#include "mock/dialects/dialect_table.h"
#include "mock/http_request_parser.h"
#include "nlohmann/json.hpp"

namespace llmload::mock {
namespace {

constexpr char kPath[] = "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream";
constexpr char kBody[] = R"({"messages":[{"role":"user","content":[{"text":"Hello there!"}]}],)"
                         R"("inferenceConfig":{"maxTokens":7}})";
const absl::Time kNow = absl::FromUnixSeconds(1709814896);

// A request as llmload's signer signs it, parsed by the mock's own parser.
struct Signed {
  std::string bytes;
  HttpRequest request;
};
Signed SignedRequest(const std::string& secret, absl::Time signed_at = kNow,
                     const std::string& body = kBody) {
  Signed s;
  AwsSigV4Signer signer({"AKIDMOCK", secret, ""}, "us-east-1", "bedrock");
  std::vector<std::string> lines;
  const std::string hash = Sha256Hex(body);
  signer.Sign(absl::ToUnixNanos(signed_at), "POST", "127.0.0.1:8080", kPath, hash, &lines);
  s.bytes = absl::StrCat("POST ", kPath, " HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n",
                         "Content-Type: application/json\r\nX-Amz-Content-Sha256: ", hash, "\r\n");
  for (const std::string& l : lines) absl::StrAppend(&s.bytes, l, "\r\n");
  absl::StrAppend(&s.bytes, "Content-Length: ", body.size(), "\r\n\r\n", body);
  return s;
}

HttpRequest Parse(const std::string& bytes) {
  HttpRequestParser parser;
  EXPECT_EQ(parser.Parse(bytes), HttpRequestParser::Result::kComplete) << parser.error_message();
  return parser.request();
}

const MockRoute& StreamRoute(const BedrockDialect& d) { return d.routes()[1]; }

TEST(MockBedrockDialectTest, RoutesAreInTheTable) {
  DialectSet dialects;
  RouteMatch m;
  ASSERT_TRUE(dialects.Match("POST", kPath, &m));
  EXPECT_EQ(DialectTable()[m.dialect_index].name, "bedrock");
  EXPECT_EQ(m.captures.parts[0], "anthropic.claude-3-haiku-20240307-v1%3A0");
  ASSERT_TRUE(dialects.Match("POST", "/model/x/converse", &m));
  EXPECT_EQ(m.route->variant, 0);
}

TEST(MockBedrockDialectTest, VerifiesSigV4) {
  BedrockDialect d(MockAwsKeys{"AKIDMOCK", "secret"});
  Signed good = SignedRequest("secret");
  EXPECT_FALSE(d.Authorize(Parse(good.bytes), StreamRoute(d), kNow).has_value());
  Signed bad = SignedRequest("wrong");
  std::optional<ApiError> refused = d.Authorize(Parse(bad.bytes), StreamRoute(d), kNow);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->http_status, 403);
  EXPECT_EQ(refused->type, "InvalidSignatureException");
  MockReply reply;
  d.RenderError(*refused, &reply);
  EXPECT_EQ(nlohmann::json::parse(reply.body)["message"],
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service "
            "documentation for details.");
  EXPECT_EQ(reply.headers, "x-amzn-ErrorType: InvalidSignatureException\r\n");
  // A body changed after signing.
  std::string tampered = good.bytes;
  tampered.replace(tampered.find("Hello"), 5, "Jello");
  EXPECT_TRUE(d.Authorize(Parse(tampered), StreamRoute(d), kNow).has_value());
  // Signed 20 minutes ago: expired.
  Signed old = SignedRequest("secret", kNow - absl::Minutes(20));
  std::optional<ApiError> expired = d.Authorize(Parse(old.bytes), StreamRoute(d), kNow);
  ASSERT_TRUE(expired.has_value());
  EXPECT_TRUE(absl::StrContains(expired->message, "Signature expired")) << expired->message;
  // No Authorization header, another access key.
  std::string unsigned_request =
      absl::StrCat("POST ", kPath, " HTTP/1.1\r\nHost: h\r\n", "Content-Length: 2\r\n\r\n{}");
  EXPECT_EQ(d.Authorize(Parse(unsigned_request), StreamRoute(d), kNow)->type,
            "MissingAuthenticationTokenException");
  BedrockDialect other(MockAwsKeys{"AKIDOTHER", "secret"});
  EXPECT_EQ(other.Authorize(Parse(good.bytes), StreamRoute(other), kNow)->type,
            "UnrecognizedClientException");
  // Without keys, anything goes.
  BedrockDialect open(std::nullopt);
  EXPECT_FALSE(open.Authorize(Parse(bad.bytes), StreamRoute(open), kNow).has_value());
}

TEST(MockBedrockDialectTest, ParsesTheConverseBody) {
  BedrockDialect d(std::nullopt);
  Signed s = SignedRequest("x");
  MockRequest out;
  RouteCaptures captures;
  ASSERT_FALSE(d.ParseRequest(Parse(s.bytes), StreamRoute(d), captures, &out).has_value());
  EXPECT_TRUE(out.stream);
  EXPECT_EQ(out.max_tokens, 7);
  EXPECT_EQ(out.prompt_tokens, 3);  // ceil(12 bytes / 4)
  for (const std::string& body : {std::string("nope"), std::string(R"({"messages":[]})"),
                                  std::string(R"({"messages":[{"role":"user"}]})"),
                                  std::string(R"({"messages":[{"content":[]}],)"
                                              R"("inferenceConfig":{"maxTokens":"x"}})")}) {
    Signed b = SignedRequest("x", kNow, body);
    std::optional<ApiError> err = d.ParseRequest(Parse(b.bytes), StreamRoute(d), captures, &out);
    ASSERT_TRUE(err.has_value()) << body;
    EXPECT_EQ(err->http_status, 400);
    MockReply reply;
    d.RenderError(*err, &reply);
    EXPECT_EQ(reply.headers, "x-amzn-ErrorType: ValidationException\r\n");
  }
}

TEST(MockBedrockDialectTest, StreamsEventStreamFramesWithUsageAndLatency) {
  BedrockDialect d(std::nullopt);
  auto w = d.NewWriter();
  MockRequest request;
  request.stream = true;
  request.variant = 1;
  w->Begin(request, "bedrock-1", 0, /*chunked=*/false);
  EXPECT_EQ(w->stream_content_type(), "application/vnd.amazon.eventstream");
  std::string out;
  EXPECT_EQ(w->AppendPrelude(&out), 1);
  w->AppendToken("Hel", &out);
  w->AppendToken("lo \\\"x\\\"", &out);
  MockOutcome outcome;
  outcome.prompt_tokens = 3;
  outcome.completion_tokens = 2;
  outcome.total_ns = 45'600'000;
  EXPECT_EQ(w->AppendFinish(outcome, &out), 3);
  EventStreamDecoder decoder(1 << 20);
  std::vector<std::string> events;
  std::vector<nlohmann::json> payloads;
  ASSERT_EQ(decoder.Feed(out,
                         [&](const EventStreamMessage& m) {
                           EXPECT_EQ(m.StringHeader(":message-type"), "event");
                           EXPECT_EQ(m.StringHeader(":content-type"), "application/json");
                           events.emplace_back(m.StringHeader(":event-type"));
                           payloads.push_back(nlohmann::json::parse(m.payload));
                         }),
            EventStreamDecoder::Status::kOk);
  EXPECT_EQ(decoder.Finish(), EventStreamDecoder::End::kClean);
  EXPECT_EQ(events,
            (std::vector<std::string>{"messageStart", "contentBlockDelta", "contentBlockDelta",
                                      "contentBlockStop", "messageStop", "metadata"}));
  EXPECT_EQ(payloads[0]["role"], "assistant");
  EXPECT_EQ(payloads[2]["delta"]["text"], "lo \"x\"");
  EXPECT_EQ(payloads[4]["stopReason"], "end_turn");
  EXPECT_EQ(payloads[5]["usage"]["inputTokens"], 3);
  EXPECT_EQ(payloads[5]["usage"]["outputTokens"], 2);
  EXPECT_EQ(payloads[5]["usage"]["totalTokens"], 5);
  EXPECT_EQ(payloads[5]["metrics"]["latencyMs"], 45);
}

TEST(MockBedrockDialectTest, BodyHasOutputUsageAndLatency) {
  BedrockDialect d(std::nullopt);
  auto w = d.NewWriter();
  MockRequest request;
  w->Begin(request, "bedrock-1", 0, true);
  MockOutcome outcome;
  outcome.length = true;
  outcome.prompt_tokens = 4;
  outcome.completion_tokens = 7;
  outcome.total_ns = 12'000'000;
  std::string out;
  w->AppendBody("Hi \\\"you\\\"", outcome, &out);
  const nlohmann::json body = nlohmann::json::parse(out);
  EXPECT_EQ(body["output"]["message"]["content"][0]["text"], "Hi \"you\"");
  EXPECT_EQ(body["output"]["message"]["role"], "assistant");
  EXPECT_EQ(body["stopReason"], "max_tokens");
  EXPECT_EQ(body["usage"]["inputTokens"], 4);
  EXPECT_EQ(body["usage"]["outputTokens"], 7);
  EXPECT_EQ(body["metrics"]["latencyMs"], 12);
}

TEST(MockBedrockDialectTest, InjectedErrorsAreAwsShaped) {
  BedrockDialect d(std::nullopt);
  MockReply reply;
  d.RenderError(d.InjectedError(429, "m"), &reply);
  EXPECT_EQ(reply.headers, "x-amzn-ErrorType: ThrottlingException\r\n");
  EXPECT_TRUE(nlohmann::json::parse(reply.body).contains("message"));
  d.RenderError(d.InjectedError(500, "m"), &reply);
  EXPECT_EQ(reply.headers, "x-amzn-ErrorType: InternalServerException\r\n");
  d.RenderError(ApiError::NotFound("POST", "/x"), &reply);
  EXPECT_EQ(reply.headers, "x-amzn-ErrorType: ResourceNotFoundException\r\n");
}

}  // namespace
}  // namespace llmload::mock
