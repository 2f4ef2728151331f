// Loading prompts from the command line and from files: `--prompt TEXT`, `--prompt @file` and
// `--dataset FILE` (plain text, one prompt per line, or JSONL). Everything here runs once at
// startup, before any request is sent, so every problem becomes an error that names the file,
// the line and the field, and the user fixes the input instead of load-testing garbage.
// The formats and messages are documented in docs/prompts.md.
#ifndef LLMLOAD_COMMON_DATASET_H_
#define LLMLOAD_COMMON_DATASET_H_

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/prompt.h"

namespace llmload {

// Length filter applied after loading (`--min-prompt-chars`, `--max-prompt-chars`). Lengths are
// counted in Unicode code points, not bytes, so a filter means the same for English and Chinese.
struct DatasetOptions {
  size_t min_chars = 0;
  size_t max_chars = std::numeric_limits<size_t>::max();  // max() = no upper limit
};

// Resolves a `--prompt` value. "TEXT" is the prompt itself (id "prompt"); "@path" is the
// contents of the file at path, with the UTF-8 BOM and trailing newlines (LF or CRLF) removed
// (id: the file's basename); "@@TEXT" is the literal text "@TEXT". Errors: unreadable file
// (names the path and the system error), empty or whitespace-only prompt, invalid UTF-8.
absl::StatusOr<Prompt> ResolvePromptArgument(absl::string_view arg);

// Loads a dataset. The format follows the file extension (case-insensitive):
//   - .jsonl / .ndjson: one JSON object per line with a string `prompt` field, or an
//     OpenAI-style `messages` array whose last message with role "user" gives the prompt
//     (`prompt` wins when both are present); an optional `id` (string or integer) names it.
//   - .json: refused with a hint to convert to JSONL (a JSON array read line by line would
//     silently produce nonsense prompts).
//   - anything else: plain text, one prompt per line, id "<basename>:<line>".
// In both formats a leading UTF-8 BOM is ignored, CRLF line ends are accepted and blank lines
// are skipped (line numbers still count them, so they match an editor's). Errors name
// "<path>:<line>" and the field; an empty result, before or after `options`' length filter,
// is an error too.
absl::StatusOr<std::vector<Prompt>> LoadDataset(const std::string& path,
                                                const DatasetOptions& options = {});

// The formats LoadDataset reads (.json is refused before parsing, so it has no entry).
enum class DatasetFormat { kText, kJsonl };

// What LoadDataset does once the file is read: parses `contents` (the whole file, BOM
// included) in `format`, with `path` naming it in ids and messages. Separate so that the
// parsing can be tested and fuzzed without files (tests/fuzz/dataset.cc).
absl::StatusOr<std::vector<Prompt>> ParseDataset(absl::string_view contents, DatasetFormat format,
                                                 absl::string_view path,
                                                 const DatasetOptions& options = {});

// Keeps the prompts whose length is within `options`' bounds, in order. Refuses min > max and
// a filter that leaves nothing; `source` (a path, "built-in prompts"...) starts the message.
// LoadDataset applies it already; it is public so the same filter can apply to other sets.
absl::StatusOr<std::vector<Prompt>> FilterPromptsByLength(std::vector<Prompt> prompts,
                                                          const DatasetOptions& options,
                                                          absl::string_view source);

// The length DatasetOptions compares: the number of Unicode code points in UTF-8 `text`.
size_t PromptChars(absl::string_view text);

}  // namespace llmload

#endif  // LLMLOAD_COMMON_DATASET_H_
