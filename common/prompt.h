// What a virtual user sends and in which order: the Prompt record shared by the built-in set,
// `--prompt` and `--dataset`, and the PromptPicker that chooses the next prompt index on the hot
// path. Loading prompts from files lives in common/dataset.h.
#ifndef LLMLOAD_COMMON_PROMPT_H_
#define LLMLOAD_COMMON_PROMPT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace llmload {

// One message of a chat request's history (a multi-turn conversation's earlier turns):
// role "system", "user" or "assistant", and its text.
struct ChatMessage {
  std::string role;
  std::string content;

  friend bool operator==(const ChatMessage&, const ChatMessage&) = default;
};

// One prompt. `id` is stable across runs of the same input so per-prompt results can be
// compared: "builtin-3", "<file-basename>:<line>", a JSONL record's own `id`, or "prompt" for
// `--prompt`.
struct Prompt {
  std::string id;
  std::string text;
  // This request's own max_tokens (a trace line's output_length), which stands in for the run's
  // --max-tokens; a --param naming the API's max-tokens field still wins over both.
  std::optional<int64_t> max_tokens = std::nullopt;
  // The messages sent before `text` (the user's message) in a chat API's request: a
  // conversation's system prompt and earlier turns. Only the APIs whose table entry says
  // `chat` send it (api/api_table.h).
  std::vector<ChatMessage> history = {};

  friend bool operator==(const Prompt&, const Prompt&) = default;
};

// How successive requests walk the prompt set (`--prompt-order`).
enum class PromptOrder {
  kRoundRobin,  // 0, 1, 2, ..., n-1, 0, ... from a per-stream starting offset
  kRandom,      // independent uniform draws (with replacement) from a per-stream generator
};

// Parses the `--prompt-order` value: "round-robin" or "random" (case-insensitive, surrounding
// spaces ignored). The error names the flag and lists the accepted values.
absl::StatusOr<PromptOrder> ParsePromptOrder(absl::string_view text);

// "round-robin" or "random": the inverse of ParsePromptOrder, for reports and logs.
absl::string_view PromptOrderName(PromptOrder order);

// Chooses prompt indices for one stream of requests. Each event-loop thread (or agent) owns
// its own picker, identified by `stream`, so Next() needs no lock and allocates nothing, and
// the sequence depends only on (count, order, seed, stream): a run can be replayed exactly.
//
//   - kRoundRobin starts at `stream % count`, so parallel streams begin on different prompts
//     instead of all hitting prompt 0 at once, then cycles through every prompt in order.
//   - kRandom draws uniformly with a PCG32 generator whose state is derived from `seed` and
//     whose PCG stream selector is `stream`; different streams give different sequences.
//     The generator and the range reduction are our own code, not std::
//     distributions, so sequences do not change between standard libraries.
class PromptPicker {
 public:
  // `count` is the number of prompts and must be at least 1 (every loader refuses an empty
  // set); a zero count is a programming error and aborts with a message.
  PromptPicker(size_t count, PromptOrder order, uint64_t seed, uint64_t stream);

  // The index of the next prompt, in [0, count).
  size_t Next();

  size_t count() const { return count_; }
  PromptOrder order() const { return order_; }

 private:
  uint32_t NextRandom32();

  size_t count_;
  PromptOrder order_;
  size_t next_ = 0;  // round-robin position
  // PCG32 (XSH-RR) state and increment (always odd).
  uint64_t state_ = 0;
  uint64_t inc_ = 1;
};

}  // namespace llmload

#endif  // LLMLOAD_COMMON_PROMPT_H_
