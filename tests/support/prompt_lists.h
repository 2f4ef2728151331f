// The texts or the ids of a list of prompts, in order: what dataset tests compare with the
// prompts they expect a reader to give.
#ifndef LLMLOAD_TESTS_SUPPORT_PROMPT_LISTS_H_
#define LLMLOAD_TESTS_SUPPORT_PROMPT_LISTS_H_

#include <string>
#include <vector>

#include "common/prompt.h"

namespace llmload::testing {

std::vector<std::string> TextsOf(const std::vector<Prompt>& prompts);
std::vector<std::string> IdsOf(const std::vector<Prompt>& prompts);

}  // namespace llmload::testing

#endif  // LLMLOAD_TESTS_SUPPORT_PROMPT_LISTS_H_
