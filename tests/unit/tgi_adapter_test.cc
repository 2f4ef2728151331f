#include "api/tgi_adapter.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
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

WorkloadSpec Spec() {
  WorkloadSpec spec;
  spec.api = "tgi";
  spec.url = "http://127.0.0.1:9";
  spec.model = "tgi";
  spec.prompts = {{"p", "What is Deep Learning?"}};
  return spec;
}

std::string Event(absl::string_view json) { return absl::StrCat("data:", json, "\n\n"); }

// What TGI 2 streams: two tokens, a special one, then the last token with the details.
std::string Stream() {
  return Event(R"({"index":1,"token":{"id":3,"text":"Deep","logprob":-0.1,"special":false},)"
               R"("generated_text":null,"details":null})") +
         Event(R"({"index":2,"token":{"id":4,"text":" learning","logprob":-0.2,"special":false},)"
               R"("generated_text":null,"details":null})") +
         Event(R"({"index":3,"token":{"id":0,"text":"<pad>","logprob":0.0,"special":true},)"
               R"("generated_text":null,"details":null})") +
         Event(R"({"index":4,"token":{"id":5,"text":" is","logprob":-0.3,"special":false},)"
               R"("generated_text":"Deep learning is","details":{"finish_reason":"length",)"
               R"("generated_tokens":4,"seed":null,"input_length":6}})");
}

TEST(TgiAdapterTest, PathFollowsTheStreamFlag) {
  auto adapter = CreateApiAdapter(Spec());
  ASSERT_TRUE(adapter.ok()) << adapter.status();
  EXPECT_EQ((*adapter)->endpoint_url(), "http://127.0.0.1:9/generate_stream");
  WorkloadSpec spec = Spec();
  spec.stream = false;
  auto body = CreateApiAdapter(spec);
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ((*body)->endpoint_url(), "http://127.0.0.1:9/generate");
  EXPECT_FALSE((*body)->NewDecoder()->streaming());

  // A path that contradicts the flag is refused, naming the flag to change.
  spec.url = "http://127.0.0.1:9/generate_stream";
  auto wrong = CreateApiAdapter(spec);
  ASSERT_FALSE(wrong.ok());
  EXPECT_TRUE(absl::StrContains(wrong.status().message(), "--url")) << wrong.status();
  spec = Spec();
  spec.url = "http://127.0.0.1:9/generate?x=1";
  wrong = CreateApiAdapter(spec);
  ASSERT_FALSE(wrong.ok());
  EXPECT_TRUE(absl::StrContains(wrong.status().message(), "--no-stream")) << wrong.status();
  // Any other path (TGI's POST /, a proxy's) is used as given.
  spec.url = "http://127.0.0.1:9/models/x/";
  ASSERT_TRUE(CreateApiAdapter(spec).ok());

  const ApiEntry* entry = FindApi("tgi");
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->key_env, "HF_TOKEN");
  EXPECT_EQ(entry->key_header, "Authorization");
  EXPECT_FALSE(entry->lists_models);
}

TEST(TgiAdapterTest, BodyAsksForDetailsAndPutsParamsInParameters) {
  WorkloadSpec spec = Spec();
  spec.max_tokens = 20;
  spec.temperature = 0.7;
  spec.api_key = "hf_x";
  spec.params = {{"top_p", "0.9"}, {"stop", R"(["\n"])"}, {"details", "false"}};
  auto adapter = CreateApiAdapter(spec);
  ASSERT_TRUE(adapter.ok());
  auto request = (*adapter)->Prepare(spec.prompts[0]);
  ASSERT_TRUE(request.ok());
  const nlohmann::json body = nlohmann::json::parse(request->body);
  EXPECT_EQ(body["inputs"], "What is Deep Learning?");
  EXPECT_EQ(body["parameters"]["max_new_tokens"], 20);
  EXPECT_EQ(body["parameters"]["temperature"], 0.7);
  EXPECT_EQ(body["parameters"]["top_p"], 0.9);
  EXPECT_EQ(body["parameters"]["stop"][0], "\n");
  EXPECT_EQ(body["parameters"]["details"], false);  // a param overrides what we ask
  EXPECT_EQ(body["stream"], true);
  EXPECT_FALSE(body.contains("model"));
  EXPECT_FALSE(body.contains("top_p"));
  const std::vector<std::string> want = {"Content-Type: application/json",
                                         "Accept: text/event-stream",
                                         "Expect:", "Authorization: Bearer hf_x"};
  EXPECT_EQ(request->header_lines, want);

  spec.params.clear();
  spec.temperature = 0;  // TGI refuses 0: greedy is its default without a temperature
  adapter = CreateApiAdapter(spec);
  ASSERT_TRUE(adapter.ok());
  const nlohmann::json greedy = nlohmann::json::parse((*adapter)->Prepare(spec.prompts[0])->body);
  EXPECT_FALSE(greedy["parameters"].contains("temperature"));
  EXPECT_EQ(greedy["parameters"]["details"], true);
}

TEST(TgiAdapterTest, StreamDecodesTheSameAtEverySplitPointSkippingSpecialTokens) {
  auto decoder = NewTgiResponseDecoder(/*stream=*/true, 1 << 20);
  const std::string stream = Stream();
  const DecodedResponse whole = DecodeReads(*decoder, {stream});
  EXPECT_EQ(whole.chunks, (std::vector<std::string>{"Deep", " learning", " is"}));
  EXPECT_EQ(whole.tokens, 3);  // one token per event
  EXPECT_TRUE(whole.facts.complete);
  EXPECT_EQ(whole.facts.framing, FramingEnd::kClean);
  EXPECT_FALSE(whole.facts.malformed);
  ASSERT_TRUE(whole.facts.usage.has_value());
  EXPECT_EQ(whole.facts.usage->completion_tokens, 4);
  EXPECT_EQ(whole.facts.usage->prompt_tokens, 6);
  EXPECT_FALSE(whole.facts.server.any());  // TGI reports no timings in the body
  for (size_t split = 0; split <= stream.size(); ++split) {
    EXPECT_EQ(DecodedDifference(DecodeSplit(*decoder, stream, split), whole), "") << split;
  }
  EXPECT_EQ(DecodedDifference(DecodeBytewise(*decoder, stream), whole), "");
  const std::string crlf = absl::StrReplaceAll(stream, {{"\n", "\r\n"}});
  for (size_t split = 0; split <= crlf.size(); ++split) {
    EXPECT_EQ(DecodedDifference(DecodeSplit(*decoder, crlf, split), whole), "") << split;
  }
}

TEST(TgiAdapterTest, WithoutTheFinalEventTheStreamIsTruncated) {
  auto decoder = NewTgiResponseDecoder(true, 1 << 20);
  const std::string stream = Stream();
  const size_t last = stream.rfind("data:");
  const DecodedResponse d = DecodeReads(*decoder, {absl::string_view(stream).substr(0, last)});
  EXPECT_EQ(d.chunks.size(), 2u);
  EXPECT_FALSE(d.facts.complete);
  EXPECT_FALSE(d.facts.usage.has_value());
  EXPECT_EQ(ClassifyRequest(StreamOutcome(d.facts)), ErrorClass::kTruncatedStream);
  const DecodedResponse cut =
      DecodeReads(*decoder, {absl::string_view(stream).substr(0, stream.size() - 1)});
  EXPECT_EQ(cut.facts.framing, FramingEnd::kPartialEvent);
  EXPECT_EQ(ClassifyRequest(StreamOutcome(cut.facts)), ErrorClass::kTruncatedStream);
  EXPECT_EQ(ClassifyRequest(StreamOutcome(DecodeReads(*decoder, {stream}).facts)),
            ErrorClass::kSuccess);
}

TEST(TgiAdapterTest, DetailsNotAskedStillEndTheStream) {
  auto decoder = NewTgiResponseDecoder(true, 1 << 20);
  // details:false: the last event has generated_text only; tokens then come from chunks.
  const DecodedResponse d =
      DecodeReads(*decoder, {Event(R"({"token":{"id":1,"text":"a","logprob":0,"special":false},)"
                                   R"("generated_text":null,"details":null})") +
                             Event(R"({"token":{"id":2,"text":"</s>","logprob":0,"special":true},)"
                                   R"("generated_text":"a","details":null})")});
  EXPECT_EQ(d.chunks, (std::vector<std::string>{"a"}));
  EXPECT_TRUE(d.facts.complete);
  EXPECT_FALSE(d.facts.usage.has_value());
  EXPECT_FALSE(d.facts.usage_invalid);
}

TEST(TgiAdapterTest, BadCountsMakeUsageInvalid) {
  auto decoder = NewTgiResponseDecoder(true, 1 << 20);
  for (const char* details : {R"({"finish_reason":"length","generated_tokens":2.5})",
                              R"({"finish_reason":"length","generated_tokens":"2"})",
                              R"({"generated_tokens":2,"input_length":-1.0})",
                              R"({"generated_tokens":2,"input_length":"x"})"}) {
    const DecodedResponse d = DecodeReads(
        *decoder,
        {Event(absl::StrCat(R"({"token":{"id":1,"text":"a","special":false},"generated_text":"a",)",
                            R"("details":)", details, "}"))});
    EXPECT_TRUE(d.facts.usage_invalid) << details;
    EXPECT_FALSE(d.facts.usage.has_value()) << details;
    EXPECT_TRUE(d.facts.complete) << details;
  }
  // Older servers said prompt_tokens.
  const DecodedResponse old = DecodeReads(
      *decoder, {Event(R"({"token":{"id":1,"text":"a","special":false},"generated_text":"a",)"
                       R"("details":{"generated_tokens":1,"prompt_tokens":9}})")});
  ASSERT_TRUE(old.facts.usage.has_value());
  EXPECT_EQ(old.facts.usage->prompt_tokens, 9);
}

TEST(TgiAdapterTest, ErrorEventsAndBodies) {
  auto decoder = NewTgiResponseDecoder(true, 1 << 20);
  const DecodedResponse error = DecodeReads(
      *decoder,
      {Event(
           R"({"token":{"id":1,"text":"a","special":false},"generated_text":null,"details":null})") +
       Event(R"({"error":"Request failed during generation: Server error: CUDA OOM",)"
             R"("error_type":"generation"})")});
  EXPECT_EQ(error.chunks.size(), 1u);
  EXPECT_TRUE(error.facts.api_error);
  EXPECT_EQ(error.facts.api_error_class, ErrorClass::kApiError);
  EXPECT_EQ(error.facts.error_message, "Request failed during generation: Server error: CUDA OOM");
  EXPECT_EQ(ClassifyRequest(StreamOutcome(error.facts)), ErrorClass::kApiError);

  const DecodedResponse overloaded = DecodeReads(
      *decoder, {Event(R"({"error":"Model is overloaded","error_type":"overloaded"})")});
  EXPECT_EQ(overloaded.facts.api_error_class, ErrorClass::kHttp429);
  EXPECT_EQ(ClassifyRequest(StreamOutcome(overloaded.facts)), ErrorClass::kHttp429);

  for (const char* bad :
       {"not json", "[]", R"({"token":{"text":"a","special":"no"},"details":null})",
        R"({"token":{"text":"a","special":false},"details":7})"}) {
    EXPECT_TRUE(DecodeReads(*decoder, {Event(bad)}).facts.malformed) << bad;
  }

  const ApiError body = decoder->DecodeErrorBody(
      R"({"error":"Input validation error: `inputs` must have less than 4096 tokens",)"
      R"("error_type":"validation"})");
  EXPECT_EQ(body.message, "Input validation error: `inputs` must have less than 4096 tokens");
  EXPECT_EQ(body.type, "validation");
  EXPECT_EQ(decoder->DecodeErrorBody("Failed to deserialize the JSON body").message,
            "Failed to deserialize the JSON body");
}

TEST(TgiAdapterTest, NonStreamedBody) {
  auto decoder = NewTgiResponseDecoder(/*stream=*/false, 1 << 20);
  const std::string body =
      R"({"generated_text":"Deep learning is","details":{"finish_reason":"length",)"
      R"("generated_tokens":3,"seed":null,"prefill":[{"id":1,"text":"What","logprob":null},)"
      R"({"id":2,"text":" is","logprob":-1.5}],"tokens":[]}})";
  for (size_t split = 0; split <= body.size(); split += 5) {
    const DecodedResponse d = DecodeSplit(*decoder, body, split);
    EXPECT_TRUE(d.chunks.empty());
    EXPECT_TRUE(d.facts.complete);
    EXPECT_FALSE(d.facts.malformed);
    ASSERT_TRUE(d.facts.usage.has_value());
    EXPECT_EQ(d.facts.usage->completion_tokens, 3);
    EXPECT_EQ(d.facts.usage->prompt_tokens, 2);  // from prefill
  }
  // Without prefill (decoder_input_details not asked) the input count is left out.
  const DecodedResponse no_prefill = DecodeReads(
      *decoder, {R"({"generated_text":"x","details":{"generated_tokens":1,"prefill":[]}})"});
  ASSERT_TRUE(no_prefill.facts.usage.has_value());
  EXPECT_EQ(no_prefill.facts.usage->prompt_tokens, 0);
  // TGI's POST / answers with a one-element array.
  EXPECT_TRUE(DecodeReads(*decoder, {"[" + body + "]"}).facts.usage.has_value());
  EXPECT_TRUE(
      DecodeReads(*decoder, {R"({"error":"x","error_type":"generation"})"}).facts.api_error);
  EXPECT_TRUE(DecodeReads(*decoder, {R"({"details":{}})"}).facts.malformed);
  EXPECT_TRUE(DecodeReads(*decoder, {"[]"}).facts.malformed);
  auto small = NewTgiResponseDecoder(false, 8);
  const DecodedResponse big = DecodeReads(*small, {body});
  EXPECT_TRUE(big.refused);
  EXPECT_EQ(big.facts.framing, FramingEnd::kTooLarge);
}

TEST(TgiAdapterTest, OverlongEventsAreRefused) {
  auto decoder = NewTgiResponseDecoder(true, 32);
  const DecodedResponse d = DecodeReads(*decoder, {"data: " + std::string(64, 'x')});
  EXPECT_TRUE(d.refused);
  EXPECT_EQ(d.facts.framing, FramingEnd::kTooLarge);
}

}  // namespace
}  // namespace llmload
