// The JSON records of a dataset file, one at a time, in either container the formats use:
// JSON Lines (one record per line: .jsonl, .ndjson) or one JSON array (.json, as ShareGPT,
// LongAlpaca and Qianfan's single prompts ship). An array is cut into its elements by a
// small scanner and each element is parsed on its own, so only one record is ever held as a
// parsed tree (a 650 MB ShareGPT file is not one tree) and each error names the line its
// record starts on: "<path>:<line>: ...", as for JSONL.
#ifndef LLMLOAD_DATASET_JSON_RECORDS_H_
#define LLMLOAD_DATASET_JSON_RECORDS_H_

#include <cstddef>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace llmload::dataset {

enum class JsonContainer { kLines, kArray };

// kArray for a .json file, else kLines (by the extension, case-insensitive).
JsonContainer JsonContainerOf(absl::string_view path);

// Calls `visit(line, where, record)` for each record of `contents` in order, `where` being
// "<path>:<line>". A leading UTF-8 BOM is ignored; JSONL blank lines are skipped (and
// counted). Errors: invalid JSON, an array file that is not one array (or has anything after
// it), and whatever `visit` returns (the walk stops there).
absl::Status ForEachJsonRecord(absl::string_view contents, JsonContainer container,
                               absl::string_view path,
                               absl::FunctionRef<absl::Status(size_t line, const std::string& where,
                                                              const nlohmann::json& record)>
                                   visit);

}  // namespace llmload::dataset

#endif  // LLMLOAD_DATASET_JSON_RECORDS_H_
