#include "api/zhipu_adapter.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "api/api_table.h"
#include "gtest/gtest.h"

namespace llmload {
namespace {

// Computed independently (Python's hmac and base64 modules) for id "7f3a9c", secret
// "Zx8s2Kq" at 1700000000000 ms with the 210 s lifetime.
constexpr absl::string_view kVectorJwt =
    "eyJhbGciOiJIUzI1NiIsInNpZ25fdHlwZSI6IlNJR04ifQ."
    "eyJhcGlfa2V5IjoiN2YzYTljIiwiZXhwIjoxNzAwMDAwMjEwMDAwLCJ0aW1lc3RhbXAiOjE3MDAwMDAwMDAwMDB9."
    "weGNOpEAfqqVmzi5CoOEp7P6AkfU-qBHMx64nLllvUg";

WorkloadSpec Spec() {
  WorkloadSpec spec;
  spec.api = "zhipu";
  spec.url = "http://127.0.0.1:9";
  spec.model = "glm-4-flash";
  spec.prompts = {{"p", "hello"}};
  return spec;
}

TEST(ZhipuAdapterTest, TheJwtIsExactlyTheReferenceOne) {
  EXPECT_EQ(ZhipuJwt("7f3a9c", "Zx8s2Kq", 1700000000000), kVectorJwt);
  // Its parts decode to the header and payload Zhipu's SDK signs.
  std::vector<std::string> parts = absl::StrSplit(ZhipuJwt("id", "s", 5, 10), '.');
  ASSERT_EQ(parts.size(), 3u);
  std::string header;
  std::string payload;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(parts[0], &header));
  ASSERT_TRUE(absl::WebSafeBase64Unescape(parts[1], &payload));
  EXPECT_EQ(header, R"({"alg":"HS256","sign_type":"SIGN"})");
  EXPECT_EQ(payload, R"({"api_key":"id","exp":15,"timestamp":5})");
  EXPECT_FALSE(absl::StrContains(parts[2], "="));  // base64url without padding
  // An id with a quote stays valid JSON.
  parts = absl::StrSplit(ZhipuJwt("a\"b", "s", 1, 1), '.');
  ASSERT_TRUE(absl::WebSafeBase64Unescape(parts[1], &payload));
  EXPECT_EQ(payload, R"({"api_key":"a\"b","exp":2,"timestamp":1})");
}

TEST(ZhipuAdapterTest, OnlyAnIdDotSecretKeyIsSplit) {
  absl::string_view id;
  absl::string_view secret;
  ASSERT_TRUE(SplitZhipuKey("abc.def", &id, &secret));
  EXPECT_EQ(id, "abc");
  EXPECT_EQ(secret, "def");
  for (absl::string_view key : {"", "abc", ".def", "abc.", "a.b.c", "sk-plain"}) {
    EXPECT_FALSE(SplitZhipuKey(key, &id, &secret)) << key;
  }
}

TEST(ZhipuAdapterTest, AnIdDotSecretKeyIsSentAsAFreshJwtOnEverySend) {
  WorkloadSpec spec = Spec();
  spec.api_key = "7f3a9c.Zx8s2Kq";
  auto adapter = CreateApiAdapter(spec);
  ASSERT_TRUE(adapter.ok()) << adapter.status();
  EXPECT_EQ((*adapter)->endpoint_url(), "http://127.0.0.1:9/api/paas/v4/chat/completions");
  auto request = (*adapter)->Prepare(spec.prompts[0]);
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->url, "http://127.0.0.1:9/api/paas/v4/chat/completions");
  // The prepared request carries no key at all: neither the secret nor an Authorization.
  for (const std::string& line : request->header_lines) {
    EXPECT_FALSE(absl::StartsWithIgnoreCase(line, "authorization")) << line;
    EXPECT_FALSE(absl::StrContains(line, "Zx8s2Kq")) << line;
  }
  EXPECT_FALSE(absl::StrContains(request->body, "Zx8s2Kq"));
  EXPECT_TRUE((*adapter)->signs_each_send());
  SendExtras extras;
  ASSERT_TRUE(
      (*adapter)->Sign(int64_t{1700000000000} * 1'000'000 + 999'999, *request, &extras).ok());
  EXPECT_EQ(extras.header_lines,
            std::vector<std::string>{absl::StrCat("Authorization: Bearer ", kVectorJwt)});
  EXPECT_TRUE(extras.url.empty());
  SendExtras later;
  ASSERT_TRUE((*adapter)->Sign(int64_t{1700000001000} * 1'000'000, *request, &later).ok());
  EXPECT_NE(later.header_lines, extras.header_lines);
}

TEST(ZhipuAdapterTest, AnyOtherKeyIsABearerKey) {
  WorkloadSpec spec = Spec();
  spec.api_key = "plain-key";
  spec.max_tokens = 8;
  auto adapter = CreateApiAdapter(spec);
  ASSERT_TRUE(adapter.ok());
  EXPECT_FALSE((*adapter)->signs_each_send());
  auto request = (*adapter)->Prepare(spec.prompts[0]);
  ASSERT_TRUE(request.ok());
  const std::vector<std::string> want = {"Content-Type: application/json",
                                         "Accept: text/event-stream",
                                         "Expect:", "Authorization: Bearer plain-key"};
  EXPECT_EQ(request->header_lines, want);
  // The body is OpenAI's chat body.
  EXPECT_TRUE(absl::StartsWith(
      request->body,
      R"({"model":"glm-4-flash","messages":[{"role":"user","content":"hello"}],"max_tokens":8,)"
      R"("stream":true)"))
      << request->body;
  // A full path is used as given; an Authorization header beside the key is refused.
  spec.url = "http://127.0.0.1:9/api/paas/v4/chat/completions";
  EXPECT_EQ((*CreateApiAdapter(spec))->endpoint_url(), spec.url);
  spec.headers = {{"Authorization", "x"}};
  EXPECT_FALSE(CreateApiAdapter(spec).ok());
}

TEST(ZhipuAdapterTest, DecodesOpenAiShapedStreamsAndZhipuErrors) {
  WorkloadSpec spec = Spec();
  auto adapter = CreateApiAdapter(spec);
  ASSERT_TRUE(adapter.ok());
  auto decoder = (*adapter)->NewDecoder();
  const std::string body =
      "data: {\"id\":\"1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
      "\"content\":\"Hi\"}}]}\n\n"
      "data: {\"id\":\"1\",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"delta\":"
      "{\"role\":\"assistant\",\"content\":\"\"}}],\"usage\":{\"prompt_tokens\":5,"
      "\"completion_tokens\":1,\"total_tokens\":6}}\n\ndata: [DONE]\n\n";
  int chunks = 0;
  ASSERT_TRUE(decoder->Feed(body, [&](const ContentChunk& c) {
    EXPECT_EQ(c.text, "Hi");
    ++chunks;
  }));
  const ResponseFacts facts = decoder->Finish();
  EXPECT_EQ(chunks, 1);
  EXPECT_TRUE(facts.complete);
  ASSERT_TRUE(facts.usage.has_value());
  EXPECT_EQ(facts.usage->completion_tokens, 1);
  const ApiError error =
      decoder->DecodeErrorBody(R"({"error":{"code":"1002","message":"Authorization Token非法"}})");
  EXPECT_EQ(error.code, "1002");
  EXPECT_EQ(error.message, "Authorization Token非法");
}

}  // namespace
}  // namespace llmload
