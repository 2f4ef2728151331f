// Every dataset format llmload reads, by its --dataset-format name, and `auto`: choosing one
// from the file's extension and its first record. Adding a format is one entry here.
#ifndef LLMLOAD_DATASET_DATASET_FORMAT_TABLE_H_
#define LLMLOAD_DATASET_DATASET_FORMAT_TABLE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "dataset/dataset_format.h"

namespace llmload::dataset {

// The entry named `name` (case-insensitive), or nullptr.
const DatasetFormat* FindDatasetFormat(absl::string_view name);

// "auto|lines|jsonl|..." for --help and messages.
std::string DatasetFormatNames();

// What auto chose, and why ("the extension .csv", "its first record has 'conversations'").
struct DetectedFormat {
  const DatasetFormat* format;
  std::string why;
};

// Chooses a format for the file at `path` with `contents`: .csv is csv; .json, .jsonl and
// .ndjson are the first entry that claims the first record; anything else is lines. A JSON
// file whose first record no format claims is an error naming its line and its fields.
absl::StatusOr<DetectedFormat> DetectDatasetFormat(absl::string_view contents,
                                                   absl::string_view path);

}  // namespace llmload::dataset

#endif  // LLMLOAD_DATASET_DATASET_FORMAT_TABLE_H_
