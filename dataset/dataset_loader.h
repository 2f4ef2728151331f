// `--dataset FILE` end to end: reads the file, picks its format (`--dataset-format`, or auto:
// dataset_format_table.h), reads it with that format's reader, then does what is the same
// for every format: `--prompt-template`, the length filters (`--min-prompt-chars`,
// `--max-prompt-chars`), `--shuffle` (seeded by --seed) and `--num-prompts`. It says what it
// did in a DatasetSource, which the run prints and the JSON keeps. Everything happens once,
// before any request is sent; every problem is an error naming the file (and the line).
#ifndef LLMLOAD_DATASET_DATASET_LOADER_H_
#define LLMLOAD_DATASET_DATASET_LOADER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/conversation.h"
#include "common/dataset.h"
#include "common/prompt.h"

namespace llmload::dataset {

struct DatasetLoadOptions {
  DatasetOptions length;        // --min-prompt-chars, --max-prompt-chars
  std::string format = "auto";  // --dataset-format
  std::string column;           // --column (csv)
  std::string prompt_template;  // --prompt-template; "" for none
  size_t num_prompts = 0;       // --num-prompts: keep the first N (after --shuffle); 0: all
  bool shuffle = false;         // --shuffle: a seeded random order before --num-prompts
  uint64_t seed = 0;            // --seed
};

// Loads the prompts of the dataset at `path`. `source`, when given, says what was done.
absl::StatusOr<std::vector<Prompt>> LoadDataset(const std::string& path,
                                                const DatasetLoadOptions& options = {},
                                                DatasetSource* source = nullptr);

// The same on contents already read (tests and the fuzz target); `path` names the file in
// ids and messages, and its extension counts for auto.
absl::StatusOr<std::vector<Prompt>> ParseDataset(absl::string_view contents, absl::string_view path,
                                                 const DatasetLoadOptions& options = {},
                                                 DatasetSource* source = nullptr);

// The conversations of the dataset at `path`, for --multi-turn: its format must hold them
// (jsonl, qianfan, sharegpt). --shuffle and --num-prompts apply to conversations; the
// template and the length filters are refused there.
absl::StatusOr<std::vector<Conversation>> LoadDatasetConversations(
    const std::string& path, const DatasetLoadOptions& options = {},
    DatasetSource* source = nullptr);
absl::StatusOr<std::vector<Conversation>> ParseDatasetConversations(
    absl::string_view contents, absl::string_view path, const DatasetLoadOptions& options = {},
    DatasetSource* source = nullptr);

}  // namespace llmload::dataset

#endif  // LLMLOAD_DATASET_DATASET_LOADER_H_
