// `llmload master`: serves agents over gRPC, waits for --expect-agents of them, splits the
// workload across them, and runs the same run loop, live view and outputs as `llmload run`.
#ifndef LLMLOAD_MASTER_MASTER_COMMAND_H_
#define LLMLOAD_MASTER_MASTER_COMMAND_H_

#include "common/cli_command.h"

namespace llmload::master {

void AddMasterCommand(CLI::App& parent, CommandAction* action);

}  // namespace llmload::master

#endif  // LLMLOAD_MASTER_MASTER_COMMAND_H_
