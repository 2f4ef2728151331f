#include "api/bedrock_adapter.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/api_table.h"
#include "api/aws_event_stream.h"
#include "api/aws_sigv4_signer.h"
#include "api/sha256.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace llmload {
namespace {

constexpr char kModel[] = "anthropic.claude-3-haiku-20240307-v1:0";
constexpr char kSecret[] = "fake-secret";
constexpr int64_t kWallNs = int64_t{1709814896} * 1000000000;

WorkloadSpec Spec(bool stream = true) {
  WorkloadSpec spec;
  spec.api = stream ? "bedrock-converse-stream" : "bedrock-converse";
  spec.url = "http://127.0.0.1:9";
  spec.model = kModel;
  spec.prompts = {{"p", "hello \"world\""}};
  spec.credentials = {{"AWS_ACCESS_KEY_ID", "AKIDFAKE"}, {"AWS_SECRET_ACCESS_KEY", kSecret}};
  return spec;
}

std::unique_ptr<ApiAdapter> Make(const WorkloadSpec& spec) {
  auto adapter = CreateApiAdapter(spec);
  EXPECT_TRUE(adapter.ok()) << adapter.status();
  return adapter.ok() ? *std::move(adapter) : nullptr;
}

std::string Event(absl::string_view type, absl::string_view payload) {
  std::string headers;
  AppendEventStreamStringHeader(":event-type", type, &headers);
  AppendEventStreamStringHeader(":content-type", "application/json", &headers);
  AppendEventStreamStringHeader(":message-type", "event", &headers);
  std::string out;
  AppendEventStreamMessage(headers, payload, &out);
  return out;
}

std::string Exception(absl::string_view type, absl::string_view payload) {
  std::string headers;
  AppendEventStreamStringHeader(":exception-type", type, &headers);
  AppendEventStreamStringHeader(":content-type", "application/json", &headers);
  AppendEventStreamStringHeader(":message-type", "exception", &headers);
  std::string out;
  AppendEventStreamMessage(headers, payload, &out);
  return out;
}

std::string Stream(bool with_stop = true, bool with_metadata = true) {
  std::string s = Event("messageStart", R"({"p":"abc","role":"assistant"})");
  s += Event("contentBlockStart", R"({"contentBlockIndex":0,"start":{}})");
  for (const char* t : {"Hel", "lo", ""}) {
    s += Event("contentBlockDelta",
               absl::StrCat(R"({"contentBlockIndex":0,"delta":{"text":")", t, R"("}})"));
  }
  s += Event("contentBlockStop", R"({"contentBlockIndex":0})");
  if (with_stop) s += Event("messageStop", R"({"stopReason":"end_turn"})");
  if (with_metadata) {
    s += Event("metadata", R"({"usage":{"inputTokens":7,"outputTokens":2,"totalTokens":9},)"
                           R"("metrics":{"latencyMs":321}})");
  }
  return s;
}

struct Decoded {
  std::vector<std::string> chunks;
  ResponseFacts facts;
};

Decoded Decode(ResponseDecoder& d, const std::vector<absl::string_view>& reads) {
  Decoded out;
  d.Reset();
  for (absl::string_view r : reads) {
    if (!d.Feed(r, [&](const ContentChunk& c) { out.chunks.emplace_back(c.text); })) break;
  }
  out.facts = d.Finish();
  return out;
}

TEST(BedrockAdapterTest, UrlPathEncodesTheModelIdAndResolvesToItself) {
  WorkloadSpec spec = Spec();
  auto adapter = Make(spec);
  ASSERT_NE(adapter, nullptr);
  EXPECT_EQ(adapter->endpoint_url(),
            "http://127.0.0.1:9/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream");
  ASSERT_TRUE(ResolveApiEndpoint(&spec).ok());
  const std::string once = spec.url;
  ASSERT_TRUE(ResolveApiEndpoint(&spec).ok());
  EXPECT_EQ(spec.url, once);
  WorkloadSpec plain = Spec(/*stream=*/false);
  plain.api = "bedrock";  // the alias
  EXPECT_EQ(Make(plain)->endpoint_url(),
            "http://127.0.0.1:9/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse");
  // A path of its own is refused: Bedrock's is built from --model.
  plain.url = "http://127.0.0.1:9/v1/chat";
  auto refused = CreateApiAdapter(plain);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "--url")) << refused.status();
}

TEST(BedrockAdapterTest, DefaultUrlComesFromTheRegion) {
  WorkloadSpec spec = Spec();
  spec.url.clear();
  spec.api_options = {{"aws-region", "eu-west-3"}};
  EXPECT_TRUE(absl::StartsWith(Make(spec)->endpoint_url(),
                               "https://bedrock-runtime.eu-west-3.amazonaws.com/model/"));
  spec.api_options.clear();
  spec.credentials.emplace_back("AWS_REGION", "ap-south-1");
  EXPECT_TRUE(absl::StartsWith(Make(spec)->endpoint_url(),
                               "https://bedrock-runtime.ap-south-1.amazonaws.com/model/"));
  spec.api_options = {{"aws-region", "EU-WEST-1"}};
  EXPECT_TRUE(absl::StartsWith(Make(spec)->endpoint_url(),
                               "https://bedrock-runtime.eu-west-1.amazonaws.com/model/"));
  spec.api_options = {{"aws-region", "Bad Region"}};
  auto refused = CreateApiAdapter(spec);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "--aws-region"));
}

TEST(BedrockAdapterTest, BodyHasMessagesAndInferenceConfig) {
  WorkloadSpec spec = Spec(false);
  spec.max_tokens = 100;
  spec.temperature = 0.5;
  spec.params = {{"topP", "0.9"}, {"system", R"([{"text":"be brief"}])"}};
  auto request = Make(spec)->Prepare(spec.prompts[0]);
  ASSERT_TRUE(request.ok());
  const nlohmann::json body = nlohmann::json::parse(request->body);
  EXPECT_EQ(body["messages"][0]["role"], "user");
  EXPECT_EQ(body["messages"][0]["content"][0]["text"], "hello \"world\"");
  EXPECT_EQ(body["inferenceConfig"]["maxTokens"], 100);
  EXPECT_EQ(body["inferenceConfig"]["temperature"], 0.5);
  EXPECT_EQ(body["inferenceConfig"]["topP"], 0.9);
  EXPECT_EQ(body["system"][0]["text"], "be brief");
  EXPECT_EQ(request->method, "POST");
  // Without a common flag or an inferenceConfig --param, there is no inferenceConfig.
  WorkloadSpec bare = Spec(false);
  EXPECT_FALSE(nlohmann::json::parse(Make(bare)->Prepare(bare.prompts[0])->body)
                   .contains("inferenceConfig"));
  // Refused: what the adapter builds, and a field set twice.
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"messages", "[]"}, {"inferenceConfig", "{}"}, {"maxTokens", "5"}}) {
    WorkloadSpec bad = spec;
    bad.params = {{key, value}};
    auto refused = CreateApiAdapter(bad);
    ASSERT_FALSE(refused.ok()) << key;
    EXPECT_TRUE(absl::StrContains(refused.status().message(), "--param " + key));
  }
}

TEST(BedrockAdapterTest, SignsEachSendAsTheSignerDoes) {
  WorkloadSpec spec = Spec();
  spec.credentials.emplace_back("AWS_SESSION_TOKEN", "tok");
  auto adapter = Make(spec);
  ASSERT_TRUE(adapter->signs_each_send());
  auto request = adapter->Prepare(spec.prompts[0]);
  ASSERT_TRUE(request.ok());
  const std::string hash_line = "X-Amz-Content-Sha256: " + Sha256Hex(request->body);
  EXPECT_NE(std::find(request->header_lines.begin(), request->header_lines.end(), hash_line),
            request->header_lines.end());
  EXPECT_NE(std::find(request->header_lines.begin(), request->header_lines.end(),
                      "Accept: application/vnd.amazon.eventstream"),
            request->header_lines.end());
  SendExtras extras;
  ASSERT_TRUE(adapter->Sign(kWallNs, *request, &extras).ok());
  ASSERT_EQ(extras.header_lines.size(), 3u);
  EXPECT_EQ(extras.header_lines[0], "X-Amz-Date: 20240307T123456Z");
  EXPECT_EQ(extras.header_lines[1], "X-Amz-Security-Token: tok");
  // What a verifier computes from the request as sent: the model id's ':' is %3A in the path.
  SigV4Request r;
  r.method = "POST";
  r.path = "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream";
  r.headers = {{"host", "127.0.0.1:9"},
               {"x-amz-content-sha256", Sha256Hex(request->body)},
               {"x-amz-date", "20240307T123456Z"},
               {"x-amz-security-token", "tok"}};
  const std::string hash = Sha256Hex(request->body);
  r.payload_sha256_hex = hash;
  r.amz_date = "20240307T123456Z";
  r.region = "us-east-1";
  r.service = "bedrock";
  EXPECT_TRUE(absl::EndsWith(extras.header_lines[2],
                             absl::StrCat("Signature=", SigV4Signature(kSecret, r))))
      << extras.header_lines[2];
  EXPECT_TRUE(absl::StrContains(extras.header_lines[2],
                                "Credential=AKIDFAKE/20240307/us-east-1/bedrock/aws4_request"));
}

TEST(BedrockAdapterTest, CredentialsAreBothKeysOrNoneOrABearerKey) {
  WorkloadSpec spec = Spec();
  spec.credentials = {{"AWS_ACCESS_KEY_ID", "AKIDFAKE"}};
  auto refused = CreateApiAdapter(spec);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "AWS_SECRET_ACCESS_KEY"));
  EXPECT_FALSE(absl::StrContains(refused.status().message(), "AKIDFAKE"));
  spec.credentials.clear();
  EXPECT_FALSE(Make(spec)->signs_each_send());  // unsigned, for a mock
  spec.api_key = "bedrock-api-key";
  auto bearer = Make(spec);
  EXPECT_FALSE(bearer->signs_each_send());
  auto request = bearer->Prepare(spec.prompts[0]);
  EXPECT_EQ(request->header_lines.back(), "Authorization: Bearer bedrock-api-key");
  // A header the signature sets is refused beside the keys.
  WorkloadSpec header = Spec();
  header.headers = {{"X-Amz-Date", "x"}};
  EXPECT_FALSE(CreateApiAdapter(header).ok());
}

TEST(BedrockAdapterTest, StreamDecodesTheSameAtEverySplitPoint) {
  auto adapter = Make(Spec());
  auto d = adapter->NewDecoder();
  ASSERT_TRUE(d->streaming());
  EXPECT_TRUE(d->AcceptsContentType("application/vnd.amazon.eventstream"));
  EXPECT_FALSE(d->AcceptsContentType("text/event-stream"));
  const std::string s = Stream();
  for (size_t i = 0; i <= s.size(); ++i) {
    Decoded out = Decode(*d, {absl::string_view(s).substr(0, i), absl::string_view(s).substr(i)});
    ASSERT_EQ(out.chunks, (std::vector<std::string>{"Hel", "lo"})) << i;
    ASSERT_TRUE(out.facts.complete);
    ASSERT_FALSE(out.facts.malformed);
    ASSERT_FALSE(out.facts.api_error);
    ASSERT_EQ(out.facts.framing, FramingEnd::kClean);
    ASSERT_TRUE(out.facts.usage.has_value());
    ASSERT_EQ(out.facts.usage->prompt_tokens, 7);
    ASSERT_EQ(out.facts.usage->completion_tokens, 2);
    ASSERT_EQ(out.facts.server.total_ns, 321'000'000);
  }
}

TEST(BedrockAdapterTest, EndMarkerIsMessageStop) {
  auto d = Make(Spec())->NewDecoder();
  // Cut before messageStop: truncated (not complete).
  EXPECT_FALSE(Decode(*d, {Stream(false, false)}).facts.complete);
  // Metadata without messageStop is not the end either.
  EXPECT_FALSE(Decode(*d, {Stream(false, true)}).facts.complete);
  // messageStop without metadata: complete, usage unknown.
  Decoded no_meta = Decode(*d, {Stream(true, false)});
  EXPECT_TRUE(no_meta.facts.complete);
  EXPECT_FALSE(no_meta.facts.usage.has_value());
  EXPECT_EQ(no_meta.facts.server.total_ns, -1);
  // Cut inside a message.
  const std::string s = Stream();
  Decoded cut = Decode(*d, {absl::string_view(s).substr(0, s.size() - 3)});
  EXPECT_EQ(cut.facts.framing, FramingEnd::kPartialEvent);
}

TEST(BedrockAdapterTest, EventsInOddOrdersAndUnknownEvents) {
  auto d = Make(Spec())->NewDecoder();
  // Metadata first, a newer event type, reasoning and tool-use deltas.
  std::string s = Event("metadata", R"({"usage":{"inputTokens":1,"outputTokens":3}})");
  s += Event("someFutureEvent", "not even json");
  s += Event("contentBlockDelta", R"({"delta":{"reasoningContent":{"text":"think"}}})");
  s += Event("contentBlockDelta", R"({"delta":{"toolUse":{"input":"{\"a\":1}"}}})");
  s += Event("messageStop", R"({"stopReason":"tool_use"})");
  Decoded out = Decode(*d, {s});
  EXPECT_EQ(out.chunks, (std::vector<std::string>{"think", "{\"a\":1}"}));
  EXPECT_TRUE(out.facts.complete);
  EXPECT_FALSE(out.facts.malformed);
  EXPECT_EQ(out.facts.usage->completion_tokens, 3);
}

TEST(BedrockAdapterTest, ExceptionsAreClassed) {
  EXPECT_EQ(BedrockExceptionClass("throttlingException"), ErrorClass::kHttp429);
  EXPECT_EQ(BedrockExceptionClass("internalServerException"), ErrorClass::kHttp5xx);
  EXPECT_EQ(BedrockExceptionClass("serviceUnavailableException"), ErrorClass::kHttp5xx);
  EXPECT_EQ(BedrockExceptionClass("modelStreamErrorException"), ErrorClass::kApiError);
  EXPECT_EQ(BedrockExceptionClass("validationException"), ErrorClass::kApiError);
  auto d = Make(Spec())->NewDecoder();
  std::string s = Event("messageStart", R"({"role":"assistant"})");
  s += Exception("throttlingException", R"({"message":"Too many requests"})");
  s += Exception("internalServerException", R"({"message":"later"})");
  Decoded out = Decode(*d, {s});
  EXPECT_TRUE(out.facts.api_error);
  EXPECT_EQ(out.facts.api_error_class, ErrorClass::kHttp429);  // the first
  EXPECT_EQ(out.facts.error_message, "throttlingException: Too many requests");
  // An error message (":message-type error").
  std::string headers;
  AppendEventStreamStringHeader(":message-type", "error", &headers);
  AppendEventStreamStringHeader(":error-code", "InternalFailure", &headers);
  AppendEventStreamStringHeader(":error-message", "boom", &headers);
  std::string error;
  AppendEventStreamMessage(headers, "", &error);
  Decoded err = Decode(*d, {error});
  EXPECT_TRUE(err.facts.api_error);
  EXPECT_EQ(err.facts.api_error_class, ErrorClass::kApiError);
  EXPECT_EQ(err.facts.error_message, "InternalFailure: boom");
}

TEST(BedrockAdapterTest, BadFramesAndPayloadsAreMalformed) {
  auto d = Make(Spec())->NewDecoder();
  std::string s = Stream();
  s[20] ^= 1;  // inside the first message: its CRC fails
  Decoded bad_crc = Decode(*d, {s});
  EXPECT_TRUE(bad_crc.facts.malformed);
  EXPECT_TRUE(bad_crc.chunks.empty());
  EXPECT_TRUE(Decode(*d, {Event("contentBlockDelta", "{nope")}).facts.malformed);
  std::string headers;
  AppendEventStreamStringHeader(":message-type", "surprise", &headers);
  std::string odd;
  AppendEventStreamMessage(headers, "{}", &odd);
  EXPECT_TRUE(Decode(*d, {odd}).facts.malformed);
  // After all that, a good stream decodes cleanly on the same decoder.
  Decoded good = Decode(*d, {Stream()});
  EXPECT_FALSE(good.facts.malformed);
  EXPECT_TRUE(good.facts.complete);
}

TEST(BedrockAdapterTest, BadUsageAndLatencyAreNotBelieved) {
  auto d = Make(Spec())->NewDecoder();
  std::string s = Event("messageStop", "{}");
  s += Event("metadata", R"({"usage":{"inputTokens":1,"outputTokens":2.5},)"
                         R"("metrics":{"latencyMs":-4}})");
  Decoded out = Decode(*d, {s});
  EXPECT_TRUE(out.facts.usage_invalid);
  EXPECT_FALSE(out.facts.usage.has_value());
  EXPECT_EQ(out.facts.server.total_ns, -1);
  s = Event("messageStop", "{}");
  s += Event("metadata", R"({"usage":"lots","metrics":{"latencyMs":"5"}})");
  out = Decode(*d, {s});
  EXPECT_TRUE(out.facts.usage_invalid);
  EXPECT_EQ(out.facts.server.total_ns, -1);
}

TEST(BedrockAdapterTest, FrameOverTheLimitIsTooLarge) {
  WorkloadSpec spec = Spec();
  spec.max_response_bytes = 64;
  auto d = Make(spec)->NewDecoder();
  const std::string big =
      Event("contentBlockDelta", R"({"delta":{"text":")" + std::string(100, 'x') + "\"}}");
  ResponseFacts facts;
  EXPECT_FALSE(d->Feed(big, [](const ContentChunk&) {}));
  EXPECT_EQ(d->Finish().framing, FramingEnd::kTooLarge);
}

TEST(BedrockAdapterTest, NonStreamedBody) {
  auto d = Make(Spec(false))->NewDecoder();
  ASSERT_FALSE(d->streaming());
  const std::string body =
      R"({"output":{"message":{"role":"assistant","content":[{"text":"Hi there"}]}},)"
      R"("stopReason":"end_turn","usage":{"inputTokens":12,"outputTokens":3,"totalTokens":15},)"
      R"("metrics":{"latencyMs":45}})";
  for (size_t i = 0; i <= body.size(); i += 5) {
    Decoded out =
        Decode(*d, {absl::string_view(body).substr(0, i), absl::string_view(body).substr(i)});
    ASSERT_TRUE(out.facts.complete);
    ASSERT_FALSE(out.facts.malformed);
    ASSERT_EQ(out.facts.usage->prompt_tokens, 12);
    ASSERT_EQ(out.facts.usage->completion_tokens, 3);
    ASSERT_EQ(out.facts.server.total_ns, 45'000'000);
  }
  EXPECT_TRUE(Decode(*d, {R"({"message":"x"})"}).facts.malformed);
  EXPECT_TRUE(Decode(*d, {"not json"}).facts.malformed);
  WorkloadSpec small = Spec(false);
  small.max_response_bytes = 16;
  auto tiny = Make(small)->NewDecoder();
  EXPECT_EQ(Decode(*tiny, {body}).facts.framing, FramingEnd::kTooLarge);
}

TEST(BedrockAdapterTest, ErrorBodies) {
  auto d = Make(Spec())->NewDecoder();
  EXPECT_EQ(
      d->DecodeErrorBody(R"({"message":"The request signature we calculated does not match"})")
          .message,
      "The request signature we calculated does not match");
  EXPECT_EQ(d->DecodeErrorBody(R"({"Message":"Capital"})").message, "Capital");
  EXPECT_EQ(d->DecodeErrorBody("  plain text  ").message, "plain text");
}

}  // namespace
}  // namespace llmload
