// `llmload run`: the whole test in one process, master logic plus one in-process agent.
// With no --url it starts the built-in mock on a free loopback port, so a first run needs
// nothing else.
#ifndef LLMLOAD_MASTER_RUN_COMMAND_H_
#define LLMLOAD_MASTER_RUN_COMMAND_H_

#include "common/cli_command.h"

namespace llmload::master {

void AddRunCommand(CLI::App& parent, CommandAction* action);
// `llmload sweep`: `run` plus a capacity search (master/sweep_flags.h).
void AddSweepCommand(CLI::App& parent, CommandAction* action);

}  // namespace llmload::master

#endif  // LLMLOAD_MASTER_RUN_COMMAND_H_
