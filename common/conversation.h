// Conversations for multi-turn runs (`--dataset FILE --multi-turn`): a virtual user plays one
// conversation's turns in order, each request carrying the history so far (agent/
// conversation_session.h). This is the dataset side: what a conversation holds and how a JSONL
// file of them is read. One conversation per line, in either of two forms:
//   [{"prompt": "Hi", "response": "Hello!"}, {"prompt": "And then?", "delay": 1500}]
//     seed 003's list of turns: `prompt` (a non-empty string), `response` (optional: the reply
//     recorded with the dataset, sent as history under --history recorded; the last turn's is
//     never sent) and `delay` (optional, AIPerf's field: ms to wait before this turn, after
//     the previous reply, in place of --think-time).
//   {"id": "c7", "messages": [{"role": "system", ...}, {"role": "user", ...}, {"role": "assistant",
//   ...}, ...]}
//     OpenAI-style messages: each user message is a turn, an assistant message after it that
//     turn's recorded response, system messages before the first user message the system prompt.
// The dataset loader (dataset/dataset_loader.h) reads the file; as in every --dataset file, a BOM
// is ignored, CRLF accepted, blank lines skipped but counted, and every error names "<path>:<line>"
// and the field.
#ifndef LLMLOAD_COMMON_CONVERSATION_H_
#define LLMLOAD_COMMON_CONVERSATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace llmload {

// The most turns one conversation may have: a bound on the history an agent keeps per user.
inline constexpr size_t kMaxConversationTurns = 1000;
// The longest pause a turn's `delay` may ask for: a day, in ms.
inline constexpr int64_t kMaxTurnDelayMs = 86'400'000;

struct ConversationTurn {
  std::string prompt;                   // the user's message
  std::optional<std::string> response;  // the reply recorded with the dataset
  std::optional<int64_t> delay_ms;      // the pause before this turn, from the dataset

  friend bool operator==(const ConversationTurn&, const ConversationTurn&) = default;
};

struct Conversation {
  std::string id;                       // "<file basename>:<line>", or the record's own `id`
  std::string system;                   // the system prompt, sent first; "" for none
  std::vector<ConversationTurn> turns;  // at least one

  friend bool operator==(const Conversation&, const Conversation&) = default;
};

// Which replies a conversation's history carries (`--history`): the model's own (kActual, as a
// real chat would) or the dataset's recorded responses (kRecorded: every run sends the same
// bytes whatever the model answers).
enum class HistoryMode { kActual, kRecorded };

// "actual" or "recorded" (case-insensitive); the error names --history.
absl::StatusOr<HistoryMode> ParseHistoryMode(absl::string_view text);
absl::string_view HistoryModeName(HistoryMode mode);

// Parses a conversation file's whole contents; `path` names it in ids and messages. Refuses
// a file with no conversation and duplicate ids.
absl::StatusOr<std::vector<Conversation>> ParseConversations(absl::string_view contents,
                                                             absl::string_view path);

}  // namespace llmload

#endif  // LLMLOAD_COMMON_CONVERSATION_H_
