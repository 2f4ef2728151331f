// How a subcommand plugs into the `llmload` binary: each part (mock/, agent/, master/)
// exposes one Add*Command function that declares its flags on a CLI11 sub-app and returns
// the action to run once parsing has succeeded. Keeping parsing and running apart means a
// bad flag is reported (exit 2) before any thread, socket or file is opened.
#ifndef LLMLOAD_COMMON_CLI_COMMAND_H_
#define LLMLOAD_COMMON_CLI_COMMAND_H_

#include <functional>

namespace CLI {
class App;
}  // namespace CLI

namespace llmload {

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitAllFailed = 1;  // the run happened but every request failed
inline constexpr int kExitBadInput = 2;   // flags, scenario, dataset: the user's input
// An output (a result file, or the summary on stdout) could not be written completely: the
// error names it. Results that were written are complete; the run's figures are not lost
// only if another output has them.
inline constexpr int kExitResultsIncomplete = 3;
// Stopped by SIGINT, SIGTERM or SIGHUP before any load was sent (e.g. during the /v1/models
// lookup): 128 + SIGINT, what a shell reports for a program ended by Ctrl-C.
inline constexpr int kExitInterrupted = 130;

// The action a subcommand runs after parsing. It returns the process exit code.
using CommandAction = std::function<int()>;

// Signature every subcommand exposes: declare flags on `parent`'s new sub-app and store the
// action in `*action` when the sub-app is the one selected.
using AddCommandFn = void (*)(CLI::App& parent, CommandAction* action);

}  // namespace llmload

#endif  // LLMLOAD_COMMON_CLI_COMMAND_H_
