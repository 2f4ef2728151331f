#include "dataset/dataset_format_table.h"

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/input_file.h"
#include "dataset/csv_format.h"
#include "dataset/field_prompt_format.h"
#include "dataset/json_records.h"
#include "dataset/lines_format.h"
#include "dataset/prompt_records.h"
#include "dataset/qianfan_format.h"
#include "dataset/sharegpt_format.h"

namespace llmload::dataset {
namespace {

absl::StatusOr<ReadConversations> ReadJsonLinesConversations(absl::string_view contents,
                                                             absl::string_view path) {
  absl::StatusOr<std::vector<Conversation>> conversations = ParseConversations(contents, path);
  if (!conversations.ok()) return conversations.status();
  return ReadConversations{*std::move(conversations), 0, ""};
}

// In the order auto asks them: the more specific shapes first.
constexpr DatasetFormat kFormats[] = {
    {"sharegpt", "ShareGPT dialogues: the first human turn of 'conversations' (vLLM's rule)",
     ReadShareGptPrompts, ReadShareGptConversations, ClaimsShareGptRecord},
    {"openqa", "records with a 'question' (seed 002, HC3 open_qa.jsonl)", ReadOpenQaPrompts,
     nullptr, ClaimsOpenQaRecord},
    {"longalpaca", "records with an 'instruction' (seed 002, LongAlpaca-12k)",
     ReadLongAlpacaPrompts, nullptr, ClaimsLongAlpacaRecord},
    {"qianfan", "Qianfan sets: a .json array of {prompt, response}, or JSONL lists of turns",
     ReadQianfanPrompts, ReadQianfanConversations, ClaimsQianfanRecord},
    {"jsonl", "one JSON record per line: 'prompt', or OpenAI-style 'messages'",
     ReadJsonLinesPrompts, ReadJsonLinesConversations, ClaimsPromptRecord},
    {"json", "one JSON array of records: 'prompt', or OpenAI-style 'messages'",
     ReadJsonArrayPrompts, nullptr, ClaimsPromptRecord},
    {"csv", "a CSV table with a header: the --column (default 'prompt') of each row",
     ReadCsvPrompts, nullptr, nullptr},
    {"lines", "plain text, one prompt per line", ReadLinePrompts, nullptr, nullptr},
};

// The file's first record, or nullopt for a file without any.
absl::StatusOr<std::optional<std::pair<size_t, nlohmann::json>>> FirstRecord(
    absl::string_view contents, absl::string_view path, JsonContainer container) {
  std::optional<std::pair<size_t, nlohmann::json>> first;
  absl::Status status = ForEachJsonRecord(
      contents, container, path,
      [&](size_t line, const std::string&, const nlohmann::json& record) -> absl::Status {
        first.emplace(line, record);
        return absl::CancelledError("first record found");
      });
  if (!status.ok() && !first.has_value()) return status;
  return first;
}

}  // namespace

const DatasetFormat* FindDatasetFormat(absl::string_view name) {
  for (const DatasetFormat& f : kFormats) {
    if (absl::EqualsIgnoreCase(f.name, name)) return &f;
  }
  return nullptr;
}

std::string DatasetFormatNames() {
  std::vector<absl::string_view> names = {"auto"};
  for (const DatasetFormat& f : kFormats) names.push_back(f.name);
  return absl::StrJoin(names, "|");
}

absl::StatusOr<DetectedFormat> DetectDatasetFormat(absl::string_view contents,
                                                   absl::string_view path) {
  const std::string name = absl::AsciiStrToLower(PathBasename(path));
  if (absl::EndsWith(name, ".csv")) {
    return DetectedFormat{FindDatasetFormat("csv"), "the extension .csv"};
  }
  const bool array = absl::EndsWith(name, ".json");
  if (!array && !absl::EndsWith(name, ".jsonl") && !absl::EndsWith(name, ".ndjson")) {
    return DetectedFormat{FindDatasetFormat("lines"),
                          "not .json, .jsonl, .ndjson or .csv: one prompt per line"};
  }
  absl::StatusOr<std::optional<std::pair<size_t, nlohmann::json>>> first =
      FirstRecord(contents, path, array ? JsonContainer::kArray : JsonContainer::kLines);
  if (!first.ok()) return first.status();
  const char* container = array ? "a JSON array" : "JSON Lines";
  if (!first->has_value()) {
    // No record to look at: the reader says the file is empty.
    return DetectedFormat{FindDatasetFormat(array ? "json" : "jsonl"),
                          absl::StrCat(container, " without records")};
  }
  const auto& [line, record] = **first;
  for (const DatasetFormat& f : kFormats) {
    // jsonl and json claim the same records: the container decides.
    if (f.claims == nullptr || (f.name == "jsonl" && array) || (f.name == "json" && !array)) {
      continue;
    }
    if (std::optional<std::string> shape = f.claims(record)) {
      return DetectedFormat{&f, absl::StrCat(container, " whose first record ", *shape)};
    }
  }
  std::vector<std::string> keys;
  if (record.is_object()) {
    for (const auto& [key, value] : record.items()) keys.push_back(key);
  }
  return absl::InvalidArgumentError(
      absl::StrCat(path, ":", line,
                   ": --dataset-format auto cannot tell this file's format from its first record (",
                   record.is_object() ? absl::StrCat("fields: ", absl::StrJoin(keys, ", "))
                                      : absl::StrCat("a JSON ", JsonTypeName(record)),
                   "); name it with --dataset-format ", DatasetFormatNames()));
}

}  // namespace llmload::dataset
