// Datasets whose records hold the prompt in one named string field, as seed 002's evalscope
// reads them: `--dataset-format openqa` takes `question` (HC3's open_qa.jsonl), `longalpaca`
// takes `instruction` (LongAlpaca-12k, a JSON array). The container follows the extension
// (.json: one array; else one record per line); other fields are ignored; an `id` names the
// prompt as in a jsonl dataset.
#ifndef LLMLOAD_DATASET_FIELD_PROMPT_FORMAT_H_
#define LLMLOAD_DATASET_FIELD_PROMPT_FORMAT_H_

#include <optional>
#include <string>

#include "dataset/dataset_format.h"

namespace llmload::dataset {

absl::StatusOr<ReadPrompts> ReadOpenQaPrompts(absl::string_view contents, absl::string_view path,
                                              const ReadOptions& options);
absl::StatusOr<ReadPrompts> ReadLongAlpacaPrompts(absl::string_view contents,
                                                  absl::string_view path,
                                                  const ReadOptions& options);
std::optional<std::string> ClaimsOpenQaRecord(const nlohmann::json& first_record);
std::optional<std::string> ClaimsLongAlpacaRecord(const nlohmann::json& first_record);

}  // namespace llmload::dataset

#endif  // LLMLOAD_DATASET_FIELD_PROMPT_FORMAT_H_
