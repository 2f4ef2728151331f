// What every source of prompts shares: `--prompt TEXT` / `--prompt @file`, the length filter
// (`--min-prompt-chars`, `--max-prompt-chars`) and the account of where a --dataset's prompts
// came from (the formats themselves are read by dataset/). Everything here runs once at
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

// Where a --dataset's prompts (or conversations) came from, for the run's report: the format
// read (and why auto chose it), how many records the file held, how many the format passed
// over and why, how many were left after the filters, and how many the run uses.
struct DatasetSource {
  std::string path;
  std::string format;     // a --dataset-format name: "sharegpt", "csv"...
  std::string chosen_by;  // "--dataset-format", or what auto saw
  size_t records = 0;     // records (lines, rows, dialogues) read
  size_t skipped = 0;     // of those, passed over by the format's own rule
  std::string skipped_why;
  size_t available = 0;  // left after the length filters
  size_t used = 0;       // after --num-prompts
  bool shuffled = false;
};

// Resolves a `--prompt` value. "TEXT" is the prompt itself (id "prompt"); "@path" is the
// contents of the file at path, with the UTF-8 BOM and trailing newlines (LF or CRLF) removed
// (id: the file's basename); "@@TEXT" is the literal text "@TEXT". Errors: unreadable file
// (names the path and the system error), empty or whitespace-only prompt, invalid UTF-8.
absl::StatusOr<Prompt> ResolvePromptArgument(absl::string_view arg);

// Keeps the prompts whose length is within `options`' bounds, in order. Refuses min > max and
// a filter that leaves nothing; `source` (a path, "built-in prompts"...) starts the message.
// The dataset loader (dataset/dataset_loader.h) applies it; other sets may too.
absl::StatusOr<std::vector<Prompt>> FilterPromptsByLength(std::vector<Prompt> prompts,
                                                          const DatasetOptions& options,
                                                          absl::string_view source);

// The length DatasetOptions compares: the number of Unicode code points in UTF-8 `text`.
size_t PromptChars(absl::string_view text);

}  // namespace llmload

#endif  // LLMLOAD_COMMON_DATASET_H_
