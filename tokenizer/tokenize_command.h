// `llmload tokenize`: counts the tokens of files (or stdin) with a model's tokenizer.json,
// as llmload counts them during a run, so a user can check what a prompt or a dataset line
// costs, compare with what a server reports in `usage`, and time the tokenizer (--stats).
#ifndef LLMLOAD_TOKENIZER_TOKENIZE_COMMAND_H_
#define LLMLOAD_TOKENIZER_TOKENIZE_COMMAND_H_

#include "common/cli_command.h"

namespace llmload::tokenizer {

void AddTokenizeCommand(CLI::App& parent, CommandAction* action);

}  // namespace llmload::tokenizer

#endif  // LLMLOAD_TOKENIZER_TOKENIZE_COMMAND_H_
