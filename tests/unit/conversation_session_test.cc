#include "agent/conversation_session.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace llmload::agent {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Conversation ThreeTurns() {
  Conversation c;
  c.id = "c:1";
  c.system = "Be brief.";
  c.turns = {{.prompt = "Hi", .response = "Hello!", .delay_ms = std::nullopt},
             {.prompt = "Why?", .response = std::nullopt, .delay_ms = 250},
             {.prompt = "Bye", .response = "Bye!", .delay_ms = std::nullopt}};
  return c;
}

std::vector<std::string> Rendered(const ConversationSession& s) {
  std::vector<ChatMessage> messages;
  s.Messages(messages);
  std::vector<std::string> out;
  for (const ChatMessage& m : messages) out.push_back(m.role + ": " + m.content);
  return out;
}

TEST(ConversationSessionTest, ActualHistoryCarriesTheModelsReplies) {
  const Conversation c = ThreeTurns();
  ConversationSession s(HistoryMode::kActual);
  EXPECT_FALSE(s.active());
  s.Begin(c);
  ASSERT_TRUE(s.active());
  EXPECT_EQ(s.turn(), 0u);
  EXPECT_THAT(Rendered(s), ElementsAre("system: Be brief.", "user: Hi"));
  s.Finish(true, "reply one");
  EXPECT_EQ(s.turn(), 1u);
  EXPECT_THAT(Rendered(s),
              ElementsAre("system: Be brief.", "user: Hi", "assistant: reply one", "user: Why?"));
  s.Finish(true, "reply two");
  EXPECT_THAT(Rendered(s), ElementsAre("system: Be brief.", "user: Hi", "assistant: reply one",
                                       "user: Why?", "assistant: reply two", "user: Bye"));
  s.Finish(true, "reply three");
  EXPECT_FALSE(s.active());  // after the last turn
  EXPECT_TRUE(Rendered(s).empty());
}

TEST(ConversationSessionTest, RecordedHistoryCarriesTheDatasetsResponses) {
  const Conversation c = ThreeTurns();
  ConversationSession s(HistoryMode::kRecorded);
  s.Begin(c);
  s.Finish(true, "ignored");
  s.Finish(true, "ignored too");
  // Turn 1 has no recorded response: the next user message follows it directly.
  EXPECT_THAT(Rendered(s), ElementsAre("system: Be brief.", "user: Hi", "assistant: Hello!",
                                       "user: Why?", "user: Bye"));
}

TEST(ConversationSessionTest, AFailedTurnEndsTheConversation) {
  const Conversation c = ThreeTurns();
  ConversationSession s(HistoryMode::kActual);
  s.Begin(c);
  s.Finish(true, "one");
  s.Finish(false, "");
  EXPECT_FALSE(s.active());
  s.Begin(c);  // the next conversation starts clean
  EXPECT_EQ(s.turn(), 0u);
  EXPECT_THAT(Rendered(s), ElementsAre("system: Be brief.", "user: Hi"));
}

TEST(ConversationSessionTest, PausesComeFromTheDatasetOrTheThinkTime) {
  const Conversation c = ThreeTurns();
  ConversationSession s(HistoryMode::kActual);
  s.Begin(c);
  EXPECT_EQ(s.PauseBeforeNs(7), 0);  // the first turn: none
  s.Finish(true, "a");
  EXPECT_EQ(s.PauseBeforeNs(7), 250'000'000);  // its delay
  s.Finish(true, "b");
  EXPECT_EQ(s.PauseBeforeNs(7), 7);  // --think-time
}

TEST(ConversationSessionTest, ParsesTheHistoryFlag) {
  EXPECT_EQ(ParseHistoryMode(" Actual ").value_or(HistoryMode::kRecorded), HistoryMode::kActual);
  EXPECT_EQ(ParseHistoryMode("recorded").value_or(HistoryMode::kActual), HistoryMode::kRecorded);
  auto bad = ParseHistoryMode("model");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("--history: 'model' is not a history"));
  EXPECT_EQ(HistoryModeName(HistoryMode::kRecorded), "recorded");
}

TEST(ConversationSessionTest, TurnPromptIsTheTurnWithTheMessagesBeforeIt) {
  const Conversation c = ThreeTurns();
  ConversationSession s(HistoryMode::kRecorded);
  s.Begin(c);
  Prompt p;
  p.max_tokens = 9;  // a stale value from the scratch's last use is not kept
  s.TurnPrompt(p);
  EXPECT_EQ(p.id, "c:1");
  EXPECT_EQ(p.text, "Hi");
  EXPECT_THAT(p.history, ElementsAre(ChatMessage{"system", "Be brief."}));
  EXPECT_FALSE(p.max_tokens.has_value());
  s.Finish(true, "ignored: recorded history");
  s.TurnPrompt(p);
  EXPECT_EQ(p.text, "Why?");
  EXPECT_THAT(p.history, ElementsAre(ChatMessage{"system", "Be brief."}, ChatMessage{"user", "Hi"},
                                     ChatMessage{"assistant", "Hello!"}));
  s.Finish(false, "");
  s.TurnPrompt(p);  // no conversation: an empty prompt
  EXPECT_TRUE(p.text.empty());
  EXPECT_TRUE(p.history.empty());
}

}  // namespace
}  // namespace llmload::agent
