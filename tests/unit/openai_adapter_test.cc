#include "api/openai_adapter.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "api/api_table.h"
#include "gtest/gtest.h"

namespace llmload {
namespace {

WorkloadSpec Spec() {
  WorkloadSpec spec;
  spec.url = "http://127.0.0.1:9";
  spec.model = "m";
  spec.prompts = {{"p", "hello"}};
  return spec;
}

std::string Sse() {
  std::string s;
  for (int i = 0; i < 3; ++i) s += "data: {\"choices\":[{\"delta\":{\"content\":\"tok\"}}]}\n\n";
  s += "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}],"
       "\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":3}}\n\ndata: [DONE]\n\n";
  return s;
}

TEST(OpenAiAdapterTest, TheTableMakesBothApisAndResolvesTheirUrls) {
  WorkloadSpec spec = Spec();
  auto chat = CreateApiAdapter(spec);
  ASSERT_TRUE(chat.ok()) << chat.status();
  EXPECT_EQ((*chat)->endpoint_url(), "http://127.0.0.1:9/v1/chat/completions");
  spec.api = "completions";  // an alias
  auto completions = CreateApiAdapter(spec);
  ASSERT_TRUE(completions.ok()) << completions.status();
  EXPECT_EQ((*completions)->endpoint_url(), "http://127.0.0.1:9/v1/completions");
  spec.api = "nope";
  EXPECT_FALSE(CreateApiAdapter(spec).ok());
  spec.api = "openai-chat";
  spec.api_options = {{"aws-region", "x"}};  // not an option of this API
  auto refused = CreateApiAdapter(spec);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "--aws-region"));
}

TEST(OpenAiAdapterTest, ResolvingAResolvedEndpointGivesItBack) {
  WorkloadSpec spec = Spec();
  ASSERT_TRUE(ResolveApiEndpoint(&spec).ok());
  const std::string once = spec.url;
  ASSERT_TRUE(ResolveApiEndpoint(&spec).ok());
  EXPECT_EQ(spec.url, once);
}

TEST(OpenAiAdapterTest, PreparesBodyHeadersAndKey) {
  WorkloadSpec spec = Spec();
  spec.api_key = "sk-k";
  auto adapter = CreateApiAdapter(spec);
  ASSERT_TRUE(adapter.ok());
  auto request = (*adapter)->Prepare(spec.prompts[0]);
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->method, "POST");
  EXPECT_TRUE(absl::StrContains(request->body, "\"content\":\"hello\""));
  std::vector<std::string> want = {"Content-Type: application/json", "Accept: text/event-stream",
                                   "Expect:", "Authorization: Bearer sk-k"};
  EXPECT_EQ(request->header_lines, want);
  EXPECT_FALSE((*adapter)->signs_each_send());
}

TEST(OpenAiAdapterTest, StreamDecodesTheSameAtEverySplitPoint) {
  const std::string body = Sse();
  for (size_t split = 0; split <= body.size(); ++split) {
    auto decoder = NewOpenAiResponseDecoder(/*stream=*/true, 1 << 20);
    int chunks = 0;
    auto count = [&](const ContentChunk& c) {
      EXPECT_EQ(c.text, "tok");
      ++chunks;
    };
    ASSERT_TRUE(decoder->Feed(absl::string_view(body).substr(0, split), count));
    ASSERT_TRUE(decoder->Feed(absl::string_view(body).substr(split), count));
    const ResponseFacts facts = decoder->Finish();
    EXPECT_EQ(chunks, 3) << split;
    EXPECT_TRUE(facts.complete);
    EXPECT_EQ(facts.framing, FramingEnd::kClean);
    ASSERT_TRUE(facts.usage.has_value());
    EXPECT_EQ(facts.usage->completion_tokens, 3);
  }
}

TEST(OpenAiAdapterTest, ACutOffOrOversizedStreamSaysSo) {
  auto decoder = NewOpenAiResponseDecoder(true, 1 << 20);
  ASSERT_TRUE(decoder->Feed("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: {\"ch",
                            [](const ContentChunk&) {}));
  ResponseFacts facts = decoder->Finish();
  EXPECT_EQ(facts.framing, FramingEnd::kPartialEvent);
  EXPECT_FALSE(facts.complete);

  decoder->Reset();
  auto small = NewOpenAiResponseDecoder(true, 16);
  EXPECT_FALSE(small->Feed("data: " + std::string(64, 'x'), [](const ContentChunk&) {}));
  EXPECT_EQ(small->Finish().framing, FramingEnd::kTooLarge);
}

TEST(OpenAiAdapterTest, ErrorEventsAndBodies) {
  auto decoder = NewOpenAiResponseDecoder(true, 1 << 20);
  ASSERT_TRUE(
      decoder->Feed("data: {\"error\":{\"message\":\"boom\"}}\n\n", [](const ContentChunk&) {}));
  ResponseFacts facts = decoder->Finish();
  EXPECT_TRUE(facts.api_error);
  EXPECT_EQ(facts.api_error_class, ErrorClass::kApiError);
  EXPECT_EQ(facts.error_message, "boom");
  EXPECT_EQ(decoder->DecodeErrorBody("{\"detail\":\"nope\"}").message, "nope");
}

TEST(OpenAiAdapterTest, NonStreamedBodyIsDecodedAtTheEndAndCapped) {
  auto decoder = NewOpenAiResponseDecoder(/*stream=*/false, 1 << 20);
  EXPECT_FALSE(decoder->streaming());
  const std::string body = R"({"choices":[{"message":{"content":"hi"},"finish_reason":"stop"}],)"
                           R"("usage":{"prompt_tokens":1,"completion_tokens":2}})";
  ASSERT_TRUE(decoder->Feed(body.substr(0, 10), [](const ContentChunk&) {}));
  ASSERT_TRUE(decoder->Feed(body.substr(10), [](const ContentChunk&) {}));
  ResponseFacts facts = decoder->Finish();
  EXPECT_FALSE(facts.api_error);
  EXPECT_FALSE(facts.malformed);
  ASSERT_TRUE(facts.usage.has_value());
  EXPECT_EQ(facts.usage->completion_tokens, 2);

  auto small = NewOpenAiResponseDecoder(false, 8);
  EXPECT_FALSE(small->Feed(body, [](const ContentChunk&) {}));
  EXPECT_EQ(small->Finish().framing, FramingEnd::kTooLarge);
}

}  // namespace
}  // namespace llmload
