// The flags of multi-turn runs (`--multi-turn`, `--history`, `--turn-delay`) and what they make
// of a run: a closed loop whose users play the conversations of a --dataset file turn by turn,
// each request carrying the history so far (common/conversation.h reads the file,
// agent/conversation_session.h plays it). Their own unit, so that the workload flags
// (workload_flags.cc) only hand over to it when --multi-turn is given.
#ifndef LLMLOAD_MASTER_CONVERSATION_FLAGS_H_
#define LLMLOAD_MASTER_CONVERSATION_FLAGS_H_

#include <string>

#include "absl/status/status.h"
#include "common/workload_spec.h"

namespace CLI {
class App;
}  // namespace CLI

namespace llmload::master {

struct ConversationFlags {
  bool multi_turn = false;
  std::string history = "actual";
  std::string turn_delay;  // empty: --think-time
};

void AddConversationFlags(CLI::App& app, ConversationFlags& flags);

struct WorkloadFlags;

// Loads the conversations of `flags.dataset` into `spec`: spec.prompts become their first
// turns (ids the conversations'), the history mode and the turn delay are set, and each
// request is recorded (the turn breakdown reads the records). Refused by name: no --dataset,
// --prompt, the prompt-length filters, an open loop (--rate, --trace: a turn waits for the
// reply before it), an API that sends no chat history, and --history actual with --no-stream
// (the reply's text is read from its stream). Runs after the durations are parsed.
absl::Status ApplyConversationFlags(const WorkloadFlags& flags, WorkloadSpec& spec);

}  // namespace llmload::master

#endif  // LLMLOAD_MASTER_CONVERSATION_FLAGS_H_
