#include "api/anthropic_adapter.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/anthropic_decoder.h"
#include "api/api_table.h"
#include "api/request_outcome.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace llmload {
namespace {

WorkloadSpec Spec() {
  WorkloadSpec spec;
  spec.api = "anthropic-messages";
  spec.url = "http://127.0.0.1:9";
  spec.model = "claude-test";
  spec.prompts = {{"p", "hello"}};
  return spec;
}

std::unique_ptr<ApiAdapter> Adapter(const WorkloadSpec& spec) {
  auto adapter = CreateApiAdapter(spec);
  EXPECT_TRUE(adapter.ok()) << adapter.status();
  return adapter.ok() ? *std::move(adapter) : nullptr;
}

std::string Event(absl::string_view type, absl::string_view data) {
  return absl::StrCat("event: ", type, "\ndata: ", data, "\n\n");
}

std::string TextDelta(absl::string_view text) {
  return Event("content_block_delta",
               absl::StrCat(R"({"type":"content_block_delta","index":0,"delta":{"type":)"
                            R"("text_delta","text":")",
                            text, R"("}})"));
}

std::string MessageStart(absl::string_view usage = R"({"input_tokens":12,"output_tokens":1})") {
  return Event("message_start",
               absl::StrCat(R"({"type":"message_start","message":{"id":"msg_1","type":"message",)"
                            R"("role":"assistant","content":[],"model":"claude-test",)"
                            R"("stop_reason":null,"stop_sequence":null,"usage":)",
                            usage, "}}"));
}

std::string MessageDelta(absl::string_view usage = R"({"output_tokens":2})") {
  return Event("message_delta",
               absl::StrCat(R"({"type":"message_delta","delta":{"stop_reason":"end_turn",)"
                            R"("stop_sequence":null},"usage":)",
                            usage, "}"));
}

const std::string kBlockStart =
    Event("content_block_start",
          R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})");
const std::string kBlockStop =
    Event("content_block_stop", R"({"type":"content_block_stop","index":0})");
const std::string kPing = Event("ping", R"({"type": "ping"})");
const std::string kStop = Event("message_stop", R"({"type":"message_stop"})");

// The stream Anthropic sends for a two-token answer.
std::string FullStream() {
  return MessageStart() + kBlockStart + kPing + TextDelta("Hello") + TextDelta(" world") +
         kBlockStop + MessageDelta() + kStop;
}

struct Decoded {
  std::vector<std::string> chunks;
  ResponseFacts facts;
};

// Feeds `body` in reads cut at `cuts` (byte offsets, increasing).
Decoded Decode(ResponseDecoder& decoder, absl::string_view body, std::vector<size_t> cuts = {}) {
  Decoded out;
  decoder.Reset();
  size_t at = 0;
  cuts.push_back(body.size());
  for (size_t cut : cuts) {
    EXPECT_TRUE(decoder.Feed(body.substr(at, cut - at), [&](const ContentChunk& chunk) {
      out.chunks.emplace_back(chunk.text);
    }));
    at = cut;
  }
  out.facts = decoder.Finish();
  return out;
}

std::unique_ptr<ResponseDecoder> StreamDecoder(int64_t max_bytes = 1 << 20) {
  WorkloadSpec spec = Spec();
  spec.max_response_bytes = max_bytes;
  return Adapter(spec)->NewDecoder();
}

std::unique_ptr<ResponseDecoder> BodyDecoder() {
  WorkloadSpec spec = Spec();
  spec.stream = false;
  return Adapter(spec)->NewDecoder();
}

TEST(AnthropicAdapterTest, TheTableMakesItAndResolvesItsUrl) {
  WorkloadSpec spec = Spec();
  EXPECT_EQ(Adapter(spec)->endpoint_url(), "http://127.0.0.1:9/v1/messages");
  spec.api = "anthropic";  // the alias
  spec.url = "http://127.0.0.1:9/v1";
  EXPECT_EQ(Adapter(spec)->endpoint_url(), "http://127.0.0.1:9/v1/messages");
  spec.url = "http://127.0.0.1:9/proxy/messages";  // a full path is kept
  EXPECT_EQ(Adapter(spec)->endpoint_url(), "http://127.0.0.1:9/proxy/messages");
  const ApiEntry* entry = FindApi("anthropic-messages");
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->key_env, "ANTHROPIC_API_KEY");
  EXPECT_EQ(entry->key_header, "x-api-key");
  EXPECT_FALSE(entry->lists_models);
  spec.url = "ftp://127.0.0.1:9";
  EXPECT_FALSE(CreateApiAdapter(spec).ok());
}

TEST(AnthropicAdapterTest, PreparesBodyWithDefaultMaxTokensAndHeaders) {
  WorkloadSpec spec = Spec();
  spec.api_key = "sk-ant-secret";
  auto request = Adapter(spec)->Prepare(Prompt{"p", "say \"hi\""});
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->method, "POST");
  EXPECT_EQ(request->url, "http://127.0.0.1:9/v1/messages");
  EXPECT_EQ(request->body, R"({"model":"claude-test","max_tokens":1024,"messages":[{"role":"user",)"
                           R"("content":"say \"hi\""}],"stream":true})");
  const std::vector<std::string>& h = request->header_lines;
  EXPECT_NE(std::find(h.begin(), h.end(), "x-api-key: sk-ant-secret"), h.end());
  EXPECT_NE(std::find(h.begin(), h.end(), "anthropic-version: 2023-06-01"), h.end());
  EXPECT_NE(std::find(h.begin(), h.end(), "Accept: text/event-stream"), h.end());
  EXPECT_NE(std::find(h.begin(), h.end(), "Content-Type: application/json"), h.end());
  for (const std::string& line : h) EXPECT_FALSE(absl::StartsWith(line, "Authorization")) << line;
}

TEST(AnthropicAdapterTest, CommonFlagsAndParamsShapeTheBody) {
  WorkloadSpec spec = Spec();
  spec.stream = false;
  spec.max_tokens = 64;
  spec.temperature = 0.5;
  spec.params = {{"top_k", "5"}, {"system", "\"be brief\""}, {"max_tokens", "7"}};
  spec.headers = {{"anthropic-version", "2024-01-01"}, {"anthropic-beta", "x"}};
  auto request = Adapter(spec)->Prepare(Prompt{"p", "hi"});
  ASSERT_TRUE(request.ok());
  const nlohmann::json body = nlohmann::json::parse(request->body);
  EXPECT_EQ(body["max_tokens"], 7);  // the --param, written last, wins
  EXPECT_EQ(body["temperature"], 0.5);
  EXPECT_EQ(body["stream"], false);
  EXPECT_EQ(body["top_k"], 5);
  EXPECT_EQ(body["system"], "be brief");
  EXPECT_EQ(body["messages"][0]["content"], "hi");
  int versions = 0;
  for (const std::string& line : request->header_lines) {
    if (absl::StartsWithIgnoreCase(line, "anthropic-version")) {
      ++versions;
      EXPECT_EQ(line, "anthropic-version: 2024-01-01");
    }
    EXPECT_FALSE(absl::StartsWith(line, "Accept:")) << line;    // not streamed
    EXPECT_FALSE(absl::StartsWith(line, "x-api-key")) << line;  // no key given
  }
  EXPECT_EQ(versions, 1);
}

TEST(AnthropicAdapterTest, AKeyHeaderBesideAKeyIsRefusedWithoutTheKey) {
  WorkloadSpec spec = Spec();
  spec.api_key = "sk-ant-secret";
  spec.headers = {{"X-Api-Key", "other"}};
  auto adapter = CreateApiAdapter(spec);
  ASSERT_FALSE(adapter.ok());
  EXPECT_TRUE(absl::StrContains(adapter.status().message(), "x-api-key"));
  EXPECT_FALSE(absl::StrContains(adapter.status().message(), "sk-ant-secret"));
}

TEST(AnthropicAdapterTest, TheStreamDecodesTheSameAtEverySplitPoint) {
  auto decoder = StreamDecoder();
  const std::string stream = FullStream();
  for (size_t i = 0; i <= stream.size(); ++i) {
    for (size_t j : {i, std::min(stream.size(), i + 7)}) {
      const Decoded d = Decode(*decoder, stream, {i, j});
      ASSERT_EQ(d.chunks, (std::vector<std::string>{"Hello", " world"})) << i << "," << j;
      EXPECT_TRUE(d.facts.complete) << i;
      EXPECT_FALSE(d.facts.api_error) << i;
      EXPECT_FALSE(d.facts.malformed) << i;
      EXPECT_EQ(d.facts.framing, FramingEnd::kClean) << i;
      ASSERT_TRUE(d.facts.usage.has_value()) << i;
      EXPECT_EQ(d.facts.usage->prompt_tokens, 12);
      EXPECT_EQ(d.facts.usage->completion_tokens, 2);
    }
  }
}

TEST(AnthropicAdapterTest, OddOrdersPingsAndUnknownEventsChangeNothing) {
  auto decoder = StreamDecoder();
  const std::string stream = kPing + MessageStart() + kPing + kBlockStart + TextDelta("a") + kPing +
                             kPing + TextDelta("b") +
                             Event("future_event", R"({"type":"future_event","x":[1]})") +
                             kBlockStop + kPing + MessageDelta() + kPing + kStop + kPing;
  const Decoded d = Decode(*decoder, stream);
  EXPECT_EQ(d.chunks, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(d.facts.complete);
  EXPECT_FALSE(d.facts.malformed);
  ASSERT_TRUE(d.facts.usage.has_value());
  EXPECT_EQ(d.facts.usage->completion_tokens, 2);
  // message_delta before message_start: the counts are kept whichever came first.
  const Decoded swapped =
      Decode(*decoder, MessageDelta() + MessageStart() + TextDelta("x") + kStop);
  ASSERT_TRUE(swapped.facts.usage.has_value());
  EXPECT_EQ(swapped.facts.usage->prompt_tokens, 12);
  EXPECT_EQ(swapped.facts.usage->completion_tokens, 2);
  // The data's type decides, not the SSE event name (a proxy may drop `event:` lines).
  const Decoded bare = Decode(
      *decoder, R"(data: {"type":"content_block_delta","delta":{"type":"text_delta","text":"z"}})"
                "\n\n" +
                    kStop);
  EXPECT_EQ(bare.chunks, std::vector<std::string>{"z"});
  EXPECT_TRUE(bare.facts.complete);
}

TEST(AnthropicAdapterTest, ThinkingAndToolInputAreContentSignaturesAreNot) {
  auto decoder = StreamDecoder();
  const std::string stream =
      MessageStart() +
      Event("content_block_delta",
            R"({"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta",)"
            R"("thinking":"hmm"}})") +
      Event("content_block_delta",
            R"({"type":"content_block_delta","index":0,"delta":{"type":"signature_delta",)"
            R"("signature":"EqQB"}})") +
      Event("content_block_delta",
            R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta",)"
            R"("partial_json":"{\"a\":"}})") +
      Event("content_block_delta",
            R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta",)"
            R"("partial_json":""}})") +
      TextDelta("") + MessageDelta() + kStop;
  const Decoded d = Decode(*decoder, stream);
  EXPECT_EQ(d.chunks, (std::vector<std::string>{"hmm", "{\"a\":"}));
  EXPECT_TRUE(d.facts.complete);
  EXPECT_FALSE(d.facts.malformed);
}

TEST(AnthropicAdapterTest, AnOverloadedErrorEventIsItsOwnClass) {
  auto decoder = StreamDecoder();
  const std::string overloaded = Event(
      "error", R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})");
  const std::string stream = MessageStart() + kBlockStart + TextDelta("a") + overloaded;
  for (size_t i = 0; i <= stream.size(); ++i) {
    const Decoded d = Decode(*decoder, stream, {i});
    EXPECT_TRUE(d.facts.api_error) << i;
    EXPECT_EQ(d.facts.api_error_class, ErrorClass::kOverloaded) << i;
    EXPECT_EQ(d.facts.error_message, "Overloaded") << i;
    EXPECT_FALSE(d.facts.complete) << i;
  }
  RequestOutcome outcome;
  outcome.http_status = 200;
  outcome.transport = TransportResult::kClosedEarly;  // the server then hung up
  outcome.facts = Decode(*decoder, stream).facts;
  EXPECT_EQ(ClassifyRequest(outcome), ErrorClass::kOverloaded);
  outcome.http_status = 529;  // an HTTP 529 is http_5xx: the status comes first
  outcome.facts = ResponseFacts();
  EXPECT_EQ(ClassifyRequest(outcome), ErrorClass::kHttp5xx);

  // Another error type is api_error; the first error is the one kept.
  const Decoded other = Decode(
      *decoder,
      MessageStart() +
          Event("error", R"({"type":"error","error":{"type":"api_error","message":"boom"}})") +
          overloaded);
  EXPECT_TRUE(other.facts.api_error);
  EXPECT_EQ(other.facts.api_error_class, ErrorClass::kApiError);
  EXPECT_EQ(other.facts.error_message, "boom");
  // And the decoder is clean for the next request.
  const Decoded next = Decode(*decoder, FullStream());
  EXPECT_FALSE(next.facts.api_error);
  EXPECT_EQ(next.facts.api_error_class, ErrorClass::kApiError);
  EXPECT_TRUE(next.facts.complete);
}

TEST(AnthropicAdapterTest, WithoutMessageStopTheStreamIsNotComplete) {
  auto decoder = StreamDecoder();
  const std::string stream =
      MessageStart() + kBlockStart + TextDelta("a") + kBlockStop + MessageDelta();
  Decoded d = Decode(*decoder, stream);
  EXPECT_FALSE(d.facts.complete);
  EXPECT_EQ(d.facts.framing, FramingEnd::kClean);
  // Cut inside message_stop: a partial event, still not complete.
  d = Decode(*decoder, stream + kStop.substr(0, kStop.size() - 3));
  EXPECT_FALSE(d.facts.complete);
  EXPECT_EQ(d.facts.framing, FramingEnd::kPartialEvent);
  RequestOutcome outcome;
  outcome.http_status = 200;
  outcome.facts = d.facts;
  EXPECT_EQ(ClassifyRequest(outcome), ErrorClass::kTruncatedStream);
}

TEST(AnthropicAdapterTest, UsageMapping) {
  auto decoder = StreamDecoder();
  // The last message_delta wins (cumulative), and one carrying input counts overrides them.
  Decoded d =
      Decode(*decoder, MessageStart() + TextDelta("a") + MessageDelta(R"({"output_tokens":1})") +
                           MessageDelta(R"({"input_tokens":20,"output_tokens":5})") + kStop);
  ASSERT_TRUE(d.facts.usage.has_value());
  EXPECT_EQ(d.facts.usage->prompt_tokens, 20);
  EXPECT_EQ(d.facts.usage->completion_tokens, 5);
  // Cached prompt tokens are prompt tokens too.
  d = Decode(*decoder,
             MessageStart(
                 R"({"input_tokens":3,"cache_creation_input_tokens":4,"cache_read_input_tokens":5,)"
                 R"("output_tokens":1})") +
                 TextDelta("a") + MessageDelta() + kStop);
  ASSERT_TRUE(d.facts.usage.has_value());
  EXPECT_EQ(d.facts.usage->prompt_tokens, 12);
  // message_start's output_tokens is a placeholder: without a message_delta count there is no
  // usage (the engine counts chunks).
  d = Decode(*decoder, MessageStart() + TextDelta("a") + TextDelta("b") +
                           MessageDelta(R"({"input_tokens":3})") + kStop);
  EXPECT_FALSE(d.facts.usage.has_value());
  EXPECT_FALSE(d.facts.usage_invalid);
  d = Decode(*decoder, MessageStart() + TextDelta("a") + MessageDelta("null") + kStop);
  EXPECT_FALSE(d.facts.usage.has_value());
  EXPECT_FALSE(d.facts.usage_invalid);
}

TEST(AnthropicAdapterTest, BadUsageIsInvalidWhereverItIs) {
  auto decoder = StreamDecoder();
  for (const char* bad :
       {R"({"output_tokens":1.5})", R"({"output_tokens":"2"})", R"({"output_tokens":true})",
        R"({"output_tokens":-1})", R"({"output_tokens":2000000000})", R"({"output_tokens":1e30})",
        R"({"output_tokens":2,"input_tokens":-3})",
        R"({"output_tokens":2,"cache_read_input_tokens":"x"})", "12", "[]"}) {
    Decoded d = Decode(*decoder, MessageStart() + TextDelta("a") + MessageDelta(bad) + kStop);
    EXPECT_TRUE(d.facts.usage_invalid) << bad;
    EXPECT_FALSE(d.facts.usage.has_value()) << bad;
    EXPECT_TRUE(d.facts.complete) << bad;
    // A later good count does not make it believable again.
    d = Decode(*decoder, MessageStart(bad) + TextDelta("a") + MessageDelta() + kStop);
    EXPECT_TRUE(d.facts.usage_invalid) << bad;
    EXPECT_FALSE(d.facts.usage.has_value()) << bad;
  }
  RequestOutcome outcome;
  outcome.http_status = 200;
  outcome.usage_malformed = true;  // what the reader makes of usage_invalid
  outcome.facts = Decode(*decoder, MessageStart() + MessageDelta("12") + kStop).facts;
  EXPECT_EQ(ClassifyRequest(outcome), ErrorClass::kMalformedUsage);
}

TEST(AnthropicAdapterTest, MalformedEventsAreMalformed) {
  auto decoder = StreamDecoder();
  for (const std::string& bad :
       {std::string("data: not json\n\n"), std::string("data: [1,2]\n\n"),
        std::string("data: {\"no\":\"type\"}\n\n"),
        Event("content_block_delta", R"({"type":"content_block_delta"})"),
        Event("content_block_delta", R"({"type":"content_block_delta","delta":"x"})"),
        Event("content_block_delta",
              R"({"type":"content_block_delta","delta":{"type":"text_delta","text":5}})"),
        Event("message_start", R"({"type":"message_start","message":7})")}) {
    const Decoded d = Decode(*decoder, MessageStart() + bad + TextDelta("a") + kStop);
    EXPECT_TRUE(d.facts.malformed) << bad;
    RequestOutcome outcome;
    outcome.http_status = 200;
    outcome.facts = d.facts;
    EXPECT_EQ(ClassifyRequest(outcome), ErrorClass::kMalformedStream) << bad;
  }
}

TEST(AnthropicAdapterTest, AnEventOverTheCapIsRefused) {
  auto decoder = StreamDecoder(/*max_bytes=*/256);
  decoder->Reset();
  const std::string big = TextDelta(std::string(400, 'x'));
  EXPECT_FALSE(decoder->Feed(MessageStart() + big, [](const ContentChunk&) {}));
  EXPECT_EQ(decoder->Finish().framing, FramingEnd::kTooLarge);
}

TEST(AnthropicAdapterTest, NonStreamedBodies) {
  auto decoder = BodyDecoder();
  EXPECT_FALSE(decoder->streaming());
  const std::string body =
      R"({"id":"msg_1","type":"message","role":"assistant","model":"claude-test",)"
      R"("content":[{"type":"text","text":"Hello world"}],"stop_reason":"end_turn",)"
      R"("stop_sequence":null,"usage":{"input_tokens":12,"output_tokens":2}})";
  for (size_t i = 0; i <= body.size(); i += 5) {
    const Decoded d = Decode(*decoder, body, {i});
    EXPECT_TRUE(d.chunks.empty());  // a body is timed by its first byte, by the engine
    EXPECT_TRUE(d.facts.complete);
    EXPECT_FALSE(d.facts.api_error);
    EXPECT_FALSE(d.facts.malformed);
    ASSERT_TRUE(d.facts.usage.has_value());
    EXPECT_EQ(d.facts.usage->prompt_tokens, 12);
    EXPECT_EQ(d.facts.usage->completion_tokens, 2);
  }
  Decoded d = Decode(*decoder, R"({"type":"error","error":{"type":"overloaded_error",)"
                               R"("message":"Overloaded"}})");
  EXPECT_TRUE(d.facts.api_error);
  EXPECT_EQ(d.facts.api_error_class, ErrorClass::kOverloaded);
  EXPECT_EQ(d.facts.error_message, "Overloaded");
  for (const char* bad :
       {"not json", "[]", R"({"type":"message"})", R"({"type":"message","content":"x"})",
        R"({"type":"completion","content":[]})", R"({"type":"message","content":[7]})"}) {
    EXPECT_TRUE(Decode(*decoder, bad).facts.malformed) << bad;
  }
  d = Decode(*decoder, R"({"type":"message","content":[],"usage":{"output_tokens":-2}})");
  EXPECT_FALSE(d.facts.malformed);
  EXPECT_TRUE(d.facts.usage_invalid);
  EXPECT_FALSE(d.facts.usage.has_value());
}

TEST(AnthropicAdapterTest, ErrorBodies) {
  auto decoder = StreamDecoder();
  ApiError e = decoder->DecodeErrorBody(
      R"({"type":"error","error":{"type":"rate_limit_error","message":"Number of requests )"
      R"(has exceeded your rate limit"}})");
  EXPECT_EQ(e.type, "rate_limit_error");
  EXPECT_EQ(e.message, "Number of requests has exceeded your rate limit");
  e = decoder->DecodeErrorBody("  <html>bad gateway</html>\n");
  EXPECT_EQ(e.message, "<html>bad gateway</html>");
  e = decoder->DecodeErrorBody(std::string(1000, 'x'));
  EXPECT_EQ(e.message.size(), 256u + 3);
}

TEST(AnthropicDecoderTest, StopReasonAndCountsAreKeptAndReset) {
  AnthropicDecoder decoder;
  EXPECT_EQ(decoder
                .Decode(R"({"type":"message_delta","delta":{"stop_reason":"max_tokens"},)"
                        R"("usage":{"output_tokens":9}})")
                .kind,
            AnthropicEventKind::kOther);
  EXPECT_EQ(decoder.stop_reason(), "max_tokens");
  EXPECT_EQ(decoder.Decode(R"({"type":"message_stop"})").kind, AnthropicEventKind::kStop);
  EXPECT_TRUE(decoder.stop_seen());
  ASSERT_TRUE(decoder.usage().has_value());
  EXPECT_EQ(decoder.usage()->completion_tokens, 9);
  decoder.Reset();
  EXPECT_FALSE(decoder.stop_seen());
  EXPECT_FALSE(decoder.usage().has_value());
  EXPECT_EQ(decoder.stop_reason(), "");
  EXPECT_EQ(AnthropicErrorClass("overloaded_error"), ErrorClass::kOverloaded);
  EXPECT_EQ(AnthropicErrorClass("rate_limit_error"), ErrorClass::kApiError);
}

}  // namespace
}  // namespace llmload
