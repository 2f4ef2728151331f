// ConversationSession: the state of one virtual user playing a conversation (common/
// conversation.h) turn by turn, as chat apps do: each request carries the history so far plus
// the next user turn. By default the history holds the model's actual replies, as a real chat
// would (`--history actual`); `--history recorded` sends the dataset's recorded responses
// instead, so every run sends the same bytes whatever the model answers. A turn that fails
// ends the conversation: its history would not be one the server produced.
#ifndef LLMLOAD_AGENT_CONVERSATION_SESSION_H_
#define LLMLOAD_AGENT_CONVERSATION_SESSION_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/conversation.h"
#include "common/prompt.h"

namespace llmload::agent {

class ConversationSession {
 public:
  explicit ConversationSession(HistoryMode mode) : mode_(mode) {}

  // Starts `conversation` (which must outlive the session) at its first turn.
  void Begin(const Conversation& conversation);
  // Whether a turn is due or in flight (false before Begin and after the last turn).
  bool active() const { return conversation_ != nullptr; }
  // The index of the turn due or in flight.
  size_t turn() const { return turn_; }
  const Conversation* conversation() const { return conversation_; }

  // The messages of the current turn's request into `out` (its storage reused): the system
  // prompt, each earlier turn's prompt and reply (a recorded turn without a response has
  // none), then this turn's prompt.
  void Messages(std::vector<ChatMessage>& out) const;
  // The current turn's request as a prompt (`out`'s storage reused): the conversation's id,
  // this turn's prompt as the text, and the messages before it as the history.
  void TurnPrompt(Prompt& out) const;

  // The pause before the current turn: none for the first, else its `delay` from the dataset,
  // else `default_ns` (the engine passes --turn-delay, or --think-time without it).
  int64_t PauseBeforeNs(int64_t default_ns) const;

  // The current turn ended. `ok` with its reply: the session moves to the next turn, or ends
  // after the last; not `ok`, the conversation ends here.
  void Finish(bool ok, absl::string_view reply);

 private:
  HistoryMode mode_;
  const Conversation* conversation_ = nullptr;
  size_t turn_ = 0;
  std::vector<std::string> replies_;  // --history actual: the replies of turns before turn_
};

}  // namespace llmload::agent

#endif  // LLMLOAD_AGENT_CONVERSATION_SESSION_H_
