// Synthetic prompts of a given length in tokens, for replaying traces that record lengths
// rather than text (Mooncake's `input_length` and `hash_ids`, schedule/trace_file.h). The text
// is made of common English words that BPE and SentencePiece tokenizers each count as one token,
// so a prompt of N words is N prompt tokens to the server; and it is built block by block
// from the trace's hash ids, so requests that share leading blocks in the trace share a text
// prefix here too, and a server's prefix cache sees what it saw when the trace was recorded.
#ifndef LLMLOAD_COMMON_SYNTHETIC_PROMPT_H_
#define LLMLOAD_COMMON_SYNTHETIC_PROMPT_H_

#include <cstdint>
#include <string>

#include "absl/types/span.h"

namespace llmload {

// A prompt of `tokens` tokens: words from a fixed list of common English words, each one
// token in the GPT-2, GPT-4, GPT-4o, Llama 3, Llama 2, Qwen 3, DeepSeek V3 and Gemma 3
// vocabularies (checked by tests/integration/synthetic_prompt_tokens_test.cc).
//
// Exactly `tokens` lowercase ASCII words joined by single spaces ("" when tokens <= 0), with
// no leading or trailing space. Deterministic: the same arguments give the same text on every
// platform and standard library (our own SplitMix64, common/splitmix64.h).
//   - With `hash_ids` (and block_tokens >= 1), block i is `block_tokens` words drawn from a
//     generator seeded by hash_ids[i] alone, so two prompts whose hash ids share a leading run
//     share that many blocks of text exactly. The prompt is the blocks in order, cut to `tokens`
//     words; words past the last block (tokens > hash_ids.size() * block_tokens) come from
//     `salt` as below. block_tokens <= 0 ignores hash_ids.
//   - Otherwise, every word comes from `salt`: the first 9 words spell the salt in base 200
//     (least significant digit first), so salts that differ modulo 200 differ in the first
//     word and any two salts differ within the first 9 (requests do not share a prefix by
//     accident); the rest are drawn from a generator seeded by `salt`.
std::string SyntheticPrompt(int64_t tokens, absl::Span<const int64_t> hash_ids,
                            int64_t block_tokens, uint64_t salt);

}  // namespace llmload

#endif  // LLMLOAD_COMMON_SYNTHETIC_PROMPT_H_
