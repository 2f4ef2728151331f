// `--dataset-format lines`: plain text, one prompt per line (seed 002's line_by_line), ids
// "<basename>:<line>". Lines must be valid UTF-8; the error names the line and the column.
#ifndef LLMLOAD_DATASET_LINES_FORMAT_H_
#define LLMLOAD_DATASET_LINES_FORMAT_H_

#include "dataset/dataset_format.h"

namespace llmload::dataset {

absl::StatusOr<ReadPrompts> ReadLinePrompts(absl::string_view contents, absl::string_view path,
                                            const ReadOptions& options);

}  // namespace llmload::dataset

#endif  // LLMLOAD_DATASET_LINES_FORMAT_H_
