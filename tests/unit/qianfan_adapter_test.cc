#include "api/qianfan_adapter.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "api/api_table.h"
#include "api/bce_auth_signer.h"
#include "api/ernie_response_decoder.h"
#include "gtest/gtest.h"

namespace llmload {
namespace {

WorkloadSpec Spec() {
  WorkloadSpec spec;
  spec.api = "qianfan";
  spec.url = "http://127.0.0.1:9";
  spec.model = "ernie-3.5-8k";
  spec.prompts = {{"p", "hello"}};
  return spec;
}

std::unique_ptr<ApiAdapter> Make(const WorkloadSpec& spec) {
  auto adapter = CreateApiAdapter(spec);
  EXPECT_TRUE(adapter.ok()) << adapter.status();
  return adapter.ok() ? *std::move(adapter) : nullptr;
}

std::string Refusal(const WorkloadSpec& spec) {
  auto adapter = CreateApiAdapter(spec);
  EXPECT_FALSE(adapter.ok());
  return adapter.ok() ? std::string() : std::string(adapter.status().message());
}

TEST(QianfanAdapterTest, PicksTheApiFromTheCredentials) {
  WorkloadSpec spec = Spec();
  auto none = Make(spec);
  EXPECT_EQ(none->endpoint_url(), "http://127.0.0.1:9/v2/chat/completions");
  EXPECT_TRUE(absl::StrContains(none->notice(), "without credentials"));

  spec.credentials = {{"QIANFAN_AK", "ak"}, {"QIANFAN_SK", "sk"}};
  auto oauth = Make(spec);
  EXPECT_EQ(oauth->endpoint_url(),
            "http://127.0.0.1:9/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/ernie-3.5-8k");
  EXPECT_TRUE(absl::StrContains(oauth->notice(), "OAuth"));
  EXPECT_FALSE(oauth->signs_each_send());

  spec.credentials.push_back({"QIANFAN_ACCESS_KEY", "AK"});
  spec.credentials.push_back({"QIANFAN_SECRET_KEY", "SK"});
  auto bce = Make(spec);
  EXPECT_TRUE(absl::StrContains(bce->notice(), "bce-auth-v1"));
  EXPECT_TRUE(bce->signs_each_send());

  spec.api_key = "k";
  auto v2 = Make(spec);
  EXPECT_EQ(v2->endpoint_url(), "http://127.0.0.1:9/v2/chat/completions");
  EXPECT_TRUE(absl::StrContains(v2->notice(), "v2"));
  for (const std::string& s : {v2->notice(), bce->notice(), oauth->notice()}) {
    EXPECT_FALSE(absl::StrContains(s, "\"k\"") || absl::StrContains(s, ": SK"));
  }
}

TEST(QianfanAdapterTest, RefusesHalfAPairAndBadOptions) {
  WorkloadSpec spec = Spec();
  spec.credentials = {{"QIANFAN_SECRET_KEY", "SK"}};
  EXPECT_TRUE(absl::StrContains(Refusal(spec), "$QIANFAN_ACCESS_KEY is not"));
  spec.credentials = {{"QIANFAN_AK", "ak"}};
  EXPECT_TRUE(absl::StrContains(Refusal(spec), "$QIANFAN_SK is not"));
  spec.credentials = {};
  spec.api_options = {{"model-type", "embedding"}};
  EXPECT_TRUE(absl::StrContains(Refusal(spec), "--model-type 'embedding'"));
  spec.api_options = {{"model-type", "completion"}};  // v2 has no completions
  EXPECT_TRUE(absl::StrContains(Refusal(spec), "--model-type completion"));
  spec.api_options = {};
  spec.model.clear();  // accepted until a request is prepared: the run may name it later
  for (auto creds : {std::vector<std::pair<std::string, std::string>>{},
                     {{"QIANFAN_AK", "a"}, {"QIANFAN_SK", "s"}}}) {
    spec.credentials = creds;
    auto adapter = Make(spec);
    EXPECT_EQ(adapter->endpoint_url(),
              creds.empty() ? "http://127.0.0.1:9/v2/chat/completions" : "http://127.0.0.1:9");
    auto refused = adapter->Prepare(spec.prompts[0]);
    ASSERT_FALSE(refused.ok());
    EXPECT_TRUE(absl::StrContains(refused.status().message(), "--model"));
  }
  spec.credentials = {};
  spec = Spec();
  spec.credentials = {{"QIANFAN_ACCESS_KEY", "AK"}, {"QIANFAN_SECRET_KEY", "SK"}};
  spec.headers = {{"x-bce-date", "x"}};
  EXPECT_TRUE(absl::StrContains(Refusal(spec), "--header x-bce-date"));
}

TEST(QianfanAdapterTest, V1UrlAndBodyPerModelType) {
  WorkloadSpec spec = Spec();
  spec.model = "my:endpoint";
  spec.max_tokens = 7;
  spec.temperature = 0.5;
  spec.params = {{"top_p", "0.9"}};
  spec.credentials = {{"QIANFAN_ACCESS_KEY", "AK"}, {"QIANFAN_SECRET_KEY", "SK"}};
  auto chat = Make(spec);
  auto request = chat->Prepare(spec.prompts[0]);
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->url,
            "http://127.0.0.1:9/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/my%3Aendpoint");
  EXPECT_EQ(request->body, R"({"messages":[{"role":"user","content":"hello"}],"stream":true,)"
                           R"("max_output_tokens":7,"temperature":0.5,"top_p":0.9})");
  spec.api_options = {{"model-type", "completion"}};
  spec.stream = false;
  auto completion = Make(spec);
  request = completion->Prepare(spec.prompts[0]);
  ASSERT_TRUE(request.ok());
  EXPECT_TRUE(absl::StrContains(request->url, "/wenxinworkshop/completions/my%3Aendpoint"));
  EXPECT_EQ(request->body.substr(0, 34), R"({"prompt":"hello","stream":false,")");
  // A full path is used as given.
  spec.url = "http://127.0.0.1:9/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/custom";
  EXPECT_EQ(Make(spec)->endpoint_url(), spec.url);
}

TEST(QianfanAdapterTest, V2SendsTheOpenAiBodyWithBearer) {
  WorkloadSpec spec = Spec();
  spec.api_key = "k";
  auto adapter = Make(spec);
  auto request = adapter->Prepare(spec.prompts[0]);
  ASSERT_TRUE(request.ok());
  EXPECT_TRUE(absl::StrContains(request->body, R"("model":"ernie-3.5-8k")"));
  EXPECT_TRUE(absl::StrContains(request->body, R"("stream_options":{"include_usage":true})"));
  EXPECT_EQ(request->header_lines.back(), "Authorization: Bearer k");
}

TEST(QianfanAdapterTest, BceSignsEachSendWithItsTime) {
  WorkloadSpec spec = Spec();
  spec.url = "http://127.0.0.1:9/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/m?x=1";
  spec.credentials = {{"QIANFAN_ACCESS_KEY", "AK"}, {"QIANFAN_SECRET_KEY", "SK"}};
  auto adapter = Make(spec);
  auto request = adapter->Prepare(spec.prompts[0]);
  ASSERT_TRUE(request.ok());
  SendExtras extras;
  const int64_t now = int64_t{1767225600} * 1'000'000'000;  // 2026-01-01T00:00:00Z
  ASSERT_TRUE(adapter->Sign(now, *request, &extras).ok());
  const std::pair<absl::string_view, absl::string_view> headers[] = {
      {"host", "127.0.0.1:9"},
      {"content-type", "application/json"},
      {"x-bce-date", "2026-01-01T00:00:00Z"}};
  BceSigningInput in;
  in.access_key = "AK";
  in.secret_key = "SK";
  in.timestamp = "2026-01-01T00:00:00Z";
  in.method = "POST";
  in.path = "/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/m";
  in.query = "x=1";
  in.headers = headers;
  std::vector<std::string> want = {"Host: 127.0.0.1:9", "x-bce-date: 2026-01-01T00:00:00Z",
                                   "Authorization: " + BceAuthorization(in)};
  EXPECT_EQ(extras.header_lines, want);
  EXPECT_TRUE(absl::StartsWith(want[2],
                               "Authorization: bce-auth-v1/AK/2026-01-01T00:00:00Z/"
                               "1800/content-type;host;x-bce-date/"));
  SendExtras later;
  ASSERT_TRUE(adapter->Sign(now + 1'000'000'000, *request, &later).ok());
  EXPECT_NE(later.header_lines[2], extras.header_lines[2]);
}

TEST(QianfanAdapterTest, OAuthFetchesTheTokenOnceAndSendsItAsAQuery) {
  WorkloadSpec spec = Spec();
  spec.credentials = {{"QIANFAN_AK", "a k"}, {"QIANFAN_SK", "s/k"}};
  auto adapter = Make(spec);
  std::vector<PreparedRequest> asked;
  FetchedResponse reply{200, R"({"access_token":"24.tok","expires_in":2592000})"};
  auto fetch = [&](const PreparedRequest& r) -> absl::StatusOr<FetchedResponse> {
    asked.push_back(r);
    return reply;
  };
  EXPECT_FALSE(adapter->Prepare(spec.prompts[0]).ok());  // no token before Start
  ASSERT_TRUE(adapter->Start(fetch).ok());
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0].method, "POST");
  EXPECT_EQ(asked[0].url,
            "http://127.0.0.1:9/oauth/2.0/token?grant_type=client_credentials&client_id=a%20k"
            "&client_secret=s%2Fk");
  auto request = adapter->Prepare(spec.prompts[0]);
  ASSERT_TRUE(request.ok());
  EXPECT_TRUE(absl::EndsWith(request->url, "/chat/ernie-3.5-8k?access_token=24.tok"));

  spec.api_options = {{"qianfan-oauth-url", "http://localhost:7"}};
  auto elsewhere = Make(spec);
  ASSERT_TRUE(elsewhere->Start(fetch).ok());
  EXPECT_TRUE(absl::StartsWith(asked.back().url, "http://localhost:7/oauth/2.0/token?"));

  // Refusals name the cause and never the secret key.
  reply = {401, R"({"error":"invalid_client","error_description":"unknown client id"})"};
  auto refused = Make(spec)->Start(fetch);
  EXPECT_TRUE(absl::StrContains(refused.message(), "unknown client id")) << refused;
  EXPECT_FALSE(absl::StrContains(refused.message(), "s%2Fk"));
  auto unreachable = [&](const PreparedRequest& r) -> absl::StatusOr<FetchedResponse> {
    return absl::UnavailableError("POST " + r.url + ": connection refused");
  };
  refused = Make(spec)->Start(unreachable);
  EXPECT_TRUE(absl::StrContains(refused.message(), "connection refused")) << refused;
  EXPECT_FALSE(absl::StrContains(refused.message(), "s%2Fk")) << refused;
  EXPECT_FALSE(absl::StrContains(refused.message(), "s/k")) << refused;
  // A run longer than the token lives is refused.
  reply = {200, R"({"access_token":"t","expires_in":60})"};
  spec.run_time = absl::Seconds(120);
  refused = Make(spec)->Start(fetch);
  EXPECT_TRUE(absl::StrContains(refused.message(), "--run-time")) << refused;
}

// An ERNIE stream: three results, the last with is_end and the usage.
std::string ErnieStream() {
  std::string s;
  for (int i = 0; i < 3; ++i) {
    s += "data: {\"id\":\"as-1\",\"sentence_id\":" + std::to_string(i) +
         ",\"is_end\":" + (i == 2 ? "true" : "false") +
         ",\"result\":\"tok\",\"usage\":"
         "{\"prompt_tokens\":2,\"completion_tokens\":" +
         std::to_string(i + 1) + ",\"total_tokens\":" + std::to_string(i + 3) + "}}\n\n";
  }
  return s;
}

TEST(ErnieResponseDecoderTest, StreamDecodesTheSameAtEverySplitPoint) {
  const std::string body = ErnieStream();
  auto decoder = NewErnieResponseDecoder(/*stream=*/true, 1 << 20);
  for (size_t split = 0; split <= body.size(); ++split) {
    decoder->Reset();
    int chunks = 0;
    auto count = [&](const ContentChunk& c) {
      EXPECT_EQ(c.text, "tok");
      ++chunks;
    };
    ASSERT_TRUE(decoder->Feed(absl::string_view(body).substr(0, split), count));
    ASSERT_TRUE(decoder->Feed(absl::string_view(body).substr(split), count));
    const ResponseFacts facts = decoder->Finish();
    EXPECT_EQ(chunks, 3) << split;
    EXPECT_TRUE(facts.complete) << split;
    EXPECT_FALSE(facts.api_error || facts.malformed || facts.usage_invalid);
    ASSERT_TRUE(facts.usage.has_value());
    EXPECT_EQ(facts.usage->completion_tokens, 3);
    EXPECT_EQ(facts.usage->prompt_tokens, 2);
  }
}

TEST(ErnieResponseDecoderTest, WithoutIsEndTheStreamIsIncomplete) {
  auto decoder = NewErnieResponseDecoder(true, 1 << 20);
  const std::string body = "data: {\"result\":\"a\",\"is_end\":false}\n\ndata: {\"result\":\"b";
  int chunks = 0;
  ASSERT_TRUE(decoder->Feed(body, [&](const ContentChunk&) { ++chunks; }));
  const ResponseFacts facts = decoder->Finish();
  EXPECT_EQ(chunks, 1);
  EXPECT_FALSE(facts.complete);
  EXPECT_EQ(facts.framing, FramingEnd::kPartialEvent);
}

TEST(ErnieResponseDecoderTest, ErrorsMapToClasses) {
  struct Case {
    std::string body;
    ErrorClass want;
  };
  const Case cases[] = {
      {R"({"error_code":18,"error_msg":"Open api qps request limit reached"})",
       ErrorClass::kHttp429},
      {R"({"error_code":336501,"error_msg":"Rate limit reached for RPM"})", ErrorClass::kHttp429},
      {R"({"error_code":336502,"error_msg":"Rate limit reached for TPM"})", ErrorClass::kHttp429},
      {R"({"error_code":110,"error_msg":"Access token invalid or no longer valid"})",
       ErrorClass::kApiError},
      {R"({"error_code":336003,"error_msg":"bad"})", ErrorClass::kApiError},
  };
  for (bool stream : {true, false}) {
    auto decoder = NewErnieResponseDecoder(stream, 1 << 20);
    for (const Case& c : cases) {
      decoder->Reset();
      // Qianfan answers a streamed request's error with one JSON body; split it anywhere.
      for (size_t split : {size_t{0}, size_t{1}, c.body.size() / 2}) {
        decoder->Reset();
        ASSERT_TRUE(decoder->Feed(" " + c.body.substr(0, split), [](const ContentChunk&) {}));
        ASSERT_TRUE(decoder->Feed(c.body.substr(split), [](const ContentChunk&) {}));
        const ResponseFacts facts = decoder->Finish();
        EXPECT_TRUE(facts.api_error) << c.body;
        EXPECT_EQ(facts.api_error_class, c.want) << c.body;
        EXPECT_FALSE(facts.error_message.empty());
      }
    }
    // As an SSE event, too.
    decoder->Reset();
    ASSERT_TRUE(
        decoder->Feed("data: {\"result\":\"a\"}\n\ndata: {\"error_code\":18,"
                      "\"error_msg\":\"qps\"}\n\n",
                      [](const ContentChunk&) {}));
    if (stream) {
      const ResponseFacts facts = decoder->Finish();
      EXPECT_TRUE(facts.api_error);
      EXPECT_EQ(facts.api_error_class, ErrorClass::kHttp429);
      EXPECT_EQ(facts.error_message, "qps");
    }
  }
  auto decoder = NewErnieResponseDecoder(true, 1 << 20);
  const ApiError error =
      decoder->DecodeErrorBody(R"({"error_code":336501,"error_msg":"Rate limit reached for RPM"})");
  EXPECT_EQ(error.code, "336501");
  EXPECT_EQ(error.message, "Rate limit reached for RPM");
  EXPECT_EQ(decoder->DecodeErrorBody("<html>bad gateway</html>").message,
            "<html>bad gateway</html>");
}

TEST(ErnieResponseDecoderTest, NonStreamedBodyAndBadValues) {
  auto decoder = NewErnieResponseDecoder(false, 1 << 20);
  ASSERT_TRUE(
      decoder->Feed(R"({"id":"as-1","result":"hi there","is_truncated":false,)"
                    R"("usage":{"prompt_tokens":4,"completion_tokens":2,"total_tokens":6}})",
                    [](const ContentChunk&) {}));
  ResponseFacts facts = decoder->Finish();
  EXPECT_TRUE(facts.complete);
  ASSERT_TRUE(facts.usage.has_value());
  EXPECT_EQ(facts.usage->completion_tokens, 2);
  decoder->Reset();
  ASSERT_TRUE(decoder->Feed(R"({"result":"x","usage":{"completion_tokens":1.5}})",
                            [](const ContentChunk&) {}));
  EXPECT_TRUE(decoder->Finish().usage_invalid);
  decoder->Reset();
  ASSERT_TRUE(decoder->Feed(R"({"id":"no result"})", [](const ContentChunk&) {}));
  EXPECT_TRUE(decoder->Finish().malformed);
  decoder->Reset();
  ASSERT_TRUE(decoder->Feed("not json", [](const ContentChunk&) {}));
  EXPECT_TRUE(decoder->Finish().malformed);
  // Too large.
  auto small = NewErnieResponseDecoder(false, 8);
  EXPECT_FALSE(small->Feed(R"({"result":"a long answer"})", [](const ContentChunk&) {}));
  EXPECT_EQ(small->Finish().framing, FramingEnd::kTooLarge);
  // A streamed event with a bad usage or not JSON.
  auto stream = NewErnieResponseDecoder(true, 1 << 20);
  ASSERT_TRUE(
      stream->Feed("data: {\"result\":\"a\",\"is_end\":true,\"usage\":{\"completion_"
                   "tokens\":\"3\"}}\n\ndata: nope\n\n",
                   [](const ContentChunk&) {}));
  facts = stream->Finish();
  EXPECT_TRUE(facts.usage_invalid);
  EXPECT_TRUE(facts.malformed);
  EXPECT_TRUE(stream->AcceptsContentType("text/event-stream"));
  EXPECT_TRUE(stream->AcceptsContentType("application/json; charset=utf-8"));
  EXPECT_FALSE(stream->AcceptsContentType("text/html"));
}

}  // namespace
}  // namespace llmload
