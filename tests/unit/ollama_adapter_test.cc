#include "api/ollama_adapter.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "api/api_table.h"
#include "api/request_outcome.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/decoded_response.h"

namespace llmload {
namespace {

using testing::DecodeBytewise;
using testing::DecodedDifference;
using testing::DecodedResponse;
using testing::DecodeReads;
using testing::DecodeSplit;
using testing::StreamOutcome;

WorkloadSpec Spec(const char* api) {
  WorkloadSpec spec;
  spec.api = api;
  spec.url = "http://127.0.0.1:9";
  spec.model = "llama3.2";
  spec.prompts = {{"p", "hello \"you\""}};
  return spec;
}

std::unique_ptr<ApiAdapter> Make(const WorkloadSpec& spec) {
  auto adapter = CreateApiAdapter(spec);
  EXPECT_TRUE(adapter.ok()) << adapter.status();
  return adapter.ok() ? *std::move(adapter) : nullptr;
}

// What Ollama 0.6 streams for /api/chat: three tokens, then the done object.
constexpr absl::string_view kChatStream =
    R"({"model":"llama3.2","created_at":"2026-12-01T23:00:00.1Z","message":{"role":"assistant","content":"The"},"done":false})"
    "\n"
    R"({"model":"llama3.2","created_at":"2026-12-01T23:00:00.2Z","message":{"role":"assistant","content":" sky"},"done":false})"
    "\n"
    R"({"model":"llama3.2","created_at":"2026-12-01T23:00:00.3Z","message":{"role":"assistant","content":" is"},"done":false})"
    "\n"
    R"({"model":"llama3.2","created_at":"2026-12-01T23:00:00.4Z","message":{"role":"assistant","content":""},"done_reason":"stop","done":true,"total_duration":4883583458,"load_duration":1334875,"prompt_eval_count":26,"prompt_eval_duration":342546000,"eval_count":3,"eval_duration":4535599000})"
    "\n";

constexpr absl::string_view kGenerateStream =
    R"({"model":"m","created_at":"t","response":"a","done":false})"
    "\n"
    R"({"model":"m","created_at":"t","response":"","done":false})"
    "\n"
    R"({"model":"m","created_at":"t","response":"b","done":false})"
    "\n"
    R"({"model":"m","created_at":"t","response":"","done":true,"done_reason":"length","context":[1,2],"total_duration":10,"load_duration":1,"prompt_eval_count":5,"prompt_eval_duration":4,"eval_count":2,"eval_duration":5})"
    "\n";

TEST(OllamaAdapterTest, TheTableMakesBothApisOnTheirPaths) {
  auto chat = Make(Spec("ollama-chat"));
  ASSERT_NE(chat, nullptr);
  EXPECT_EQ(chat->endpoint_url(), "http://127.0.0.1:9/api/chat");
  WorkloadSpec spec = Spec("ollama-generate");
  spec.url = "http://127.0.0.1:9/api";
  auto generate = Make(spec);
  ASSERT_NE(generate, nullptr);
  EXPECT_EQ(generate->endpoint_url(), "http://127.0.0.1:9/api/generate");
  const ApiEntry* entry = FindApi("ollama-chat");
  ASSERT_NE(entry, nullptr);
  EXPECT_FALSE(entry->lists_models);
  EXPECT_TRUE(entry->key_env.empty());
}

TEST(OllamaAdapterTest, ChatBodyCarriesTheMessageOptionsAndParams) {
  WorkloadSpec spec = Spec("ollama-chat");
  spec.max_tokens = 64;
  spec.temperature = 0.5;
  spec.params = {{"keep_alive", "\"5m\""}, {"options", R"({"num_ctx":4096,"temperature":0.2})"}};
  auto adapter = Make(spec);
  ASSERT_NE(adapter, nullptr);
  auto request = adapter->Prepare(spec.prompts[0]);
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->method, "POST");
  EXPECT_EQ(request->url, "http://127.0.0.1:9/api/chat");
  const nlohmann::json body = nlohmann::json::parse(request->body);
  EXPECT_EQ(body["model"], "llama3.2");
  EXPECT_EQ(body["messages"][0]["role"], "user");
  EXPECT_EQ(body["messages"][0]["content"], "hello \"you\"");
  EXPECT_EQ(body["stream"], true);
  EXPECT_EQ(body["options"]["num_predict"], 64);
  // An `options` param adds to the flags' options, its fields winning.
  EXPECT_EQ(body["options"]["temperature"], 0.2);
  EXPECT_EQ(body["options"]["num_ctx"], 4096);
  EXPECT_EQ(body["keep_alive"], "5m");
  EXPECT_FALSE(body.contains("prompt"));
  const std::vector<std::string> want = {"Content-Type: application/json",
                                         "Accept: application/x-ndjson", "Expect:"};
  EXPECT_EQ(request->header_lines, want);
}

TEST(OllamaAdapterTest, GenerateBodyAndOptionalBearerKey) {
  WorkloadSpec spec = Spec("ollama-generate");
  spec.stream = false;
  spec.api_key = "secret";
  auto adapter = Make(spec);
  ASSERT_NE(adapter, nullptr);
  auto request = adapter->Prepare(spec.prompts[0]);
  ASSERT_TRUE(request.ok());
  const nlohmann::json body = nlohmann::json::parse(request->body);
  EXPECT_EQ(body["prompt"], "hello \"you\"");
  EXPECT_EQ(body["stream"], false);
  EXPECT_FALSE(body.contains("options"));  // nothing set: Ollama's defaults
  EXPECT_FALSE(body.contains("messages"));
  const std::vector<std::string> want = {"Content-Type: application/json",
                                         "Expect:", "Authorization: Bearer secret"};
  EXPECT_EQ(request->header_lines, want);
  EXPECT_FALSE(adapter->NewDecoder()->streaming());

  spec.headers = {{"authorization", "Bearer other"}};
  EXPECT_FALSE(CreateApiAdapter(spec).ok());  // both would be sent
}

TEST(OllamaAdapterTest, StreamDecodesTheSameAtEverySplitPointAndWithCrlf) {
  auto adapter = Make(Spec("ollama-chat"));
  ASSERT_NE(adapter, nullptr);
  auto decoder = adapter->NewDecoder();
  EXPECT_TRUE(decoder->streaming());
  const DecodedResponse whole = DecodeReads(*decoder, {kChatStream});
  EXPECT_EQ(whole.chunks, (std::vector<std::string>{"The", " sky", " is"}));
  EXPECT_EQ(whole.tokens, -3);  // token counts per chunk are unknown
  EXPECT_TRUE(whole.facts.complete);
  EXPECT_EQ(whole.facts.framing, FramingEnd::kClean);
  EXPECT_FALSE(whole.facts.malformed);
  EXPECT_FALSE(whole.facts.api_error);
  ASSERT_TRUE(whole.facts.usage.has_value());
  EXPECT_EQ(whole.facts.usage->prompt_tokens, 26);
  EXPECT_EQ(whole.facts.usage->completion_tokens, 3);
  EXPECT_EQ(whole.facts.server.total_ns, 4883583458);
  EXPECT_EQ(whole.facts.server.prompt_ns, 342546000);
  EXPECT_EQ(whole.facts.server.decode_ns, 4535599000);
  EXPECT_EQ(whole.facts.server.queue_ns, -1);
  for (size_t split = 0; split <= kChatStream.size(); ++split) {
    EXPECT_EQ(DecodedDifference(DecodeSplit(*decoder, kChatStream, split), whole), "") << split;
  }
  EXPECT_EQ(DecodedDifference(DecodeBytewise(*decoder, kChatStream), whole), "");
  const std::string crlf = absl::StrReplaceAll(kChatStream, {{"\n", "\r\n"}});
  for (size_t split = 0; split <= crlf.size(); ++split) {
    EXPECT_EQ(DecodedDifference(DecodeSplit(*decoder, crlf, split), whole), "") << split;
  }
}

TEST(OllamaAdapterTest, GenerateStreamSkipsEmptyResponses) {
  auto decoder = NewOllamaResponseDecoder(/*stream=*/true, 1 << 20);
  const DecodedResponse whole = DecodeReads(*decoder, {kGenerateStream});
  EXPECT_EQ(whole.chunks, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(whole.facts.complete);
  ASSERT_TRUE(whole.facts.usage.has_value());
  EXPECT_EQ(whole.facts.usage->prompt_tokens, 5);
  EXPECT_EQ(whole.facts.usage->completion_tokens, 2);
  EXPECT_EQ(whole.facts.server.total_ns, 10);
  for (size_t split = 0; split <= kGenerateStream.size(); ++split) {
    EXPECT_EQ(DecodedDifference(DecodeSplit(*decoder, kGenerateStream, split), whole), "") << split;
  }
}

TEST(OllamaAdapterTest, ThinkingIsGeneratedContent) {
  auto decoder = NewOllamaResponseDecoder(true, 1 << 20);
  const DecodedResponse d = DecodeReads(
      *decoder,
      {R"({"message":{"role":"assistant","content":"","thinking":"Hmm"},"done":false})"
       "\n"
       R"({"response":"","thinking":"so","done":false})"
       "\n"
       R"({"message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"f","arguments":{}}}]},"done":false})"
       "\n"
       R"({"message":{"role":"assistant","content":"Yes"},"done":false})"
       "\n"
       R"({"message":{"role":"assistant","content":""},"done":true,"eval_count":4})"
       "\n"});
  EXPECT_EQ(d.chunks, (std::vector<std::string>{"Hmm", "so", "", "Yes"}));
  EXPECT_TRUE(d.facts.complete);
  ASSERT_TRUE(d.facts.usage.has_value());
  EXPECT_EQ(d.facts.usage->prompt_tokens, 0);  // a cached prompt: no prompt_eval_count
  EXPECT_EQ(d.facts.usage->completion_tokens, 4);
  EXPECT_EQ(d.facts.server.total_ns, -1);  // not sent: not reported
}

TEST(OllamaAdapterTest, ACutOffLastLineOrNoDoneIsTruncated) {
  auto decoder = NewOllamaResponseDecoder(true, 1 << 20);
  // The done object without its newline: the line may be cut anywhere, so it is not believed.
  const absl::string_view cut = kChatStream.substr(0, kChatStream.size() - 1);
  const DecodedResponse d = DecodeReads(*decoder, {cut});
  EXPECT_EQ(d.chunks.size(), 3u);
  EXPECT_EQ(d.facts.framing, FramingEnd::kPartialEvent);
  EXPECT_FALSE(d.facts.complete);
  EXPECT_EQ(ClassifyRequest(StreamOutcome(d.facts)), ErrorClass::kTruncatedStream);

  const size_t last = kChatStream.rfind("{\"model\"");
  const DecodedResponse no_done = DecodeReads(*decoder, {kChatStream.substr(0, last)});
  EXPECT_EQ(no_done.facts.framing, FramingEnd::kClean);
  EXPECT_FALSE(no_done.facts.complete);
  EXPECT_FALSE(no_done.facts.usage.has_value());
  EXPECT_EQ(ClassifyRequest(StreamOutcome(no_done.facts)), ErrorClass::kTruncatedStream);

  EXPECT_EQ(ClassifyRequest(StreamOutcome(DecodeReads(*decoder, {kChatStream}).facts)),
            ErrorClass::kSuccess);
}

TEST(OllamaAdapterTest, CountsThatAreNotIntegersMakeUsageInvalid) {
  auto decoder = NewOllamaResponseDecoder(true, 1 << 20);
  for (const char* done : {R"({"done":true,"eval_count":1.5,"prompt_eval_count":2})",
                           R"({"done":true,"eval_count":"3"})",
                           R"({"done":true,"eval_count":3,"prompt_eval_count":true})",
                           R"({"done":true,"eval_count":1e30})"}) {
    const DecodedResponse d = DecodeReads(*decoder, {absl::StrCat(done, "\n")});
    EXPECT_TRUE(d.facts.usage_invalid) << done;
    EXPECT_FALSE(d.facts.usage.has_value()) << done;
    EXPECT_TRUE(d.facts.complete) << done;
  }
  // Without eval_count there is no usage (tokens are then counted from chunks), and nothing
  // is invalid.
  const DecodedResponse none = DecodeReads(*decoder, {"{\"done\":true}\n"});
  EXPECT_FALSE(none.facts.usage_invalid);
  EXPECT_FALSE(none.facts.usage.has_value());
}

TEST(OllamaAdapterTest, DurationsAreBelievedOnlyAsIntegersAtLeastZero) {
  auto decoder = NewOllamaResponseDecoder(true, 1 << 20);
  const DecodedResponse d =
      DecodeReads(*decoder, {R"({"done":true,"eval_count":1,"total_duration":-5,)"
                             R"("prompt_eval_duration":1.5,"eval_duration":"7"})"
                             "\n"});
  EXPECT_EQ(d.facts.server.total_ns, -1);
  EXPECT_EQ(d.facts.server.prompt_ns, -1);
  EXPECT_EQ(d.facts.server.decode_ns, -1);
  EXPECT_FALSE(d.facts.server.any());
  ASSERT_TRUE(d.facts.usage.has_value());  // counts are judged apart from timings

  const DecodedResponse zero =
      DecodeReads(*decoder, {"{\"done\":true,\"total_duration\":0,\"eval_duration\":9}\n"});
  EXPECT_EQ(zero.facts.server.total_ns, 0);
  EXPECT_EQ(zero.facts.server.decode_ns, 9);
  EXPECT_EQ(zero.facts.server.prompt_ns, -1);
}

TEST(OllamaAdapterTest, ErrorLinesBodiesAndMalformedLines) {
  auto decoder = NewOllamaResponseDecoder(true, 1 << 20);
  const DecodedResponse error =
      DecodeReads(*decoder, {"{\"message\":{\"content\":\"a\"},\"done\":false}\n"
                             "{\"error\":\"an error was encountered while running the model\"}\n"
                             "{\"error\":\"again\"}\n"});
  EXPECT_EQ(error.chunks.size(), 1u);
  EXPECT_TRUE(error.facts.api_error);
  EXPECT_EQ(error.facts.api_error_class, ErrorClass::kApiError);
  EXPECT_EQ(error.facts.error_message, "an error was encountered while running the model");
  EXPECT_EQ(ClassifyRequest(StreamOutcome(error.facts)), ErrorClass::kApiError);

  for (const char* line : {"not json", "[1,2]", R"({"done":"yes"})"}) {
    const DecodedResponse bad = DecodeReads(*decoder, {absl::StrCat(line, "\n")});
    EXPECT_TRUE(bad.facts.malformed) << line;
  }

  EXPECT_EQ(decoder->DecodeErrorBody(R"({"error":"model \"x\" not found, try pulling it first"})")
                .message,
            "model \"x\" not found, try pulling it first");
  EXPECT_EQ(decoder->DecodeErrorBody("  404 page not found\n").message, "404 page not found");
}

TEST(OllamaAdapterTest, OverlongLinesAreRefused) {
  auto decoder = NewOllamaResponseDecoder(true, 32);
  const DecodedResponse d = DecodeReads(*decoder, {std::string(64, 'x')});
  EXPECT_TRUE(d.refused);
  EXPECT_EQ(d.facts.framing, FramingEnd::kTooLarge);
}

TEST(OllamaAdapterTest, NonStreamedBodyIsOneDoneObject) {
  auto decoder = NewOllamaResponseDecoder(/*stream=*/false, 1 << 20);
  EXPECT_FALSE(decoder->streaming());
  const std::string body =
      R"({"model":"m","created_at":"t","message":{"role":"assistant","content":"Hello there"},)"
      R"("done_reason":"stop","done":true,"total_duration":900,"load_duration":10,)"
      R"("prompt_eval_count":7,"prompt_eval_duration":100,"eval_count":2,"eval_duration":700})";
  for (size_t split = 0; split <= body.size(); split += 7) {
    const DecodedResponse d = DecodeSplit(*decoder, body, split);
    EXPECT_TRUE(d.chunks.empty());  // the engine times the body's first byte
    EXPECT_TRUE(d.facts.complete);
    EXPECT_FALSE(d.facts.malformed);
    ASSERT_TRUE(d.facts.usage.has_value());
    EXPECT_EQ(d.facts.usage->prompt_tokens, 7);
    EXPECT_EQ(d.facts.usage->completion_tokens, 2);
    EXPECT_EQ(d.facts.server.total_ns, 900);
    EXPECT_EQ(d.facts.server.prompt_ns, 100);
    EXPECT_EQ(d.facts.server.decode_ns, 700);
  }
  EXPECT_TRUE(DecodeReads(*decoder, {R"({"error":"boom"})"}).facts.api_error);
  EXPECT_TRUE(DecodeReads(*decoder, {"{\"done\":tr"}).facts.malformed);
  auto small = NewOllamaResponseDecoder(false, 8);
  EXPECT_TRUE(DecodeReads(*small, {body}).refused);
  EXPECT_EQ(small->Finish().framing, FramingEnd::kTooLarge);
}

TEST(OllamaAdapterTest, ContentTypes) {
  auto decoder = NewOllamaResponseDecoder(true, 1 << 20);
  EXPECT_TRUE(decoder->AcceptsContentType("application/x-ndjson"));
  EXPECT_TRUE(decoder->AcceptsContentType("application/json; charset=utf-8"));
  EXPECT_FALSE(decoder->AcceptsContentType("text/event-stream"));
  EXPECT_FALSE(decoder->AcceptsContentType("text/html"));
}

}  // namespace
}  // namespace llmload
