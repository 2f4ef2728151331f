#include "common/conversation.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace llmload {
namespace {

using ::testing::HasSubstr;

std::string ErrorOf(absl::string_view contents) {
  auto c = ParseConversations(contents, "dir/c.jsonl");
  return c.ok() ? "" : std::string(c.status().message());
}

TEST(ConversationTest, ReadsSeed003TurnLists) {
  auto c = ParseConversations(
      "[{\"prompt\": \"地球的自转周期是多久？\", \"response\": \"大约24小时\"}, "
      "{\"prompt\": \"人类的基本单位是什么？\", \"response\": \"人类\", \"delay\": 1500.4}]\n"
      "\n"
      "[{\"prompt\": \"请根据下面的新闻生成摘要\"}]\n",
      "dir/c.jsonl");
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->size(), 2u);
  const Conversation& first = (*c)[0];
  EXPECT_EQ(first.id, "c.jsonl:1");
  EXPECT_EQ(first.system, "");
  ASSERT_EQ(first.turns.size(), 2u);
  EXPECT_EQ(first.turns[0].prompt, "地球的自转周期是多久？");
  EXPECT_EQ(first.turns[0].response, "大约24小时");
  EXPECT_FALSE(first.turns[0].delay_ms.has_value());
  EXPECT_EQ(first.turns[1].delay_ms, 1500);
  EXPECT_EQ((*c)[1].id, "c.jsonl:3");  // the blank line is counted
  ASSERT_EQ((*c)[1].turns.size(), 1u);
  EXPECT_FALSE((*c)[1].turns[0].response.has_value());
}

TEST(ConversationTest, ReadsOpenAiMessages) {
  auto c = ParseConversations(
      R"({"id": "chat-7", "messages": [{"role": "system", "content": "Be brief."},)"
      R"( {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"},)"
      R"( {"role": "user", "content": [{"type": "text", "text": "Tell"}, {"type": "text", "text": "more"}]},)"
      R"( {"role": "user", "content": "Now?"}, {"role": "assistant", "content": "ignored last"}]})",
      "dir/c.jsonl");
  ASSERT_TRUE(c.ok()) << c.status();
  const Conversation& conversation = (*c)[0];
  EXPECT_EQ(conversation.id, "chat-7");
  EXPECT_EQ(conversation.system, "Be brief.");
  ASSERT_EQ(conversation.turns.size(), 3u);
  EXPECT_EQ(conversation.turns[0].prompt, "Hi");
  EXPECT_EQ(conversation.turns[0].response, "Hello!");
  EXPECT_EQ(conversation.turns[1].prompt, "Tell\nmore");
  EXPECT_FALSE(conversation.turns[1].response.has_value());  // two user turns in a row
  EXPECT_EQ(conversation.turns[2].response, "ignored last");
}

TEST(ConversationTest, ErrorsNameTheLineAndField) {
  EXPECT_THAT(ErrorOf("{\"prompt\": \"x\"}"),
              HasSubstr("dir/c.jsonl:1: expected a conversation: a list of turns"));
  EXPECT_THAT(ErrorOf("[]"), HasSubstr("dir/c.jsonl:1: the conversation has no user turn"));
  EXPECT_THAT(ErrorOf("[{\"prompt\": \"a\"}, 3]"),
              HasSubstr("dir/c.jsonl:1: turn [1] must be an object with a 'prompt', got number"));
  EXPECT_THAT(ErrorOf("[{\"response\": \"a\"}]"),
              HasSubstr("dir/c.jsonl:1: turn [0] has no field 'prompt'"));
  EXPECT_THAT(ErrorOf("[{\"prompt\": \"  \"}]"), HasSubstr("turn [0]: the prompt is empty"));
  EXPECT_THAT(ErrorOf("[{\"prompt\": \"a\", \"response\": 5}]"),
              HasSubstr("field '[0].response' must be a string, got number"));
  EXPECT_THAT(ErrorOf("[{\"prompt\": \"a\", \"delay\": -1}]"),
              HasSubstr("field '[0].delay' must be a number of ms from 0 to 86400000"));
  EXPECT_THAT(ErrorOf("\n{\"messages\": [{\"role\": \"assistant\", \"content\": \"a\"}]}"),
              HasSubstr("dir/c.jsonl:2: field 'messages[0]': an assistant message before the "
                        "first user message"));
  EXPECT_THAT(ErrorOf(R"({"messages": [{"role": "user", "content": "a"},)"
                      R"( {"role": "system", "content": "b"}]})"),
              HasSubstr("field 'messages[1]': a system message after the first user message"));
  EXPECT_THAT(ErrorOf(R"({"messages": [{"role": "tool", "content": "a"}]})"),
              HasSubstr("field 'messages[0].role' is 'tool'"));
  EXPECT_THAT(ErrorOf(R"({"messages": [{"role": "user", "content": 1}]})"),
              HasSubstr("field 'messages[0].content' must be a string or an array"));
  EXPECT_THAT(ErrorOf("{\"id\": 1, \"messages\": [{\"role\": \"user\", \"content\": \"a\"}]}\n"
                      "{\"id\": 1, \"messages\": [{\"role\": \"user\", \"content\": \"b\"}]}"),
              HasSubstr("dir/c.jsonl:2: duplicate id '1' (first used on line 1)"));
  EXPECT_THAT(ErrorOf("[{\"prompt\": \"a\"},"), HasSubstr("dir/c.jsonl:1: invalid JSON"));
  EXPECT_THAT(ErrorOf("\n"), HasSubstr("'dir/c.jsonl' has no conversations"));
  std::string long_one = "[";
  for (size_t i = 0; i <= kMaxConversationTurns; ++i) {
    long_one += std::string(i ? "," : "") + "{\"prompt\": \"a\"}";
  }
  EXPECT_THAT(ErrorOf(long_one + "]"), HasSubstr("1001 turns, more than the 1000 allowed"));
}

}  // namespace
}  // namespace llmload
