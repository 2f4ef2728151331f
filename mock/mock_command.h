// `llmload mock`: the command-line front of MockServer. Declares the flags, turns them into
// MockOptions (bad values exit 2 with a message naming the flag), serves until SIGINT,
// SIGTERM or SIGHUP, and prints one "listening on" line at start and one stats line at the end.
#ifndef LLMLOAD_MOCK_MOCK_COMMAND_H_
#define LLMLOAD_MOCK_MOCK_COMMAND_H_

#include "common/cli_command.h"

namespace llmload::mock {

void AddMockCommand(CLI::App& parent, CommandAction* action);

}  // namespace llmload::mock

#endif  // LLMLOAD_MOCK_MOCK_COMMAND_H_
