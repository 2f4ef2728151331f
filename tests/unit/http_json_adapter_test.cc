#include "api/http_json_adapter.h"

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/api_table.h"
#include "api/http_json_decoder.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/subprocess.h"

namespace llmload {
namespace {

using Options = std::vector<std::pair<std::string, std::string>>;

WorkloadSpec Spec(Options options) {
  WorkloadSpec spec;
  spec.api = "http-json";
  spec.url = "http://127.0.0.1:9/summarize?model=X";
  spec.model = "m";
  spec.api_options = std::move(options);
  spec.prompts = {{"p", "hello"}};
  return spec;
}

absl::StatusOr<std::unique_ptr<ApiAdapter>> Make(Options options) {
  return CreateApiAdapter(Spec(std::move(options)));
}

std::string Refusal(const WorkloadSpec& spec) {
  auto adapter = CreateApiAdapter(spec);
  EXPECT_FALSE(adapter.ok());
  return adapter.ok() ? "" : std::string(adapter.status().message());
}

// Everything a response fed in two reads, split at `split`, gave.
struct Decoded {
  std::vector<std::string> chunks;
  ResponseFacts facts;
};

Decoded Decode(ResponseDecoder& d, const std::string& body, size_t split) {
  Decoded out;
  d.Reset();
  auto on = [&](const ContentChunk& c) { out.chunks.emplace_back(c.text); };
  EXPECT_TRUE(d.Feed(absl::string_view(body).substr(0, split), on));
  EXPECT_TRUE(d.Feed(absl::string_view(body).substr(split), on));
  out.facts = d.Finish();
  return out;
}

// Decodes `body` split at every point and checks each gives what the whole does.
Decoded DecodeEverySplit(ResponseDecoder& d, const std::string& body) {
  const Decoded whole = Decode(d, body, body.size());
  for (size_t split = 0; split <= body.size(); ++split) {
    const Decoded part = Decode(d, body, split);
    EXPECT_EQ(part.chunks, whole.chunks) << "split at " << split;
    EXPECT_EQ(part.facts.complete, whole.facts.complete) << split;
    EXPECT_EQ(part.facts.malformed, whole.facts.malformed) << split;
    EXPECT_EQ(part.facts.api_error, whole.facts.api_error) << split;
    EXPECT_EQ(part.facts.usage, whole.facts.usage) << split;
    EXPECT_EQ(part.facts.framing, whole.facts.framing) << split;
  }
  return whole;
}

TEST(HttpJsonAdapterTest, SeedZeroSummarize) {
  auto adapter =
      Make({{"request-template", R"({"text": "{{prompt}}"})"}, {"response-text", "summary"}});
  ASSERT_TRUE(adapter.ok()) << adapter.status();
  EXPECT_EQ((*adapter)->endpoint_url(), "http://127.0.0.1:9/summarize?model=X");
  auto request = (*adapter)->Prepare({"p", "Solar \"energy\"\n"});
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->method, "POST");
  EXPECT_EQ(request->url, "http://127.0.0.1:9/summarize?model=X");
  EXPECT_EQ(nlohmann::json::parse(request->body)["text"], "Solar \"energy\"\n");
  EXPECT_EQ(request->body, R"({"text": "Solar \"energy\"\n"})");  // the user's layout kept
  EXPECT_NE(absl::StrJoin(request->header_lines, "|").find("Content-Type: application/json"),
            std::string::npos);
  EXPECT_EQ(absl::StrJoin(request->header_lines, "|").find("Authorization"), std::string::npos);

  auto decoder = (*adapter)->NewDecoder();
  EXPECT_FALSE(decoder->streaming());
  const Decoded d = DecodeEverySplit(*decoder, R"({"summary": "Brazil has sun."})");
  EXPECT_TRUE(d.facts.complete);
  EXPECT_FALSE(d.facts.malformed);
  EXPECT_FALSE(d.facts.api_error);
  EXPECT_FALSE(d.facts.usage.has_value());  // tokens then come from chunks

  // The answer is elsewhere, or not text: not what this endpoint answers.
  EXPECT_TRUE(Decode(*decoder, R"({"result": "x"})", 0).facts.malformed);
  EXPECT_TRUE(Decode(*decoder, R"({"summary": 3})", 0).facts.malformed);
  EXPECT_TRUE(Decode(*decoder, R"(not json)", 3).facts.malformed);
  const Decoded error = Decode(*decoder, R"({"error": {"message": "model busy"}})", 5);
  EXPECT_TRUE(error.facts.api_error);
  EXPECT_EQ(error.facts.error_message, "model busy");
  EXPECT_EQ(decoder->DecodeErrorBody(R"({"detail": "Not Found"})").message, "Not Found");
}

TEST(HttpJsonAdapterTest, TokensFromPathsMustBeIntegers) {
  auto adapter = Make({{"request-template", R"({"text": "{{prompt}}"})"},
                       {"response-text", "summary"},
                       {"response-input-tokens", "usage.input_tokens"},
                       {"response-output-tokens", "usage.output_tokens"}});
  ASSERT_TRUE(adapter.ok()) << adapter.status();
  auto decoder = (*adapter)->NewDecoder();
  const Decoded d =
      Decode(*decoder, R"({"summary":"s","usage":{"input_tokens":7,"output_tokens":3}})", 9);
  ASSERT_TRUE(d.facts.usage.has_value());
  EXPECT_EQ(*d.facts.usage, (TokenUsage{7, 3}));
  for (const char* bad : {"1.5", "\"3\"", "true", "[3]"}) {
    const Decoded b =
        Decode(*decoder, absl::StrCat(R"({"summary":"s","usage":{"output_tokens":)", bad, "}}"), 0);
    EXPECT_TRUE(b.facts.usage_invalid) << bad;
    EXPECT_FALSE(b.facts.usage.has_value()) << bad;
  }
  // Absent or null: not invalid, just not reported.
  EXPECT_FALSE(
      Decode(*decoder, R"({"summary":"s","usage":{"output_tokens":null}})", 0).facts.usage_invalid);
  EXPECT_FALSE(Decode(*decoder, R"({"summary":"s"})", 0).facts.usage.has_value());
}

TEST(HttpJsonAdapterTest, SeedTwoQueryTemplateParamsAndHeaders) {
  WorkloadSpec spec = Spec(
      {{"request-template", R"({"model": "%m", "messages": [{"role": "user","content": "%p"}],)"
                            R"( "stream": false, "max_tokens": {{max_tokens}}})"},
       {"response-text", "choices.0.message.content"}});
  spec.url = "http://127.0.0.1:9/v1/chat/completions";
  spec.model = "qwen";
  spec.params = {
      {"max_new_tokens", "\"{{max_tokens}}\""}, {"user", "\"u-{{model}}\""}, {"stream", "true"}};
  spec.headers = {{"X-Model", "{{model}}"}};
  spec.api_key = "sk-secret";
  auto adapter = CreateApiAdapter(spec);
  ASSERT_TRUE(adapter.ok()) << adapter.status();
  auto request = (*adapter)->Prepare({"p", "hi"});
  ASSERT_TRUE(request.ok()) << request.status();
  const nlohmann::json body = nlohmann::json::parse(request->body);
  EXPECT_EQ(body["model"], "qwen");
  EXPECT_EQ(body["messages"][0]["content"], "hi");
  EXPECT_TRUE(body["max_tokens"].is_null());  // --max-tokens unset
  EXPECT_TRUE(body["max_new_tokens"].is_null());
  EXPECT_EQ(body["user"], "u-qwen");
  EXPECT_EQ(body["stream"], true);  // a --param overrides the template's field
  const std::string headers = absl::StrJoin(request->header_lines, "|");
  EXPECT_NE(headers.find("X-Model: qwen"), std::string::npos) << headers;
  EXPECT_NE(headers.find("Authorization: Bearer sk-secret"), std::string::npos);

  spec.max_tokens = 32;
  adapter = CreateApiAdapter(spec);
  ASSERT_TRUE(adapter.ok());
  const nlohmann::json with_max = nlohmann::json::parse((*adapter)->Prepare({"p", "hi"})->body);
  EXPECT_EQ(with_max["max_tokens"], 32);
  EXPECT_EQ(with_max["max_new_tokens"], 32);
}

TEST(HttpJsonAdapterTest, TemplateFromAFileAndPlaceholdersInTheUrl) {
  const std::string dir = testing::MakeTempDir();
  const std::string path = dir + "/body.json";
  std::ofstream(path) << "{\"text\": \"{{prompt}}\"}\n";
  WorkloadSpec spec = Spec({{"request-template", "@" + path}, {"response-text", "summary"}});
  spec.url = "http://127.0.0.1:9/summarize?model={{model}}";
  spec.model = "a b";
  auto adapter = CreateApiAdapter(spec);
  ASSERT_TRUE(adapter.ok()) << adapter.status();
  auto request = (*adapter)->Prepare({"p", "x"});
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(nlohmann::json::parse(request->body)["text"], "x");
  EXPECT_EQ(request->url, "http://127.0.0.1:9/summarize?model=a%20b");
  // Resolving the endpoint keeps the placeholders for the agents to fill.
  ASSERT_TRUE(ResolveApiEndpoint(&spec).ok());
  EXPECT_EQ(spec.url, "http://127.0.0.1:9/summarize?model={{model}}");

  spec.api_options = {{"request-template", "@" + dir + "/missing.json"}};
  EXPECT_TRUE(absl::StrContains(Refusal(spec), "--request-template @"));
}

TEST(HttpJsonAdapterTest, GetSendsNoBody) {
  WorkloadSpec spec = Spec({{"method", "get"}, {"response-text", "summary"}});
  spec.url = "http://127.0.0.1:9/summarize?text={{prompt}}";
  auto adapter = CreateApiAdapter(spec);
  ASSERT_TRUE(adapter.ok()) << adapter.status();
  auto request = (*adapter)->Prepare({"p", "a&b"});
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->method, "GET");
  EXPECT_TRUE(request->body.empty());
  EXPECT_EQ(request->url, "http://127.0.0.1:9/summarize?text=a%26b");
  EXPECT_EQ(absl::StrJoin(request->header_lines, "|").find("Content-Type"), std::string::npos);
  spec.api_options.push_back({"request-template", "{}"});
  EXPECT_TRUE(absl::StrContains(Refusal(spec), "--method GET sends no body"));
}

TEST(HttpJsonAdapterTest, BadConfigurationsAreRefusedNamingTheFlag) {
  struct Case {
    Options options;
    const char* flag;
  } cases[] = {
      {{{"response-text", "summary"}}, "--request-template: required"},
      {{{"request-template", R"({"n": "{{max_tokens}}" "x"})"}}, "--request-template: the body"},
      {{{"request-template", R"({"m": {{messages}})"}}, "--request-template: the body"},
      {{{"request-template", R"({"t": "{{text}}"})"}}, "--request-template: unknown placeholder"},
      {{{"request-template", "{}"}, {"method", "DELETE"}}, "--method"},
      {{{"request-template", "{}"}, {"stream-format", "jsonl"}}, "--stream-format"},
      {{{"request-template", "{}"}, {"stream-format", "sse"}}, "--chunk-text: required"},
      {{{"request-template", "{}"}, {"chunk-text", "a"}}, "--chunk-text: applies to streams"},
      {{{"request-template", "{}"}, {"stream-done", "a=1"}}, "--stream-done: applies"},
      {{{"request-template", "{}"},
        {"stream-format", "sse"},
        {"chunk-text", "a"},
        {"response-text", "a"}},
       "--response-text: reads a non-streamed body"},
      {{{"request-template", "{}"}, {"response-text", "a..b"}}, "--response-text 'a..b'"},
      {{{"request-template", "{}"}, {"response-output-tokens", ""}}, "--response-output-tokens"},
      {{{"request-template", "{}"},
        {"stream-format", "ndjson"},
        {"chunk-text", "a"},
        {"stream-done", "=x"}},
       "--stream-done"},
  };
  for (const Case& c : cases) {
    const std::string message = Refusal(Spec(c.options));
    EXPECT_TRUE(absl::StartsWith(message, c.flag)) << c.flag << " vs " << message;
  }
  WorkloadSpec no_model = Spec({{"request-template", R"({"model": "%m"})"}});
  no_model.model.clear();
  EXPECT_TRUE(absl::StartsWith(Refusal(no_model), "--model")) << Refusal(no_model);
  no_model.api_options = {{"request-template", R"({"t": "{{prompt}}"})"}};
  EXPECT_TRUE(CreateApiAdapter(no_model).ok());  // a model only when the request uses it

  WorkloadSpec array = Spec({{"request-template", R"(["{{prompt}}"])"}});
  EXPECT_TRUE(CreateApiAdapter(array).ok());  // any JSON body...
  array.params = {{"k", "1"}};
  EXPECT_TRUE(absl::StartsWith(Refusal(array), "--param"));  // ...but params need an object

  WorkloadSpec header = Spec({{"request-template", "{}"}});
  header.headers = {{"X-Prompt", "{{prompt}}"}};
  auto adapter = CreateApiAdapter(header);
  ASSERT_TRUE(adapter.ok()) << adapter.status();
  EXPECT_TRUE((*adapter)->Prepare({"p", "one line"}).ok());
  auto refused = (*adapter)->Prepare({"p", "two\nlines"});
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(absl::StartsWith(refused.status().message(), "--header X-Prompt"));
}

TEST(HttpJsonAdapterTest, OpenAiShapedSse) {
  auto adapter = Make({{"request-template", R"({"messages": {{messages}}, "stream": true})"},
                       {"stream-format", "sse"},
                       {"chunk-text", "choices.0.delta.content"},
                       {"stream-done", "choices.0.finish_reason=stop"},
                       {"response-input-tokens", "usage.prompt_tokens"},
                       {"response-output-tokens", "usage.completion_tokens"}});
  ASSERT_TRUE(adapter.ok()) << adapter.status();
  auto request = (*adapter)->Prepare({"p", "hi"});
  ASSERT_TRUE(request.ok());
  EXPECT_NE(absl::StrJoin(request->header_lines, "|").find("Accept: text/event-stream"),
            std::string::npos);
  auto decoder = (*adapter)->NewDecoder();
  EXPECT_TRUE(decoder->streaming());
  EXPECT_TRUE(decoder->AcceptsContentType("text/event-stream; charset=utf-8"));
  EXPECT_FALSE(decoder->AcceptsContentType("application/json"));

  const std::string role =
      "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
      "\"finish_reason\":null}]}\n\n";
  const std::string token =
      "data: {\"choices\":[{\"delta\":{\"content\":\"tok\"},\"finish_reason\":null}],"
      "\"usage\":null}\n\n";
  const std::string finish = "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n";
  const std::string usage =
      "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":3}}\n\n";
  const std::string stream = role + token + token + token + finish + usage + "data: [DONE]\n\n";
  Decoded d = DecodeEverySplit(*decoder, stream);
  EXPECT_EQ(d.chunks, (std::vector<std::string>{"tok", "tok", "tok"}));
  EXPECT_TRUE(d.facts.complete);
  ASSERT_TRUE(d.facts.usage.has_value());
  EXPECT_EQ(*d.facts.usage, (TokenUsage{2, 3}));

  // Without [DONE] the finish event still ends it; without either the stream is cut off.
  EXPECT_TRUE(Decode(*decoder, role + token + finish, 10).facts.complete);
  EXPECT_FALSE(Decode(*decoder, role + token + token, 10).facts.complete);
  EXPECT_TRUE(Decode(*decoder, role + token + "data: [DONE]\n\n", 10).facts.complete);
  // A cut-off event, a non-JSON event, an error event.
  EXPECT_EQ(Decode(*decoder, token + "data: {\"cho", 3).facts.framing, FramingEnd::kPartialEvent);
  EXPECT_TRUE(Decode(*decoder, token + "data: {oops}\n\n", 3).facts.malformed);
  const Decoded error =
      Decode(*decoder, token + "data: {\"error\":{\"message\":\"overloaded\"}}\n\n", 3);
  EXPECT_TRUE(error.facts.api_error);
  EXPECT_EQ(error.facts.error_message, "overloaded");
}

TEST(HttpJsonAdapterTest, NdjsonWithDoneFlag) {
  auto adapter = Make({{"request-template", R"({"text": "{{prompt}}", "stream": true})"},
                       {"stream-format", "ndjson"},
                       {"chunk-text", "summary"},
                       {"stream-done", "done=true"},
                       {"response-output-tokens", "usage.output_tokens"}});
  ASSERT_TRUE(adapter.ok()) << adapter.status();
  auto decoder = (*adapter)->NewDecoder();
  for (const char* type : {"application/x-ndjson", "application/json-seq", "application/jsonl",
                           "application/json; charset=utf-8", "text/plain"}) {
    EXPECT_TRUE(decoder->AcceptsContentType(type)) << type;
  }
  EXPECT_FALSE(decoder->AcceptsContentType("text/html"));
  const std::string stream =
      "{\"summary\":\"a\",\"done\":false}\n{\"summary\":\"\",\"done\":false}\r\n\n"
      "\x1e{\"summary\":\"b\",\"done\":false}\n"
      "{\"done\":true,\"usage\":{\"output_tokens\":2}}\n";
  const Decoded d = DecodeEverySplit(*decoder, stream);
  EXPECT_EQ(d.chunks, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(d.facts.complete);
  ASSERT_TRUE(d.facts.usage.has_value());
  EXPECT_EQ(d.facts.usage->completion_tokens, 2);
  // Ending cleanly is not enough when --stream-done says what the end looks like.
  EXPECT_FALSE(Decode(*decoder, "{\"summary\":\"a\",\"done\":false}\n", 4).facts.complete);
  EXPECT_EQ(Decode(*decoder, "{\"summary\":\"a\"", 4).facts.framing, FramingEnd::kPartialEvent);
}

TEST(HttpJsonAdapterTest, WithoutStreamDoneACleanEndIsComplete) {
  auto adapter =
      Make({{"request-template", "{}"}, {"stream-format", "ndjson"}, {"chunk-text", "t"}});
  ASSERT_TRUE(adapter.ok()) << adapter.status();
  auto decoder = (*adapter)->NewDecoder();
  const Decoded clean = Decode(*decoder, "{\"t\":\"a\"}\n{\"t\":\"b\"}\n", 5);
  EXPECT_TRUE(clean.facts.complete);
  EXPECT_EQ(clean.chunks.size(), 2u);
  EXPECT_FALSE(Decode(*decoder, "{\"t\":\"a\"}\n{\"t\":", 5).facts.complete);
}

TEST(HttpJsonAdapterTest, StreamDoneMatching) {
  simdjson::dom::parser parser;
  auto matches = [&](const char* done, const char* json) {
    absl::StatusOr<StreamDoneMatcher> m = StreamDoneMatcher::Parse(done);
    EXPECT_TRUE(m.ok()) << m.status();
    simdjson::dom::element root;
    EXPECT_EQ(parser.parse(std::string(json)).get(root), simdjson::SUCCESS);
    return m.ok() && m->Matches(root);
  };
  EXPECT_TRUE(matches("done=true", R"({"done":true})"));
  EXPECT_FALSE(matches("done=true", R"({"done":false})"));
  EXPECT_TRUE(matches("done=true", R"({"done":"true"})"));
  EXPECT_FALSE(matches("done=\"true\"", R"({"done":true})"));  // quoted: the string only
  EXPECT_TRUE(matches("choices.0.finish_reason=stop", R"({"choices":[{"finish_reason":"stop"}]})"));
  EXPECT_FALSE(matches("choices.0.finish_reason=stop", R"({"choices":[{"finish_reason":null}]})"));
  EXPECT_TRUE(matches("is_end=1", R"({"is_end":1})"));
  EXPECT_TRUE(matches("s=0.5", R"({"s":0.5})"));
  EXPECT_TRUE(matches("s=null", R"({"s":null})"));
  EXPECT_FALSE(matches("s=1", R"({"s":[1]})"));
  EXPECT_FALSE(matches("s=1", R"({"t":1})"));
  EXPECT_TRUE(matches("choices.0.finish_reason", R"({"choices":[{"finish_reason":"length"}]})"));
  EXPECT_FALSE(matches("choices.0.finish_reason", R"({"choices":[{"finish_reason":null}]})"));
  EXPECT_FALSE(matches("done", R"({"done":false})"));
  EXPECT_FALSE(matches("done", R"({"done":""})"));
}

TEST(HttpJsonAdapterTest, TooLargeBodiesAndEvents) {
  WorkloadSpec spec = Spec({{"request-template", "{}"}, {"response-text", "summary"}});
  spec.max_response_bytes = 16;
  auto adapter = CreateApiAdapter(spec);
  ASSERT_TRUE(adapter.ok());
  auto decoder = (*adapter)->NewDecoder();
  decoder->Reset();
  EXPECT_FALSE(decoder->Feed(R"({"summary": "far too long for the cap"})", [](auto&) {}));
  EXPECT_EQ(decoder->Finish().framing, FramingEnd::kTooLarge);

  spec.api_options = {{"request-template", "{}"}, {"stream-format", "ndjson"}, {"chunk-text", "t"}};
  adapter = CreateApiAdapter(spec);
  ASSERT_TRUE(adapter.ok());
  decoder = (*adapter)->NewDecoder();
  decoder->Reset();
  EXPECT_FALSE(decoder->Feed(R"({"t": "far too long for the cap"})", [](auto&) {}));
  EXPECT_EQ(decoder->Finish().framing, FramingEnd::kTooLarge);
}

}  // namespace
}  // namespace llmload
