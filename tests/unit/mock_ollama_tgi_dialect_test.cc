// The mock's Ollama and TGI dialects: what they accept and refuse, and that what their writers
// send is what llmload's own decoders (api/ollama_adapter.h, api/tgi_adapter.h) read back:
// the same tokens, counts and, for Ollama, durations.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "api/ollama_adapter.h"
#include "api/tgi_adapter.h"
#include "gtest/gtest.h"
#include "mock/dialects/dialect_table.h"
#include "mock/dialects/ollama_dialect.h"
#include "mock/dialects/tgi_dialect.h"
#include "nlohmann/json.hpp"
#include "support/decoded_response.h"

namespace llmload::mock {
namespace {

using nlohmann::json;
using testing::DecodedResponse;
using testing::DecodeReads;

MockOutcome Outcome(bool length, int64_t prompt, int64_t completion) {
  return MockOutcome{length, prompt, completion, /*first_token_ns=*/20'000'000,
                     /*total_ns=*/50'000'000};
}

TEST(MockOllamaDialectTest, ParsesChatAndGenerate) {
  OllamaDialect d;
  MockRequest r;
  ASSERT_FALSE(d.Parse(OllamaEndpoint::kChat,
                       R"({"model":"m","messages":[{"role":"user","content":"12345678"}],)"
                       R"("options":{"num_predict":7}})",
                       &r));
  EXPECT_EQ(r.model, "m");
  EXPECT_TRUE(r.stream);  // Ollama streams unless told not to
  EXPECT_EQ(r.max_tokens, 7);
  EXPECT_EQ(r.prompt_tokens, 2);
  ASSERT_FALSE(d.Parse(OllamaEndpoint::kGenerate,
                       R"({"model":"m","prompt":"hi","stream":false,"options":{"num_predict":-1}})",
                       &r));
  EXPECT_FALSE(r.stream);
  EXPECT_FALSE(r.max_tokens.has_value());  // -1: no limit
  EXPECT_EQ(r.variant, static_cast<int>(OllamaEndpoint::kGenerate));
}

TEST(MockOllamaDialectTest, RefusesLikeOllama) {
  OllamaDialect d;
  MockRequest r;
  for (const char* body : {"{", R"({"messages":[]})", R"({"model":""})", R"({"model":3})",
                           R"({"model":"m","messages":"hi"})", R"({"model":"m","stream":"yes"})",
                           R"({"model":"m","options":{"num_predict":1.5}})"}) {
    std::optional<ApiError> error = d.Parse(OllamaEndpoint::kChat, body, &r);
    ASSERT_TRUE(error.has_value()) << body;
    EXPECT_EQ(error->http_status, 400) << body;
    MockReply reply;
    d.RenderError(*error, &reply);
    const json j = json::parse(reply.body);
    EXPECT_EQ(j.size(), 1u) << reply.body;  // {"error": "..."} alone
    EXPECT_TRUE(j["error"].is_string()) << reply.body;
  }
  EXPECT_EQ(d.Parse(OllamaEndpoint::kChat, R"({"messages":[]})", &r)->message, "model is required");
  EXPECT_TRUE(absl::StrContains(d.InjectedError(503, "m").message, "server busy"));
  EXPECT_EQ(d.InjectedError(429, "m").http_status, 429);
}

TEST(MockOllamaDialectTest, StreamIsNdjsonThatTheAdapterReadsBack) {
  OllamaDialect d;
  MockRequest r;
  ASSERT_FALSE(d.Parse(OllamaEndpoint::kChat,
                       R"({"model":"m \"q\"","messages":[{"role":"user","content":"hi"}]})", &r));
  auto writer = d.NewWriter();
  EXPECT_EQ(writer->stream_content_type(), "application/x-ndjson");
  writer->Begin(r, "ollama-1", 1700000000, /*chunked=*/false);
  std::string out;
  EXPECT_EQ(writer->AppendPrelude(&out), 0);
  writer->AppendToken(" Hello", &out);
  writer->AppendToken(" \\\"w\\\"", &out);
  EXPECT_EQ(writer->AppendFinish(Outcome(false, 1, 2), &out), 1);

  std::vector<std::string> lines = absl::StrSplit(out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u) << out;
  const json first = json::parse(lines[0]);
  EXPECT_EQ(first["model"], "m \"q\"");
  EXPECT_EQ(first["created_at"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(first["message"], json::parse(R"({"role":"assistant","content":" Hello"})"));
  EXPECT_EQ(first["done"], false);
  EXPECT_EQ(json::parse(lines[1])["message"]["content"], " \"w\"");
  const json done = json::parse(lines[2]);
  EXPECT_EQ(done["done"], true);
  EXPECT_EQ(done["done_reason"], "stop");
  EXPECT_EQ(done["message"]["content"], "");
  EXPECT_EQ(done["prompt_eval_count"], 1);
  EXPECT_EQ(done["eval_count"], 2);
  EXPECT_EQ(done["total_duration"], 50'000'000);
  EXPECT_EQ(done["prompt_eval_duration"], 20'000'000);
  EXPECT_EQ(done["eval_duration"], 30'000'000);
  EXPECT_EQ(done["load_duration"], 0);

  auto decoder = NewOllamaResponseDecoder(/*stream=*/true, 1 << 20);
  const DecodedResponse back = DecodeReads(*decoder, {out});
  EXPECT_EQ(back.chunks, (std::vector<std::string>{" Hello", " \"w\""}));
  EXPECT_TRUE(back.facts.complete);
  ASSERT_TRUE(back.facts.usage.has_value());
  EXPECT_EQ(back.facts.usage->completion_tokens, 2);
  EXPECT_EQ(back.facts.server.total_ns, 50'000'000);
  EXPECT_EQ(back.facts.server.prompt_ns, 20'000'000);
  EXPECT_EQ(back.facts.server.decode_ns, 30'000'000);
}

TEST(MockOllamaDialectTest, GenerateBodyIsOneDoneObject) {
  OllamaDialect d;
  MockRequest r;
  ASSERT_FALSE(
      d.Parse(OllamaEndpoint::kGenerate, R"({"model":"m","prompt":"p","stream":false})", &r));
  auto writer = d.NewWriter();
  writer->Begin(r, "ollama-1", 1700000000, true);
  std::string body;
  writer->AppendBody("abc", Outcome(true, 3, 4), &body);
  const json j = json::parse(body);
  EXPECT_EQ(j["response"], "abc");
  EXPECT_EQ(j["done"], true);
  EXPECT_EQ(j["done_reason"], "length");
  EXPECT_EQ(j["eval_count"], 4);
  EXPECT_FALSE(j.contains("message"));
  auto decoder = NewOllamaResponseDecoder(/*stream=*/false, 1 << 20);
  const DecodedResponse back = DecodeReads(*decoder, {body});
  ASSERT_TRUE(back.facts.usage.has_value());
  EXPECT_EQ(back.facts.usage->prompt_tokens, 3);
  EXPECT_EQ(back.facts.server.decode_ns, 30'000'000);
}

TEST(MockTgiDialectTest, ParsesParametersAndRefusesLikeTgi) {
  TgiDialect d;
  MockRequest r;
  ASSERT_FALSE(d.Parse(TgiEndpoint::kGenerateStream,
                       R"({"inputs":"12345678","parameters":{"max_new_tokens":5,)"
                       R"("temperature":0.5,"details":true},"stream":false})",
                       &r));
  EXPECT_TRUE(r.stream);  // the path decides
  EXPECT_EQ(r.max_tokens, 5);
  EXPECT_EQ(r.prompt_tokens, 2);
  EXPECT_EQ(r.flags, kTgiDetails);
  ASSERT_FALSE(d.Parse(TgiEndpoint::kGenerate,
                       R"({"inputs":"x","parameters":{"decoder_input_details":true}})", &r));
  EXPECT_FALSE(r.stream);
  EXPECT_EQ(r.flags, kTgiDecoderInputDetails);

  for (const char* body :
       {R"({})", R"({"inputs":""})", R"({"inputs":3})", R"({"inputs":"x","parameters":[]})",
        R"({"inputs":"x","parameters":{"max_new_tokens":0}})",
        R"({"inputs":"x","parameters":{"temperature":0}})",
        R"({"inputs":"x","parameters":{"details":"yes"}})"}) {
    std::optional<ApiError> error = d.Parse(TgiEndpoint::kGenerate, body, &r);
    ASSERT_TRUE(error.has_value()) << body;
    EXPECT_EQ(error->http_status, 422) << body;
    MockReply reply;
    d.RenderError(*error, &reply);
    const json j = json::parse(reply.body);
    EXPECT_TRUE(j["error"].is_string()) << reply.body;
    EXPECT_EQ(j["error_type"], "validation") << reply.body;
  }
  EXPECT_EQ(d.Parse(TgiEndpoint::kGenerate, "{", &r)->http_status, 400);
  const ApiError overloaded = d.InjectedError(429, "m");
  EXPECT_EQ(overloaded.type, "overloaded");
  MockReply reply;
  d.RenderError(overloaded, &reply);
  auto decoder = NewTgiResponseDecoder(true, 1 << 20);
  EXPECT_EQ(decoder->DecodeErrorBody(reply.body).type, "overloaded");
}

TEST(MockTgiDialectTest, StreamIsSseThatTheAdapterReadsBack) {
  TgiDialect d;
  MockRequest r;
  ASSERT_FALSE(d.Parse(TgiEndpoint::kGenerateStream,
                       R"({"inputs":"hello","parameters":{"details":true}})", &r));
  auto writer = d.NewWriter();
  EXPECT_EQ(writer->stream_content_type(), "text/event-stream");
  writer->Begin(r, "tgi-1", 1700000000, /*chunked=*/false);
  std::string out;
  writer->AppendToken(" Deep", &out);
  writer->AppendToken(" \\\"l\\\"", &out);
  EXPECT_EQ(writer->AppendFinish(Outcome(true, 2, 2), &out), 1);

  std::vector<std::string> events = absl::StrSplit(out, "\n\n", absl::SkipEmpty());
  ASSERT_EQ(events.size(), 3u) << out;
  for (const std::string& e : events) ASSERT_TRUE(absl::StartsWith(e, "data:")) << e;
  const json first = json::parse(events[0].substr(5));
  EXPECT_EQ(first["index"], 1);
  EXPECT_EQ(first["token"]["text"], " Deep");
  EXPECT_EQ(first["token"]["special"], false);
  EXPECT_TRUE(first["generated_text"].is_null());
  EXPECT_TRUE(first["details"].is_null());
  const json last = json::parse(events[2].substr(5));
  EXPECT_EQ(last["token"]["special"], true);
  EXPECT_EQ(last["generated_text"], " Deep \"l\"");
  EXPECT_EQ(last["details"], json::parse(R"({"finish_reason":"length","generated_tokens":2,)"
                                         R"("seed":null,"input_length":2})"));

  auto decoder = NewTgiResponseDecoder(/*stream=*/true, 1 << 20);
  const DecodedResponse back = DecodeReads(*decoder, {out});
  EXPECT_EQ(back.chunks, (std::vector<std::string>{" Deep", " \"l\""}));
  EXPECT_EQ(back.tokens, 2);
  EXPECT_TRUE(back.facts.complete);
  ASSERT_TRUE(back.facts.usage.has_value());
  EXPECT_EQ(back.facts.usage->completion_tokens, 2);
  EXPECT_EQ(back.facts.usage->prompt_tokens, 2);

  // Without details the last event still ends the stream.
  ASSERT_FALSE(d.Parse(TgiEndpoint::kGenerateStream, R"({"inputs":"hello"})", &r));
  writer->Begin(r, "tgi-2", 1700000000, false);
  out.clear();
  writer->AppendToken("a", &out);
  writer->AppendFinish(Outcome(false, 2, 1), &out);
  EXPECT_TRUE(absl::StrContains(out, "\"generated_text\":\"a\",\"details\":null")) << out;
  EXPECT_TRUE(DecodeReads(*decoder, {out}).facts.complete);
}

TEST(MockTgiDialectTest, BodyWithDetailsAndPrefill) {
  TgiDialect d;
  MockRequest r;
  ASSERT_FALSE(d.Parse(TgiEndpoint::kGenerate,
                       R"({"inputs":"hello","parameters":{"details":true,)"
                       R"("decoder_input_details":true}})",
                       &r));
  auto writer = d.NewWriter();
  writer->Begin(r, "tgi-1", 1700000000, true);
  std::string body;
  writer->AppendBody("abc", Outcome(false, 3, 4), &body);
  const json j = json::parse(body);
  EXPECT_EQ(j["generated_text"], "abc");
  EXPECT_EQ(j["details"]["finish_reason"], "eos_token");
  EXPECT_EQ(j["details"]["generated_tokens"], 4);
  EXPECT_EQ(j["details"]["prefill"].size(), 3u);
  auto decoder = NewTgiResponseDecoder(/*stream=*/false, 1 << 20);
  const DecodedResponse back = DecodeReads(*decoder, {body});
  ASSERT_TRUE(back.facts.usage.has_value());
  EXPECT_EQ(back.facts.usage->prompt_tokens, 3);
  EXPECT_EQ(back.facts.usage->completion_tokens, 4);

  ASSERT_FALSE(d.Parse(TgiEndpoint::kGenerate, R"({"inputs":"hello"})", &r));
  writer->Begin(r, "tgi-2", 1700000000, true);
  body.clear();
  writer->AppendBody("abc", Outcome(false, 3, 4), &body);
  EXPECT_EQ(json::parse(body), json::parse(R"({"generated_text":"abc"})"));
}

TEST(MockOllamaTgiDialectTest, TheTableRoutesTheirPaths) {
  DialectSet set;
  RouteMatch m;
  ASSERT_TRUE(set.Match("POST", "/api/chat", &m));
  EXPECT_EQ(DialectTable()[m.dialect_index].name, "ollama");
  ASSERT_TRUE(set.Match("GET", "/api/tags", &m));
  EXPECT_EQ(m.route->kind, RouteKind::kInfo);
  ASSERT_TRUE(set.Match("POST", "/generate_stream", &m));
  EXPECT_EQ(DialectTable()[m.dialect_index].name, "tgi");
  ASSERT_TRUE(set.Match("GET", "/generate", &m));
  EXPECT_FALSE(m.method_allowed);
  MockReply info;
  HttpRequest request;
  ASSERT_TRUE(set.Match("GET", "/info", &m));
  ASSERT_FALSE(m.dialect->AnswerInfo(request, *m.route, MockInfo{"tiny", 0}, &info));
  EXPECT_EQ(json::parse(info.body)["model_id"], "tiny");
}

}  // namespace
}  // namespace llmload::mock
