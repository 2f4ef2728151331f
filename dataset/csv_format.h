// `--dataset-format csv`: a table with a header row, one prompt per row, taken from the
// column `--column NAME` names (default: a column called `prompt`, or the only column).
// Seed 001 reads its documents this way from a `document` column and wraps each in a
// template, which is `--prompt-template` here. Ids are "<basename>:<line>". A row with more
// or fewer fields than the header is an error naming its line.
#ifndef LLMLOAD_DATASET_CSV_FORMAT_H_
#define LLMLOAD_DATASET_CSV_FORMAT_H_

#include "dataset/dataset_format.h"

namespace llmload::dataset {

absl::StatusOr<ReadPrompts> ReadCsvPrompts(absl::string_view contents, absl::string_view path,
                                           const ReadOptions& options);

}  // namespace llmload::dataset

#endif  // LLMLOAD_DATASET_CSV_FORMAT_H_
