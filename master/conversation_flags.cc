#include "master/conversation_flags.h"

#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "api/api_table.h"
#include "common/conversation.h"
#include "common/duration.h"
#include "master/workload_flags.h"

namespace llmload::master {

void AddConversationFlags(CLI::App& app, ConversationFlags& f) {
  app.add_flag("--multi-turn", f.multi_turn,
               "The --dataset holds conversations (JSONL: a list of {prompt, response, delay} "
               "turns, or {\"messages\": [...]}); each user plays one turn by turn, sending "
               "the history so far")
      ->group("Prompts");
  app.add_option("--history", f.history,
                 "With --multi-turn: actual (the model's own replies) or recorded (the "
                 "dataset's responses) as the history")
      ->capture_default_str()
      ->group("Prompts");
  app.add_option("--turn-delay", f.turn_delay,
                 "With --multi-turn: pause between a reply and the next turn, where the turn "
                 "has no delay of its own (default: --think-time)")
      ->group("Prompts");
}

absl::Status ApplyConversationFlags(const WorkloadFlags& f, WorkloadSpec& spec) {
  auto bad = [](auto... parts) { return absl::InvalidArgumentError(absl::StrCat(parts...)); };
  const ConversationFlags& c = f.conversation;
  if (!c.multi_turn) {
    if (c.history != "actual") return bad("--history: only with --multi-turn");
    if (!c.turn_delay.empty()) return bad("--turn-delay: only with --multi-turn");
    return absl::OkStatus();
  }
  if (f.dataset.empty()) {
    return bad("--multi-turn: give the conversations with --dataset FILE (JSONL)");
  }
  for (const auto& [given, flag] : {std::pair{!f.prompt.empty(), "--prompt"},
                                    std::pair{f.min_prompt_chars > 0, "--min-prompt-chars"},
                                    std::pair{f.max_prompt_chars > 0, "--max-prompt-chars"}}) {
    if (given) return bad(flag, ": not with --multi-turn (the dataset's conversations are sent)");
  }
  for (const auto& [given, flag] :
       {std::pair{f.rate.has_value(), "--rate"}, std::pair{!f.trace.path.empty(), "--trace"}}) {
    if (given) {
      return bad(flag,
                 ": not with --multi-turn: each turn waits for the reply to the one before "
                 "it, so conversations run in a closed loop (--users)");
    }
  }
  const ApiEntry* api = FindApi(spec.api);
  if (api != nullptr && !api->chat) {
    return bad("--multi-turn: --api ", spec.api,
               " takes a single prompt and sends no chat "
               "history; use a chat API (",
               ApiNames(/*chat_only=*/true), ")");
  }
  absl::StatusOr<HistoryMode> history = ParseHistoryMode(c.history);
  if (!history.ok()) return history.status();
  if (*history == HistoryMode::kActual && !spec.stream) {
    return bad(
        "--history actual reads each reply's text from its stream, so it needs streaming; "
        "with --no-stream use --history recorded");
  }
  if (!c.turn_delay.empty()) {
    absl::StatusOr<absl::Duration> delay = ParseDuration(c.turn_delay, "--turn-delay");
    if (!delay.ok()) return delay.status();
    spec.turn_delay = *delay;
  }
  if (!f.prompt_template.empty()) {
    return bad("--prompt-template: not with --multi-turn (the turns are sent as written)");
  }
  DatasetSource source;
  absl::StatusOr<std::vector<Conversation>> conversations =
      dataset::LoadDatasetConversations(f.dataset, DatasetLoadOptionsOf(f), &source);
  if (!conversations.ok()) return conversations.status();
  spec.dataset_source = std::move(source);
  spec.conversations = *std::move(conversations);
  spec.history = *history;
  // The agents build each first turn with its system prompt (agent/engine_shared.cc); the
  // prompts here name the conversations and carry their first turns, for the reports.
  spec.prompts.clear();
  spec.prompts.reserve(spec.conversations.size());
  for (const Conversation& conv : spec.conversations) {
    spec.prompts.push_back(Prompt{.id = conv.id, .text = conv.turns.front().prompt});
  }
  spec.record_requests = true;  // the turn breakdown (master/record_breakdown.h) reads them
  return absl::OkStatus();
}

}  // namespace llmload::master
