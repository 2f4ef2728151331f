// What a Prompt carries besides its text (common/prompt.h), in every API's body:
//   - its own max_tokens (a trace line's output_length) in that API's own field, in place of
//     --max-tokens; a --param that names the field still wins over it, as the user asked for
//     it by name;
//   - its chat history (a conversation's earlier turns), in order before the user's message,
//     for every API whose table entry says `chat`.
#include <string>
#include <utility>
#include <vector>

#include "api/api_table.h"
#include "common/prompt.h"
#include "common/workload_spec.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace llmload {
namespace {

struct ApiCase {
  const char* api;
  const char* field;  // JSON pointer of the max-tokens field in the body
  const char* param;  // --param key that sets it
  const char* param_value;
  std::vector<std::pair<std::string, std::string>> credentials;
  std::vector<std::pair<std::string, std::string>> api_options;
};

std::vector<ApiCase> Cases() {
  return {
      {"openai-chat", "/max_tokens", "max_tokens", "99", {}, {}},
      {"bedrock-converse-stream",
       "/inferenceConfig/maxTokens",
       "maxTokens",
       "99",
       {{"AWS_ACCESS_KEY_ID", "AKIDFAKE"}, {"AWS_SECRET_ACCESS_KEY", "fake"}},
       {}},
      {"openai-completions", "/max_tokens", "max_tokens", "99", {}, {}},
      {"anthropic-messages", "/max_tokens", "max_tokens", "99", {}, {}},
      {"ollama-chat", "/options/num_predict", "options", R"({"num_predict": 99})", {}, {}},
      {"ollama-generate", "/options/num_predict", "options", R"({"num_predict": 99})", {}, {}},
      {"tgi", "/parameters/max_new_tokens", "max_new_tokens", "99", {}, {}},
      {"dashscope", "/parameters/max_tokens", "max_tokens", "99", {}, {}},
      {"zhipu", "/max_tokens", "max_tokens", "99", {}, {}},
      {"bedrock-converse",
       "/inferenceConfig/maxTokens",
       "maxTokens",
       "99",
       {{"AWS_ACCESS_KEY_ID", "AKIDFAKE"}, {"AWS_SECRET_ACCESS_KEY", "fake"}},
       {}},
      {"qianfan",
       "/max_output_tokens",
       "max_output_tokens",
       "99",
       {{"QIANFAN_ACCESS_KEY", "AK"}, {"QIANFAN_SECRET_KEY", "SK"}},
       {}},
      {"http-json",
       "/n",
       "",
       "",
       {},
       {{"request-template", R"({"t": "{{prompt}}", "n": {{max_tokens}}})"}}},
  };
}

WorkloadSpec SpecFor(const ApiCase& c) {
  WorkloadSpec spec;
  spec.api = c.api;
  spec.url = "http://127.0.0.1:9";
  spec.model = "m";
  spec.max_tokens = 5;  // --max-tokens
  spec.credentials = c.credentials;
  spec.api_options = c.api_options;
  spec.prompts = {{"p", "hello"}};
  return spec;
}

// The body of the request for `prompt`, parsed; null when the adapter cannot be made.
nlohmann::json BodyOf(const WorkloadSpec& spec, const Prompt& prompt) {
  auto adapter = CreateApiAdapter(spec);
  EXPECT_TRUE(adapter.ok()) << spec.api << ": " << adapter.status();
  if (!adapter.ok()) return nullptr;
  auto request = (*adapter)->Prepare(prompt);
  EXPECT_TRUE(request.ok()) << spec.api << ": " << request.status();
  if (!request.ok()) return nullptr;
  return nlohmann::json::parse(request->body, nullptr, /*allow_exceptions=*/false);
}

TEST(ApiPromptFieldsTest, EachApiSendsThePromptsOwnMaxTokensInItsField) {
  for (const ApiCase& c : Cases()) {
    SCOPED_TRACE(c.api);
    const WorkloadSpec spec = SpecFor(c);
    const nlohmann::json::json_pointer field(c.field);
    Prompt plain = spec.prompts[0];
    nlohmann::json body = BodyOf(spec, plain);
    ASSERT_TRUE(body.is_object()) << body.dump();
    EXPECT_EQ(body.value(field, -1), 5) << body.dump();  // --max-tokens

    Prompt own = plain;
    own.max_tokens = 7;
    body = BodyOf(spec, own);
    ASSERT_TRUE(body.is_object()) << body.dump();
    EXPECT_EQ(body.value(field, -1), 7) << body.dump();  // the prompt's own

    if (c.param[0] == '\0') continue;  // http-json: the template is the user's
    WorkloadSpec with_param = spec;
    with_param.max_tokens.reset();  // some APIs refuse --param and --max-tokens for one field
    with_param.params = {{c.param, c.param_value}};
    body = BodyOf(with_param, own);
    ASSERT_TRUE(body.is_object()) << body.dump();
    EXPECT_EQ(body.value(field, -1), 99) << body.dump();  // --param wins
  }
}

TEST(ApiPromptFieldsTest, EveryChatApiSendsTheHistoryInOrderBeforeThePrompt) {
  size_t chat_apis = 0;
  for (const ApiCase& c : Cases()) {
    const ApiEntry* entry = FindApi(c.api);
    ASSERT_NE(entry, nullptr) << c.api;
    if (!entry->chat) continue;
    ++chat_apis;
    SCOPED_TRACE(c.api);
    const WorkloadSpec spec = SpecFor(c);
    Prompt prompt = spec.prompts[0];
    prompt.text = "fourth: the user turn";
    prompt.history = {{"system", "first: the system prompt"},
                      {"user", "second: an earlier turn"},
                      {"assistant", "third: its reply"}};
    const nlohmann::json body = BodyOf(spec, prompt);
    ASSERT_TRUE(body.is_object()) << body.dump();
    // Each message's text once, the turns in order (the system prompt is where the API takes
    // it: in the messages, or in a field of its own).
    const std::string text = body.dump();
    const size_t system = text.find("first: the system prompt");
    ASSERT_NE(system, std::string::npos) << text;
    EXPECT_EQ(text.find("first: the system prompt", system + 1), std::string::npos) << text;
    size_t at = 0;
    for (const char* part : {"second: an earlier turn", "third: its reply",
                             "fourth: the user turn"}) {
      const size_t found = text.find(part);
      ASSERT_NE(found, std::string::npos) << part << " in " << text;
      EXPECT_GE(found, at) << part << " out of order in " << text;
      EXPECT_EQ(text.find(part, found + 1), std::string::npos) << part << " twice in " << text;
      at = found;
    }
    // The roles go with the texts: an assistant message precedes the user's turn.
    const size_t assistant = text.find("\"assistant\"");
    ASSERT_NE(assistant, std::string::npos) << text;
    EXPECT_LT(assistant, text.find("fourth: the user turn")) << text;
  }
  EXPECT_EQ(chat_apis, 8u);  // openai-chat, bedrock x2, dashscope, zhipu, ollama-chat, qianfan,
                             // anthropic-messages
}

}  // namespace
}  // namespace llmload
