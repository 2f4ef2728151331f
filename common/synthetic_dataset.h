// SyntheticDataset: prompts made up to given lengths in tokens (`--input-tokens`,
// `--output-tokens`, `--prefix-tokens`/`--prefix-groups`, `--num-prompts`), as vLLM's random
// dataset and guidellm's synthetic data make them, for measuring a server at the input and
// output sizes of interest without a dataset. The text comes from common/synthetic_prompt.h:
// words that the GPT-2, GPT-4, GPT-4o, Llama 3 and Llama 2 tokenizers each count as one
// token, so a prompt of N words is N tokens to them (other vocabularies are close, not exact;
// docs/prompts.md). A prompt's output length becomes its max_tokens.
// The master sends the parameters, not the text: every agent builds the same prompts from the
// same parameters and seed.
#ifndef LLMLOAD_COMMON_SYNTHETIC_DATASET_H_
#define LLMLOAD_COMMON_SYNTHETIC_DATASET_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "common/prompt.h"
#include "common/token_length.h"

namespace llmload {

// The longest synthetic prompt, and the most tokens all of a dataset's prompts may hold
// together (about 6 bytes of text each: 300 MB).
inline constexpr int64_t kMaxSyntheticPromptTokens = 1'000'000;
inline constexpr int64_t kMaxSyntheticTotalTokens = 50'000'000;
inline constexpr int64_t kMaxSyntheticPrompts = 1'000'000;
// The longest reply a synthetic prompt may ask for.
inline constexpr int64_t kMaxSyntheticOutputTokens = 1'000'000;

struct SyntheticDataset {
  TokenLength input;
  std::optional<TokenLength> output;  // none: --max-tokens (or the server's default)
  // Each prompt starts with one of `prefix_groups` shared prefixes of `prefix_tokens` tokens
  // (prompt i with prefix i % groups); 0: no shared prefix. A prompt is then at least
  // prefix_tokens + 1 tokens long.
  int64_t prefix_tokens = 0;
  int64_t prefix_groups = 1;
  int64_t num_prompts = 1000;

  friend bool operator==(const SyntheticDataset&, const SyntheticDataset&) = default;
};

// Checks the bounds above (and that the lengths' own bounds hold); the errors name the flag.
absl::Status ValidateSyntheticDataset(const SyntheticDataset& dataset);

// The prompts of `dataset` for `seed`: "synthetic-1", "synthetic-2", ...; the same on every
// machine. `dataset` must be valid.
std::vector<Prompt> MakeSyntheticPrompts(const SyntheticDataset& dataset, uint64_t seed);

}  // namespace llmload

#endif  // LLMLOAD_COMMON_SYNTHETIC_DATASET_H_
