// The prompt set used when neither --prompt nor --dataset is given: eight original English
// prompts of different topics and lengths (one sentence up to about 250 words), so that a run
// with no input still shows how latency depends on prompt length, one prompt at a time.
// The set is compiled into the binary; its ids, topics and word counts are listed in
// docs/prompts.md. Results are reported per prompt id, so editing a text silently changes what
// earlier results for that id mean: keep the texts fixed once released.
#ifndef LLMLOAD_COMMON_BUILTIN_PROMPTS_H_
#define LLMLOAD_COMMON_BUILTIN_PROMPTS_H_

#include <vector>

#include "common/prompt.h"

namespace llmload {

// The eight built-in prompts, ids "builtin-1" (shortest) to "builtin-8" (longest).
const std::vector<Prompt>& BuiltinPrompts();

}  // namespace llmload

#endif  // LLMLOAD_COMMON_BUILTIN_PROMPTS_H_
