#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "api/anthropic_decoder.h"
#include "api/sse_parser.h"
#include "gtest/gtest.h"
#include "mock/dialects/anthropic_dialect.h"
#include "mock/dialects/anthropic_writer.h"
#include "mock/dialects/dialect_table.h"
#include "nlohmann/json.hpp"

namespace llmload::mock {
namespace {

using nlohmann::json;

std::optional<ApiError> Parse(AnthropicDialect& dialect, absl::string_view body, MockRequest* out) {
  HttpRequest request;
  request.method = "POST";
  request.path = request.target = "/v1/messages";
  request.body = body;
  return dialect.ParseRequest(request, dialect.routes()[0], RouteCaptures(), out);
}

TEST(MockAnthropicDialectTest, ServesV1MessagesInTheTable) {
  DialectSet dialects;
  RouteMatch m;
  ASSERT_TRUE(dialects.Match("POST", "/v1/messages", &m));
  EXPECT_TRUE(m.method_allowed);
  EXPECT_EQ(DialectTable()[m.dialect_index].name, "anthropic");
  ASSERT_TRUE(dialects.Match("GET", "/v1/messages", &m));
  EXPECT_FALSE(m.method_allowed);
}

TEST(MockAnthropicDialectTest, ParsesAMessagesRequest) {
  AnthropicDialect dialect;
  MockRequest r;
  ASSERT_EQ(Parse(dialect,
                  R"({"model":"claude-x","max_tokens":64,"stream":true,"system":"abcd",)"
                  R"("messages":[{"role":"user","content":"12345678"},)"
                  R"({"role":"assistant","content":[{"type":"text","text":"1234"}]}]})",
                  &r),
            std::nullopt);
  EXPECT_EQ(r.model, "claude-x");
  EXPECT_EQ(r.max_tokens, 64);
  EXPECT_TRUE(r.stream);
  EXPECT_EQ(r.prompt_tokens, 4);  // 16 bytes of text, system included
  ASSERT_EQ(Parse(dialect,
                  R"({"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"}]})", &r),
            std::nullopt);
  EXPECT_FALSE(r.stream);
  EXPECT_EQ(dialect.IdPrefix(r), "msg_");
}

TEST(MockAnthropicDialectTest, RefusesWhatAnthropicRefuses) {
  AnthropicDialect dialect;
  MockRequest r;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{", "not valid JSON"},
      {"[]", "valid dictionary"},
      {R"({"max_tokens":5,"messages":[{"role":"user","content":"x"}]})", "model: Field required"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}]})", "max_tokens: Field required"},
      {R"({"model":"m","max_tokens":"5","messages":[{"role":"user","content":"x"}]})",
       "max_tokens: Input should be a valid integer"},
      {R"({"model":"m","max_tokens":0,"messages":[{"role":"user","content":"x"}]})",
       "greater than or equal to 1"},
      {R"({"model":"m","max_tokens":99999999,"messages":[{"role":"user","content":"x"}]})",
       "maximum allowed number of output tokens"},
      {R"({"model":"m","max_tokens":5})", "messages: Field required"},
      {R"({"model":"m","max_tokens":5,"messages":[]})", "at least one message"},
      {R"({"model":"m","max_tokens":5,"messages":[{"role":"system","content":"x"}]})",
       "messages.0.role"},
      {R"({"model":"m","max_tokens":5,"messages":[{"role":"user"}]})",
       "messages.0.content: Field required"},
      {R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":5}]})",
       "messages.0.content"},
      {R"({"model":"m","max_tokens":5,"stream":"yes","messages":[{"role":"user","content":"x"}]})",
       "stream: Input should be a valid boolean"},
  };
  for (const auto& [body, expected] : cases) {
    std::optional<ApiError> error = Parse(dialect, body, &r);
    ASSERT_TRUE(error.has_value()) << body;
    EXPECT_EQ(error->http_status, 400) << body;
    EXPECT_NE(error->message.find(expected), std::string::npos) << body << " -> " << error->message;
  }
}

TEST(MockAnthropicDialectTest, ErrorsHaveAnthropicsShapeAndTypes) {
  AnthropicDialect dialect;
  for (const auto& [status, type] :
       std::vector<std::pair<int, std::string>>{{429, "rate_limit_error"},
                                                {529, "overloaded_error"},
                                                {500, "api_error"},
                                                {503, "api_error"},
                                                {400, "invalid_request_error"}}) {
    MockReply reply;
    dialect.RenderError(dialect.InjectedError(status, "claude-x"), &reply);
    const json body = json::parse(reply.body);
    EXPECT_EQ(body["type"], "error") << status;
    EXPECT_EQ(body["error"]["type"], type) << status;
    EXPECT_NE(body["error"]["message"].get<std::string>().find("njected"), std::string::npos);
    // What llmload's decoder reads of it.
    AnthropicDecoder decoder;
    EXPECT_EQ(decoder.DecodeErrorBody(reply.body).type, type);
  }
  MockReply reply;
  dialect.RenderError(ApiError::NotFound("POST", "/v1/nope"), &reply);
  EXPECT_EQ(json::parse(reply.body)["error"]["type"], "not_found_error");
}

// Strips HTTP chunk framing ("<hex>\r\n<data>\r\n" ... "0\r\n\r\n").
std::string Unchunk(absl::string_view chunked) {
  std::string out;
  while (!chunked.empty()) {
    const size_t eol = chunked.find("\r\n");
    const size_t n = std::stoul(std::string(chunked.substr(0, eol)), nullptr, 16);
    if (n == 0) break;
    const absl::string_view data = chunked.substr(eol + 2, n);
    out.append(data.data(), data.size());
    chunked.remove_prefix(eol + 2 + n + 2);
  }
  return out;
}

TEST(MockAnthropicWriterTest, StreamsTheRealEventSequenceThatLlmloadDecodes) {
  AnthropicWriter writer;
  MockRequest request;
  request.model = "claude-x";
  request.prompt_tokens = 7;
  request.stream = true;
  for (bool chunked : {true, false}) {
    std::string out;
    writer.Begin(request, "msg_abc", 0, chunked);
    EXPECT_EQ(writer.AppendPrelude(&out), 3);
    writer.AppendToken(" Hel", &out);
    writer.AppendToken(" \\\"lo", &out);
    MockOutcome outcome;
    outcome.length = true;
    outcome.prompt_tokens = 7;
    outcome.completion_tokens = 2;
    EXPECT_EQ(writer.AppendFinish(outcome, &out), 3);
    const std::string body = chunked ? Unchunk(out) : out;
    if (chunked) {
      EXPECT_TRUE(absl::EndsWith(out, "0\r\n\r\n"));
    }

    std::vector<std::string> types;
    std::vector<std::string> texts;
    AnthropicDecoder decoder;
    SseParser sse;
    ASSERT_TRUE(sse.Feed(body,
                         [&](absl::string_view event, absl::string_view data) {
                           const json j = json::parse(data);
                           EXPECT_EQ(j["type"],
                                     std::string(event));  // the event name and the data agree
                           types.emplace_back(event);
                           const AnthropicEvent e = decoder.Decode(data);
                           if (e.kind == AnthropicEventKind::kContent) texts.emplace_back(e.text);
                           if (event == "message_start") {
                             EXPECT_EQ(j["message"]["id"], "msg_abc");
                             EXPECT_EQ(j["message"]["model"], "claude-x");
                           }
                         })
                    .ok());
    EXPECT_EQ(types,
              (std::vector<std::string>{"message_start", "content_block_start", "ping",
                                        "content_block_delta", "content_block_delta",
                                        "content_block_stop", "message_delta", "message_stop"}));
    EXPECT_EQ(texts, (std::vector<std::string>{" Hel", " \"lo"}));
    EXPECT_TRUE(decoder.stop_seen());
    EXPECT_EQ(decoder.stop_reason(), "max_tokens");
    ASSERT_TRUE(decoder.usage().has_value());
    EXPECT_EQ(decoder.usage()->prompt_tokens, 7);
    EXPECT_EQ(decoder.usage()->completion_tokens, 2);
  }
}

TEST(MockAnthropicWriterTest, TheBodyIsAMessage) {
  AnthropicWriter writer;
  MockRequest request;
  request.model = "claude-x";
  writer.Begin(request, "msg_abc", 0, true);
  MockOutcome outcome;
  outcome.prompt_tokens = 3;
  outcome.completion_tokens = 2;
  std::string out;
  writer.AppendBody(" a b", outcome, &out);
  const json j = json::parse(out);
  EXPECT_EQ(j["id"], "msg_abc");
  EXPECT_EQ(j["type"], "message");
  EXPECT_EQ(j["role"], "assistant");
  EXPECT_EQ(j["content"][0]["type"], "text");
  EXPECT_EQ(j["content"][0]["text"], " a b");
  EXPECT_EQ(j["stop_reason"], "end_turn");
  EXPECT_EQ(j["usage"]["input_tokens"], 3);
  EXPECT_EQ(j["usage"]["output_tokens"], 2);
  AnthropicDecoder decoder;
  const AnthropicBody body = decoder.DecodeBody(out);
  EXPECT_FALSE(body.malformed);
  EXPECT_EQ(body.text, " a b");
  ASSERT_TRUE(body.usage.has_value());
  EXPECT_EQ(body.usage->completion_tokens, 2);
}

}  // namespace
}  // namespace llmload::mock
