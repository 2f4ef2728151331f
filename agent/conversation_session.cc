#include "agent/conversation_session.h"

#include <string>
#include <utility>

namespace llmload::agent {

void ConversationSession::Begin(const Conversation& conversation) {
  conversation_ = conversation.turns.empty() ? nullptr : &conversation;
  turn_ = 0;
  replies_.clear();
}

void ConversationSession::Messages(std::vector<ChatMessage>& out) const {
  out.clear();
  if (conversation_ == nullptr) return;
  const Conversation& c = *conversation_;
  if (!c.system.empty()) out.push_back({"system", c.system});
  for (size_t i = 0; i < turn_; ++i) {
    out.push_back({"user", c.turns[i].prompt});
    if (mode_ == HistoryMode::kActual) {
      out.push_back({"assistant", replies_[i]});
    } else if (c.turns[i].response.has_value()) {
      out.push_back({"assistant", *c.turns[i].response});
    }
  }
  out.push_back({"user", c.turns[turn_].prompt});
}

void ConversationSession::TurnPrompt(Prompt& out) const {
  Messages(out.history);
  out.max_tokens.reset();
  if (out.history.empty()) {
    out.id.clear();
    out.text.clear();
    return;
  }
  out.id = conversation_->id;
  out.text = std::move(out.history.back().content);
  out.history.pop_back();
}

int64_t ConversationSession::PauseBeforeNs(int64_t default_ns) const {
  if (conversation_ == nullptr || turn_ == 0) return 0;
  const ConversationTurn& t = conversation_->turns[turn_];
  return t.delay_ms.has_value() ? *t.delay_ms * 1'000'000 : default_ns;
}

void ConversationSession::Finish(bool ok, absl::string_view reply) {
  if (conversation_ == nullptr) return;
  if (!ok || turn_ + 1 >= conversation_->turns.size()) {
    conversation_ = nullptr;
    turn_ = 0;
    replies_.clear();
    return;
  }
  if (mode_ == HistoryMode::kActual) replies_.emplace_back(reply);
  ++turn_;
}

}  // namespace llmload::agent
