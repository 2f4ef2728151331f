// `llmload agent --master HOST:PORT`: a load generator that takes all its work from a master.
// It needs no other configuration, so one container image serves any test.
#ifndef LLMLOAD_AGENT_AGENT_COMMAND_H_
#define LLMLOAD_AGENT_AGENT_COMMAND_H_

#include "common/cli_command.h"

namespace llmload::agent {

void AddAgentCommand(CLI::App& parent, CommandAction* action);

}  // namespace llmload::agent

#endif  // LLMLOAD_AGENT_AGENT_COMMAND_H_
