// Fuzzes the conversation parser (common/conversation.h, ParseConversations: what
// LoadConversations does after reading the file) and a session's walk through what it accepts
// (agent/conversation_session.h). An accepted file holds conversations with unique ids, each
// of 1 to kMaxConversationTurns turns with non-empty, valid UTF-8 prompts; playing one, the
// request for turn k carries the system prompt, the k earlier turns and this one, and the
// session ends after the last turn. Any other input is an error that names the file.
#include "common/conversation.h"

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "agent/conversation_session.h"
#include "simdjson.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view contents(reinterpret_cast<const char*>(data), size);
  auto conversations = llmload::ParseConversations(contents, "dir/fuzz.jsonl");
  if (!conversations.ok()) {
    const absl::string_view message = conversations.status().message();
    FUZZ_CHECK(absl::StartsWith(message, "dir/fuzz.jsonl:") ||
               absl::StartsWith(message, "--dataset: 'dir/fuzz.jsonl'"));
    return 0;
  }
  FUZZ_CHECK(!conversations->empty());
  std::set<std::string> ids;
  std::vector<llmload::ChatMessage> messages;
  for (const llmload::Conversation& c : *conversations) {
    FUZZ_CHECK(!c.id.empty() && ids.insert(c.id).second);
    FUZZ_CHECK(!c.turns.empty() && c.turns.size() <= llmload::kMaxConversationTurns);
    for (const llmload::ConversationTurn& t : c.turns) {
      FUZZ_CHECK(!absl::StripAsciiWhitespace(t.prompt).empty());
      FUZZ_CHECK(simdjson::validate_utf8(t.prompt.data(), t.prompt.size()));
      FUZZ_CHECK(!t.delay_ms.has_value() || (*t.delay_ms >= 0 && *t.delay_ms <= 86'400'000));
    }
    for (const auto mode : {llmload::HistoryMode::kActual, llmload::HistoryMode::kRecorded}) {
      llmload::agent::ConversationSession session(mode);
      session.Begin(c);
      for (size_t k = 0; k < c.turns.size(); ++k) {
        FUZZ_CHECK(session.active() && session.turn() == k);
        session.Messages(messages);
        const size_t system = c.system.empty() ? 0 : 1;
        size_t recorded = 0;
        for (size_t i = 0; i < k; ++i) recorded += c.turns[i].response.has_value();
        const size_t replies = mode == llmload::HistoryMode::kActual ? k : recorded;
        FUZZ_CHECK(messages.size() == system + k + replies + 1);
        FUZZ_CHECK(messages.back().role == "user" && messages.back().content == c.turns[k].prompt);
        session.Finish(true, "reply");
      }
      FUZZ_CHECK(!session.active());
    }
  }
  return 0;
}
