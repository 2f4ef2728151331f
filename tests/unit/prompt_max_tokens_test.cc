// A prompt's own max_tokens (a trace line's output_length, common/prompt.h) goes into every
// API's body, in that API's own field, in place of --max-tokens; a --param that names the
// field still wins over it, as the user asked for it by name.
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

TEST(PromptMaxTokensTest, EachApiSendsThePromptsOwnMaxTokensInItsField) {
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

}  // namespace
}  // namespace llmload
