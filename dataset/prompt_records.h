// `--dataset-format jsonl` and `json`: records that each hold one prompt, as llmload has
// always read them: a string `prompt`, or an OpenAI-style `messages` array whose last user
// message is the prompt (`prompt` wins when both are there), and an optional `id` (a string
// or an integer) naming it; a record without one is "<basename>:<line>". jsonl is one record
// per line, json one array of them. Also what the other JSON formats share: the record's id
// and the check that no id is used twice.
#ifndef LLMLOAD_DATASET_PROMPT_RECORDS_H_
#define LLMLOAD_DATASET_PROMPT_RECORDS_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "dataset/dataset_format.h"

namespace llmload::dataset {

absl::StatusOr<ReadPrompts> ReadJsonLinesPrompts(absl::string_view contents, absl::string_view path,
                                                 const ReadOptions& options);
absl::StatusOr<ReadPrompts> ReadJsonArrayPrompts(absl::string_view contents, absl::string_view path,
                                                 const ReadOptions& options);
std::optional<std::string> ClaimsPromptRecord(const nlohmann::json& first_record);

// The ids of one file's prompts, each with the line that first used it.
class PromptIds {
 public:
  // The record's own `id` (see RecordId in common/input_file.h), or "<basename>:<line>" when
  // it has none; an id already used is an error naming both lines.
  absl::StatusOr<std::string> Take(const nlohmann::json& record, absl::string_view path,
                                   size_t line, const std::string& where);

 private:
  absl::flat_hash_map<std::string, size_t> first_line_;
};

}  // namespace llmload::dataset

#endif  // LLMLOAD_DATASET_PROMPT_RECORDS_H_
