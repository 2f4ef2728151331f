#include "api/request_template.h"

#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace llmload {
namespace {

std::string Render(const std::string& text, const TemplateValues& v,
                   TemplateSyntax syntax = TemplateSyntax::kJson) {
  absl::StatusOr<RequestTemplate> t = RequestTemplate::Parse(text, syntax, "--request-template");
  EXPECT_TRUE(t.ok()) << t.status();
  return t.ok() ? t->Render(v) : "<error>";
}

TEST(RequestTemplateTest, ValuesInsideStringsAreEscaped) {
  const TemplateValues v{.prompt = "say \"hi\"\n\\ \x01 é", .model = "m\"1"};
  const std::string body = Render(R"({"text": "{{prompt}}", "m": "x-{{ model }}-y"})", v);
  const nlohmann::json j = nlohmann::json::parse(body);
  EXPECT_EQ(j["text"], "say \"hi\"\n\\ \x01 é");
  EXPECT_EQ(j["m"], "x-m\"1-y");
}

TEST(RequestTemplateTest, ValuesOutsideStringsAreJsonValues) {
  const TemplateValues v{.prompt = "p\"", .model = "m", .max_tokens = 64, .temperature = 0.5};
  const std::string body =
      Render(R"({"model": {{model}}, "messages": {{messages}}, "max_tokens": {{max_tokens}},)"
             R"( "t": {{temperature}}, "p": {{prompt}}})",
             v);
  const nlohmann::json j = nlohmann::json::parse(body);
  EXPECT_EQ(j["model"], "m");
  EXPECT_EQ(j["messages"], nlohmann::json::parse(R"([{"role":"user","content":"p\""}])"));
  EXPECT_EQ(j["max_tokens"], 64);
  EXPECT_EQ(j["t"], 0.5);
  EXPECT_EQ(j["p"], "p\"");
}

TEST(RequestTemplateTest, UnsetNumbersAreNullOutsideAndEmptyInsideStrings) {
  const TemplateValues v{.prompt = "p"};
  const nlohmann::json j =
      nlohmann::json::parse(Render(R"({"n": {{max_tokens}}, "s": "[{{max_tokens}}]"})", v));
  EXPECT_TRUE(j["n"].is_null());
  EXPECT_EQ(j["s"], "[]");
}

TEST(RequestTemplateTest, TheSeedsPercentPlaceholders) {
  // Seed 002's --query-template.
  const TemplateValues v{.prompt = "a \"quoted\" prompt", .model = "qwen"};
  const nlohmann::json j = nlohmann::json::parse(Render(
      R"({"model": "%m", "messages": [{"role": "user","content": "%p"}], "stream": true})", v));
  EXPECT_EQ(j["model"], "qwen");
  EXPECT_EQ(j["messages"][0]["content"], "a \"quoted\" prompt");
  EXPECT_EQ(Render("100% %x", v, TemplateSyntax::kText), "100% %x");  // only %p and %m
}

TEST(RequestTemplateTest, EscapedQuotesInTheTemplateKeepTheStringOpen) {
  // After \" the placeholder is still inside the string: escaped, not a JSON value.
  const nlohmann::json j =
      nlohmann::json::parse(Render(R"({"a": "say \"{{prompt}}\""})", {.prompt = "x\"y"}));
  EXPECT_EQ(j["a"], "say \"x\"y\"");
}

TEST(RequestTemplateTest, TextAndUrlSyntax) {
  const TemplateValues v{.prompt = "a b/c&d", .model = "m:1", .max_tokens = 5};
  EXPECT_EQ(Render("Bearer {{model}} {{max_tokens}}", v, TemplateSyntax::kText), "Bearer m:1 5");
  EXPECT_EQ(Render("http://127.0.0.1:1/s?model={{model}}&q={{prompt}}", v, TemplateSyntax::kUrl),
            "http://127.0.0.1:1/s?model=m%3A1&q=a%20b%2Fc%26d");
}

TEST(RequestTemplateTest, UnknownPlaceholdersAreRefusedAndBracesAreOtherwiseText) {
  absl::StatusOr<RequestTemplate> t =
      RequestTemplate::Parse(R"({"a": "{{promt}}"})", TemplateSyntax::kJson, "--request-template");
  ASSERT_FALSE(t.ok());
  EXPECT_TRUE(absl::StrContains(t.status().message(), "--request-template"));
  EXPECT_TRUE(absl::StrContains(t.status().message(), "{{promt}}"));
  EXPECT_EQ(Render(R"({"a": "{{ }} {{x-y}} }}"})", {}), R"({"a": "{{ }} {{x-y}} }}"})");
}

TEST(RequestTemplateTest, UsesAndInvalidUtf8) {
  absl::StatusOr<RequestTemplate> t =
      RequestTemplate::Parse(R"({"a": "%m"})", TemplateSyntax::kJson, "--request-template");
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->Uses(Placeholder::kModel));
  EXPECT_FALSE(t->Uses(Placeholder::kPrompt));
  // Invalid UTF-8 in a prompt becomes U+FFFD, so the body is still JSON.
  const std::string body = Render(R"({"a": "{{prompt}}"})", {.prompt = "x\xff"});
  EXPECT_EQ(nlohmann::json::parse(body)["a"], "x\xEF\xBF\xBD");
}

TEST(RequestTemplateTest, AParamThatIsOnePlaceholderIsItsJsonValue) {
  const TemplateValues v{.prompt = "p", .model = "m", .max_tokens = 7};
  absl::StatusOr<RequestTemplate> n =
      RequestTemplate::ParseParamValue("\"{{max_tokens}}\"", "--param n");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->Render(v), "7");
  absl::StatusOr<RequestTemplate> s =
      RequestTemplate::ParseParamValue("\"id-{{model}}\"", "--param s");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->Render(v), "\"id-m\"");
  absl::StatusOr<RequestTemplate> none = RequestTemplate::ParseParamValue("0.9", "--param t");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_placeholders());
  EXPECT_EQ(none->Render(v), "0.9");
}

}  // namespace
}  // namespace llmload
