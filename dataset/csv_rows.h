// The rows of a CSV file (RFC 4180, as spreadsheets and pandas write it): fields separated by
// commas, a field in double quotes may hold commas, line breaks and "" for a quote; LF or
// CRLF line ends; a leading UTF-8 BOM ignored; blank lines skipped. Seed 001 reads its
// documents from such a file, by the header's column names.
#ifndef LLMLOAD_DATASET_CSV_ROWS_H_
#define LLMLOAD_DATASET_CSV_ROWS_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace llmload::dataset {

// Calls `visit(line, fields)` for each row in order (the header is row one), `line` being
// the line the row starts on. Errors name "<path>:<line>": a quote left open at the end of
// the file, text after a closing quote, and whatever `visit` returns.
absl::Status ForEachCsvRow(
    absl::string_view contents, absl::string_view path,
    absl::FunctionRef<absl::Status(size_t line, const std::vector<std::string>& fields)> visit);

}  // namespace llmload::dataset

#endif  // LLMLOAD_DATASET_CSV_ROWS_H_
