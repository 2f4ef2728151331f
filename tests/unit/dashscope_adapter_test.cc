#include "api/dashscope_adapter.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/api_table.h"
#include "gtest/gtest.h"

namespace llmload {
namespace {

WorkloadSpec Spec() {
  WorkloadSpec spec;
  spec.api = "dashscope";
  spec.url = "http://127.0.0.1:9";
  spec.model = "qwen-plus";
  spec.prompts = {{"p", "hello"}};
  return spec;
}

// One SSE event as DashScope frames it: id, event and :HTTP_STATUS lines, no space after ':'.
std::string Event(int id, absl::string_view content, absl::string_view finish, int output_tokens,
                  absl::string_view type = "result") {
  return absl::StrCat(
      "id:", id, "\nevent:", type,
      "\n:HTTP_STATUS/200\ndata:", R"({"output":{"choices":[{"message":{"content":")", content,
      R"(","role":"assistant"},"finish_reason":")", finish, R"("}]},"usage":{"total_tokens":)",
      10 + output_tokens, R"(,"output_tokens":)", output_tokens,
      R"(,"input_tokens":10},"request_id":"r-1"})", "\n\n");
}

std::string IncrementalStream() {
  return Event(1, "Hel", "null", 1) + Event(2, "lo", "null", 2) + Event(3, " world", "null", 3) +
         Event(4, "", "stop", 3);
}

// incremental_output=false: every event repeats the whole text so far.
std::string CumulativeStream() {
  return Event(1, "Hel", "null", 1) + Event(2, "Hello", "null", 2) +
         Event(3, "Hello world", "null", 3) + Event(4, "Hello world", "stop", 3);
}

struct Decoded {
  std::vector<std::string> chunks;
  ResponseFacts facts;
};

Decoded DecodeSplit(ResponseDecoder& decoder, absl::string_view body, size_t split) {
  Decoded out;
  auto collect = [&](const ContentChunk& c) { out.chunks.emplace_back(c.text); };
  EXPECT_TRUE(decoder.Feed(body.substr(0, split), collect));
  EXPECT_TRUE(decoder.Feed(body.substr(split), collect));
  out.facts = decoder.Finish();
  return out;
}

Decoded Decode(bool incremental, absl::string_view body) {
  auto decoder = NewDashScopeResponseDecoder(/*stream=*/true, incremental, 1 << 20);
  return DecodeSplit(*decoder, body, body.size());
}

TEST(DashScopeAdapterTest, TheTableMakesItAndResolvesItsUrl) {
  WorkloadSpec spec = Spec();
  auto adapter = CreateApiAdapter(spec);
  ASSERT_TRUE(adapter.ok()) << adapter.status();
  EXPECT_EQ((*adapter)->endpoint_url(),
            "http://127.0.0.1:9/api/v1/services/aigc/text-generation/generation");
  spec.url = "http://127.0.0.1:9/api";
  EXPECT_EQ((*CreateApiAdapter(spec))->endpoint_url(),
            "http://127.0.0.1:9/api/v1/services/aigc/text-generation/generation");
  spec.url = "http://127.0.0.1:9/custom/path";
  EXPECT_EQ((*CreateApiAdapter(spec))->endpoint_url(), "http://127.0.0.1:9/custom/path");
  const ApiEntry* entry = FindApi("dashscope");
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->key_env, "DASHSCOPE_API_KEY");
  EXPECT_FALSE(entry->lists_models);
}

TEST(DashScopeAdapterTest, PreparesTheStreamedRequest) {
  WorkloadSpec spec = Spec();
  spec.api_key = "sk-ds";
  spec.max_tokens = 64;
  spec.temperature = 0.5;
  spec.params = {{"top_p", "0.8"}, {"seed", "7"}};
  auto adapter = CreateApiAdapter(spec);
  ASSERT_TRUE(adapter.ok()) << adapter.status();
  auto request = (*adapter)->Prepare(spec.prompts[0]);
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->method, "POST");
  EXPECT_EQ(request->body,
            R"({"model":"qwen-plus","input":{"messages":[{"role":"user","content":"hello"}]},)"
            R"("parameters":{"result_format":"message","incremental_output":true,)"
            R"("max_tokens":64,"temperature":0.5,"top_p":0.8,"seed":7}})");
  const std::vector<std::string> want = {
      "Content-Type: application/json", "Accept: text/event-stream",
      "Expect:", "X-DashScope-SSE: enable", "Authorization: Bearer sk-ds"};
  EXPECT_EQ(request->header_lines, want);
  EXPECT_FALSE((*adapter)->signs_each_send());
  EXPECT_TRUE((*adapter)->NewDecoder()->streaming());
}

TEST(DashScopeAdapterTest, PreparesTheNonStreamedRequest) {
  WorkloadSpec spec = Spec();
  spec.stream = false;
  auto adapter = CreateApiAdapter(spec);
  ASSERT_TRUE(adapter.ok());
  auto request = (*adapter)->Prepare(spec.prompts[0]);
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->body,
            R"({"model":"qwen-plus","input":{"messages":[{"role":"user","content":"hello"}]},)"
            R"("parameters":{"result_format":"message"}})");
  const std::vector<std::string> want = {"Content-Type: application/json", "Expect:"};
  EXPECT_EQ(request->header_lines, want);
  EXPECT_FALSE((*adapter)->NewDecoder()->streaming());
}

TEST(DashScopeAdapterTest, IncrementalOutputParamChoosesTheDecodingAndIsChecked) {
  WorkloadSpec spec = Spec();
  spec.params = {{"incremental_output", "false"}};
  auto adapter = CreateApiAdapter(spec);
  ASSERT_TRUE(adapter.ok());
  EXPECT_TRUE(absl::StrContains((*adapter)->Prepare(spec.prompts[0])->body,
                                R"("incremental_output":false)"));
  // The adapter's decoder reads the repeated texts as their suffixes.
  auto decoder = (*adapter)->NewDecoder();
  const std::string body = CumulativeStream();
  const Decoded d = DecodeSplit(*decoder, body, body.size());
  EXPECT_EQ(d.chunks, (std::vector<std::string>{"Hel", "lo", " world"}));

  spec.params = {{"incremental_output", R"("no")"}};
  auto refused = CreateApiAdapter(spec);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "--param incremental_output"));
}

TEST(DashScopeAdapterTest, BothStreamsDecodeTheSameAtEverySplitPoint) {
  for (const bool incremental : {true, false}) {
    const std::string body = incremental ? IncrementalStream() : CumulativeStream();
    auto decoder = NewDashScopeResponseDecoder(/*stream=*/true, incremental, 1 << 20);
    for (size_t split = 0; split <= body.size(); ++split) {
      decoder->Reset();  // one decoder reused, as the engine does
      const Decoded d = DecodeSplit(*decoder, body, split);
      EXPECT_EQ(d.chunks, (std::vector<std::string>{"Hel", "lo", " world"}))
          << incremental << " " << split;
      EXPECT_TRUE(d.facts.complete);
      EXPECT_FALSE(d.facts.malformed);
      EXPECT_FALSE(d.facts.api_error);
      EXPECT_EQ(d.facts.framing, FramingEnd::kClean);
      ASSERT_TRUE(d.facts.usage.has_value());
      EXPECT_EQ(d.facts.usage->completion_tokens, 3);
      EXPECT_EQ(d.facts.usage->prompt_tokens, 10);
    }
  }
}

TEST(DashScopeAdapterTest, AnIncrementalDeltaThatStartsWithThePreviousOneIsKeptWhole) {
  // "\n" then "\n\n" would look cumulative to a guess: the decoder does what was asked.
  const Decoded d = Decode(true, Event(1, "\\n", "null", 1) + Event(2, "\\n\\n", "null", 3) +
                                     Event(3, "*", "null", 4) + Event(4, "*", "stop", 5));
  EXPECT_EQ(d.chunks, (std::vector<std::string>{"\n", "\n\n", "*", "*"}));
  EXPECT_TRUE(d.facts.complete);
}

TEST(DashScopeAdapterTest, ACumulativeTextThatDoesNotExtendThePreviousIsMalformed) {
  const Decoded d = Decode(false, Event(1, "Hello", "null", 1) + Event(2, "Help", "null", 2) +
                                      Event(3, "Help me", "stop", 3));
  EXPECT_EQ(d.chunks, (std::vector<std::string>{"Hello", " me"}));
  EXPECT_TRUE(d.facts.malformed);
}

TEST(DashScopeAdapterTest, CumulativeReasoningThenContent) {
  auto event = [](absl::string_view content, absl::string_view reasoning,
                  absl::string_view finish) {
    return absl::StrCat(R"(data:{"output":{"choices":[{"message":{"content":")", content,
                        R"(","reasoning_content":")", reasoning, R"("},"finish_reason":")", finish,
                        "\"}]}}\n\n");
  };
  const Decoded d = Decode(false, event("", "th", "null") + event("", "think", "null") +
                                      event("A", "", "null") + event("AB", "", "stop"));
  EXPECT_EQ(d.chunks, (std::vector<std::string>{"th", "ink", "A", "B"}));
  EXPECT_FALSE(d.facts.malformed);
  EXPECT_TRUE(d.facts.complete);
}

TEST(DashScopeAdapterTest, ResetForgetsTheCumulativeText) {
  auto decoder = NewDashScopeResponseDecoder(true, /*incremental=*/false, 1 << 20);
  const std::string first = Event(1, "Hello", "stop", 1);
  DecodeSplit(*decoder, first, 3);
  decoder->Reset();
  const std::string second = Event(1, "Bye", "null", 1) + Event(2, "Bye now", "stop", 2);
  const Decoded d = DecodeSplit(*decoder, second, 5);
  EXPECT_EQ(d.chunks, (std::vector<std::string>{"Bye", " now"}));
  EXPECT_FALSE(d.facts.malformed);
}

TEST(DashScopeAdapterTest, WithoutAFinishReasonTheStreamIsNotComplete) {
  Decoded d = Decode(true, Event(1, "a", "null", 1) + Event(2, "b", "null", 2));
  EXPECT_EQ(d.chunks.size(), 2u);
  EXPECT_FALSE(d.facts.complete);
  // A JSON null finish_reason is not a finish either.
  d = Decode(true,
             "data:{\"output\":{\"choices\":[{\"message\":{\"content\":\"a\"},"
             "\"finish_reason\":null}]}}\n\n");
  EXPECT_FALSE(d.facts.complete);
  // Cut inside an event.
  auto decoder = NewDashScopeResponseDecoder(true, true, 1 << 20);
  const std::string cut = Event(1, "a", "null", 1) + "id:2\nevent:result\ndata:{\"out";
  ASSERT_TRUE(decoder->Feed(cut, [](const ContentChunk&) {}));
  const ResponseFacts facts = decoder->Finish();
  EXPECT_EQ(facts.framing, FramingEnd::kPartialEvent);
  EXPECT_FALSE(facts.complete);
}

TEST(DashScopeAdapterTest, ErrorEventsMapTheirCodeToAClass) {
  const std::string throttled =
      Event(1, "a", "null", 1) +
      "id:2\nevent:error\n:HTTP_STATUS/429\ndata:{\"code\":\"Throttling.RateQuota\","
      "\"message\":\"Requests rate limit exceeded\",\"request_id\":\"r-2\"}\n\n";
  Decoded d = Decode(true, throttled);
  EXPECT_TRUE(d.facts.api_error);
  EXPECT_EQ(d.facts.api_error_class, ErrorClass::kHttp429);
  EXPECT_EQ(d.facts.error_message, "Requests rate limit exceeded");
  EXPECT_FALSE(d.facts.complete);

  d = Decode(true,
             "id:1\nevent:error\n:HTTP_STATUS/400\ndata:{\"code\":\"DataInspectionFailed\","
             "\"message\":\"inappropriate content\",\"request_id\":\"r\"}\n\n");
  EXPECT_TRUE(d.facts.api_error);
  EXPECT_EQ(d.facts.api_error_class, ErrorClass::kApiError);
  // An error object without `event:error` is recognised by its code.
  d = Decode(true, "data:{\"code\":\"InternalError\",\"message\":\"boom\"}\n\n");
  EXPECT_TRUE(d.facts.api_error);
  EXPECT_EQ(d.facts.error_message, "boom");

  EXPECT_EQ(DashScopeErrorClass("Throttling"), ErrorClass::kHttp429);
  EXPECT_EQ(DashScopeErrorClass("Throttling.AllocationQuota"), ErrorClass::kHttp429);
  EXPECT_EQ(DashScopeErrorClass("InvalidApiKey"), ErrorClass::kApiError);
}

TEST(DashScopeAdapterTest, ErrorBodiesGiveTheirCodeAndMessage) {
  auto decoder = NewDashScopeResponseDecoder(true, true, 1 << 20);
  ApiError e = decoder->DecodeErrorBody(
      R"({"code":"InvalidApiKey","message":"Invalid API-key provided.","request_id":"x"})");
  EXPECT_EQ(e.code, "InvalidApiKey");
  EXPECT_EQ(e.message, "Invalid API-key provided.");
  // The same error SSE-framed, as DashScope answers a streamed request.
  e = decoder->DecodeErrorBody(
      "id:1\r\nevent:error\r\n:HTTP_STATUS/401\r\ndata:{\"code\":\"InvalidApiKey\","
      "\"message\":\"Invalid API-key provided.\"}\r\n\r\n");
  EXPECT_EQ(e.code, "InvalidApiKey");
  EXPECT_EQ(e.message, "Invalid API-key provided.");
  e = decoder->DecodeErrorBody("  upstream timed out\n");
  EXPECT_EQ(e.message, "upstream timed out");
  e = decoder->DecodeErrorBody(std::string(1000, 'x'));
  EXPECT_EQ(e.message.size(), 259u);  // 256 bytes and "..."
}

TEST(DashScopeAdapterTest, BadUsageAndBadEventsAreSaid) {
  Decoded d = Decode(true,
                     "data:{\"output\":{\"choices\":[{\"message\":{\"content\":\"a\"},"
                     "\"finish_reason\":\"stop\"}]},\"usage\":{\"output_tokens\":1.5}}\n\n");
  EXPECT_TRUE(d.facts.usage_invalid);
  EXPECT_FALSE(d.facts.usage.has_value());
  d = Decode(true,
             "data:{\"output\":{\"choices\":[{\"message\":{\"content\":\"a\"},"
             "\"finish_reason\":\"stop\"}]},\"usage\":\"12\"}\n\n");
  EXPECT_TRUE(d.facts.usage_invalid);
  d = Decode(true, "data:not json\n\n");
  EXPECT_TRUE(d.facts.malformed);
  d = Decode(true, "data:{\"request_id\":\"r\"}\n\n");  // neither output nor code
  EXPECT_TRUE(d.facts.malformed);
  d = Decode(true, "data:[1,2]\n\n");
  EXPECT_TRUE(d.facts.malformed);
}

TEST(DashScopeAdapterTest, OddShapesAndOrders) {
  // Usage first, then content; the text result_format; multimodal content parts; reasoning.
  const Decoded d =
      Decode(true,
             "data:{\"output\":{\"choices\":[{\"message\":{\"content\":\"\"},\"finish_reason\":"
             "\"null\"}]},\"usage\":{\"input_tokens\":4,\"output_tokens\":0}}\n\n"
             "data:{\"output\":{\"choices\":[{\"message\":{\"content\":\"\",\"reasoning_content\":"
             "\"think\"},\"finish_reason\":\"null\"}]}}\n\n"
             "data:{\"output\":{\"choices\":[{\"message\":{\"content\":[{\"text\":\"pic\"}]},"
             "\"finish_reason\":\"null\"}]}}\n\n"
             "data:{\"output\":{\"text\":\"txt\",\"finish_reason\":\"length\"},"
             "\"usage\":{\"input_tokens\":4,\"output_tokens\":3}}\n\n");
  EXPECT_EQ(d.chunks, (std::vector<std::string>{"think", "pic", "txt"}));
  EXPECT_TRUE(d.facts.complete);
  ASSERT_TRUE(d.facts.usage.has_value());
  EXPECT_EQ(d.facts.usage->completion_tokens, 3);
  EXPECT_EQ(d.facts.usage->prompt_tokens, 4);
}

TEST(DashScopeAdapterTest, AnOversizedEventIsRefused) {
  auto decoder = NewDashScopeResponseDecoder(true, true, 16);
  EXPECT_FALSE(decoder->Feed("data:" + std::string(64, 'x'), [](const ContentChunk&) {}));
  EXPECT_EQ(decoder->Finish().framing, FramingEnd::kTooLarge);
}

TEST(DashScopeAdapterTest, NonStreamedBodies) {
  auto decoder = NewDashScopeResponseDecoder(/*stream=*/false, true, 1 << 20);
  const std::string body =
      R"({"output":{"choices":[{"finish_reason":"stop","message":{"role":"assistant",)"
      R"("content":"hi there"}}]},"usage":{"total_tokens":9,"output_tokens":2,)"
      R"("input_tokens":7},"request_id":"r"})";
  Decoded d = DecodeSplit(*decoder, body, 17);
  EXPECT_TRUE(d.chunks.empty());  // the engine times the body's first byte
  EXPECT_TRUE(d.facts.complete);
  EXPECT_FALSE(d.facts.api_error);
  EXPECT_FALSE(d.facts.malformed);
  ASSERT_TRUE(d.facts.usage.has_value());
  EXPECT_EQ(d.facts.usage->completion_tokens, 2);
  EXPECT_EQ(d.facts.usage->prompt_tokens, 7);

  decoder->Reset();
  d = DecodeSplit(*decoder, R"({"code":"Throttling","message":"slow down"})", 5);
  EXPECT_TRUE(d.facts.api_error);
  EXPECT_EQ(d.facts.api_error_class, ErrorClass::kHttp429);
  EXPECT_EQ(d.facts.error_message, "slow down");
  EXPECT_FALSE(d.facts.usage.has_value());

  decoder->Reset();
  d = DecodeSplit(*decoder, "<html>", 2);
  EXPECT_TRUE(d.facts.malformed);
  EXPECT_FALSE(d.facts.api_error);

  auto small = NewDashScopeResponseDecoder(false, true, 8);
  EXPECT_FALSE(small->Feed(body, [](const ContentChunk&) {}));
  EXPECT_EQ(small->Finish().framing, FramingEnd::kTooLarge);
}

}  // namespace
}  // namespace llmload
