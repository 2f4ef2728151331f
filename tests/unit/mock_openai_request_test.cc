#include <string>

#include "gtest/gtest.h"
#include "mock/dialects/openai_request.h"
#include "nlohmann/json.hpp"

namespace llmload::mock {
namespace {

class CompletionRequestTest : public ::testing::Test {
 protected:
  std::optional<ApiError> Parse(CompletionApi api, const std::string& body) {
    return parser_.Parse(api, body, &request_);
  }
  CompletionRequestParser parser_;
  CompletionRequest request_;
};

TEST_F(CompletionRequestTest, ChatRequest) {
  ASSERT_FALSE(Parse(CompletionApi::kChat, R"({"model":"gpt-x","messages":[
      {"role":"system","content":"12345678"},
      {"role":"user","content":[{"type":"text","text":"abcd"},{"type":"image_url"}]},
      {"role":"assistant","content":null}],
      "stream":true,"stream_options":{"include_usage":true},"max_tokens":7})"));
  EXPECT_EQ(request_.model, "gpt-x");
  EXPECT_TRUE(request_.stream);
  EXPECT_TRUE(request_.include_usage);
  EXPECT_EQ(request_.max_tokens, 7);
  EXPECT_EQ(request_.prompt_tokens, 3);  // 12 bytes / 4
}

TEST_F(CompletionRequestTest, MaxCompletionTokensWinsOverMaxTokens) {
  ASSERT_FALSE(Parse(CompletionApi::kChat,
                     R"({"model":"m","messages":[{"role":"user","content":"x"}],)"
                     R"("max_tokens":5,"max_completion_tokens":9})"));
  EXPECT_EQ(request_.max_tokens, 9);
  ASSERT_FALSE(Parse(CompletionApi::kChat,
                     R"({"model":"m","messages":[{"role":"user","content":"x"}],)"
                     R"("max_tokens":null})"));
  EXPECT_FALSE(request_.max_tokens);
  EXPECT_FALSE(request_.stream);
  EXPECT_FALSE(request_.include_usage);
}

TEST_F(CompletionRequestTest, CompletionsPromptForms) {
  ASSERT_FALSE(Parse(CompletionApi::kCompletions, R"({"model":"m","prompt":"123456789"})"));
  EXPECT_EQ(request_.prompt_tokens, 3);
  ASSERT_FALSE(Parse(CompletionApi::kCompletions, R"({"model":"m","prompt":["1234","5678"]})"));
  EXPECT_EQ(request_.prompt_tokens, 2);
  ASSERT_FALSE(Parse(CompletionApi::kCompletions, R"({"model":"m","prompt":[1,2,3]})"));
  EXPECT_EQ(request_.prompt_tokens, 3);
  ASSERT_FALSE(Parse(CompletionApi::kCompletions, R"({"model":"m","prompt":[[1,2],[3]]})"));
  EXPECT_EQ(request_.prompt_tokens, 3);
  ASSERT_FALSE(Parse(CompletionApi::kCompletions, R"({"model":"m","prompt":""})"));
  EXPECT_EQ(request_.prompt_tokens, 1);  // never zero
}

TEST(EstimatePromptTokensTest, CeilOfBytesOverFourAtLeastOne) {
  EXPECT_EQ(EstimatePromptTokens(0), 1);
  EXPECT_EQ(EstimatePromptTokens(1), 1);
  EXPECT_EQ(EstimatePromptTokens(4), 1);
  EXPECT_EQ(EstimatePromptTokens(5), 2);
  EXPECT_EQ(EstimatePromptTokens(400), 100);
}

TEST_F(CompletionRequestTest, ErrorsMatchOpenAi) {
  struct Case {
    CompletionApi api;
    std::string body;
    std::string param;  // "" for null
    std::string code;   // "" for null
    std::string message_part;
  };
  const Case cases[] = {
      {CompletionApi::kChat, "{", "", "", "could not parse the JSON body"},
      {CompletionApi::kChat, "", "", "", "could not parse the JSON body"},
      {CompletionApi::kChat, "[1]", "", "", "expected an object"},
      {CompletionApi::kChat, R"({"messages":[]})", "", "", "you must provide a model parameter"},
      {CompletionApi::kChat, R"({"model":5,"messages":[]})", "model", "invalid_type",
       "Invalid type for 'model': expected a string, but got an integer instead."},
      {CompletionApi::kChat, R"({"model":"m"})", "messages", "missing_required_parameter",
       "Missing required parameter: 'messages'."},
      {CompletionApi::kChat, R"({"model":"m","messages":[]})", "messages", "empty_array",
       "empty array"},
      {CompletionApi::kChat, R"({"model":"m","messages":[{"content":"x"}]})", "messages[0].role",
       "missing_required_parameter", "'messages[0].role'"},
      {CompletionApi::kChat, R"({"model":"m","messages":[{"role":"bot","content":"x"}]})",
       "messages[0].role", "invalid_value", "Invalid value: 'bot'"},
      {CompletionApi::kChat, R"({"model":"m","messages":[{"role":"user","content":5}]})",
       "messages[0].content", "invalid_type", "Invalid type for 'messages[0].content'"},
      {CompletionApi::kChat,
       R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream":"yes"})", "stream",
       "invalid_type", "expected a boolean, but got a string instead"},
      {CompletionApi::kChat,
       R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream_options":{}})",
       "stream_options", "", "only allowed when 'stream' is enabled"},
      {CompletionApi::kChat,
       R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":0})", "max_tokens",
       "integer_below_min_value", "Expected a value >= 1, but got 0 instead."},
      {CompletionApi::kChat,
       R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":1.5})", "max_tokens",
       "invalid_type", "expected an integer, but got a decimal number instead"},
      {CompletionApi::kChat,
       R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_completion_tokens":99999999})",
       "max_completion_tokens", "invalid_value", "too large"},
      {CompletionApi::kCompletions, R"({"model":"m"})", "prompt", "missing_required_parameter",
       "Missing required parameter: 'prompt'."},
      {CompletionApi::kCompletions, R"({"model":"m","prompt":{"a":1}})", "prompt", "invalid_type",
       "Invalid type for 'prompt'"},
      {CompletionApi::kCompletions, R"({"model":"m","prompt":[true]})", "prompt", "invalid_type",
       "Invalid type for 'prompt'"},
  };
  for (const Case& c : cases) {
    std::optional<ApiError> e = Parse(c.api, c.body);
    ASSERT_TRUE(e) << c.body;
    EXPECT_EQ(e->http_status, 400) << c.body;
    EXPECT_EQ(e->type, "invalid_request_error");
    EXPECT_EQ(e->param.value_or(""), c.param) << c.body;
    EXPECT_EQ(e->code.value_or(""), c.code) << c.body;
    EXPECT_NE(e->message.find(c.message_part), std::string::npos) << e->message;
    // The body is valid JSON in OpenAI's envelope.
    nlohmann::json body = nlohmann::json::parse(e->Body());
    EXPECT_EQ(body["error"]["message"], e->message);
    EXPECT_EQ(body["error"]["param"].is_null(), c.param.empty());
    EXPECT_EQ(body["error"]["code"].is_null(), c.code.empty());
  }
}

TEST(ApiErrorTest, RouteAndInjectedErrors) {
  ApiError nf = ApiError::NotFound("POST", "/v1/foo");
  EXPECT_EQ(nf.http_status, 404);
  EXPECT_EQ(nlohmann::json::parse(nf.Body()),
            nlohmann::json::parse(R"j({"error":{"message":"Invalid URL (POST /v1/foo)",
              "type":"invalid_request_error","param":null,"code":null}})j"));
  EXPECT_EQ(ApiError::MethodNotAllowed("GET", "/v1/completions").http_status, 405);
  ApiError rl = ApiError::Injected(429, "m");
  EXPECT_EQ(rl.http_status, 429);
  EXPECT_EQ(rl.code, "rate_limit_exceeded");
  EXPECT_EQ(ApiError::Injected(500, "m").type, "server_error");
  EXPECT_EQ(ApiError::Injected(418, "m").http_status, 418);
}

}  // namespace
}  // namespace llmload::mock
