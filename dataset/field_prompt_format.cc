#include "dataset/field_prompt_format.h"

#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/input_file.h"
#include "dataset/json_records.h"
#include "dataset/prompt_records.h"

namespace llmload::dataset {
namespace {

absl::StatusOr<ReadPrompts> ReadFieldPrompts(absl::string_view contents, absl::string_view path,
                                             const char* field) {
  ReadPrompts read;
  PromptIds ids;
  absl::Status status = ForEachJsonRecord(
      contents, JsonContainerOf(path), path,
      [&](size_t line, const std::string& where, const nlohmann::json& record) -> absl::Status {
        if (!record.is_object()) {
          return absl::InvalidArgumentError(absl::StrCat(where, ": expected a JSON object with a '",
                                                         field, "' field, got ",
                                                         JsonTypeName(record)));
        }
        auto it = record.find(field);
        if (it == record.end()) {
          return absl::InvalidArgumentError(
              absl::StrCat(where, ": missing field '", field, "' (a string: the prompt)"));
        }
        if (!it->is_string()) {
          return absl::InvalidArgumentError(absl::StrCat(
              where, ": field '", field, "' must be a string, got ", JsonTypeName(*it)));
        }
        std::string text = it->get<std::string>();
        if (absl::StripAsciiWhitespace(text).empty()) {
          return absl::InvalidArgumentError(absl::StrCat(where, ": field '", field, "' is empty"));
        }
        absl::StatusOr<std::string> id = ids.Take(record, path, line, where);
        if (!id.ok()) return id.status();
        read.prompts.push_back(Prompt{*std::move(id), std::move(text)});
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return read;
}

}  // namespace

absl::StatusOr<ReadPrompts> ReadOpenQaPrompts(absl::string_view contents, absl::string_view path,
                                              const ReadOptions&) {
  return ReadFieldPrompts(contents, path, "question");
}

absl::StatusOr<ReadPrompts> ReadLongAlpacaPrompts(absl::string_view contents,
                                                  absl::string_view path, const ReadOptions&) {
  return ReadFieldPrompts(contents, path, "instruction");
}

std::optional<std::string> ClaimsOpenQaRecord(const nlohmann::json& first) {
  return ClaimIfField(first, "question");
}

std::optional<std::string> ClaimsLongAlpacaRecord(const nlohmann::json& first) {
  return ClaimIfField(first, "instruction");
}

}  // namespace llmload::dataset
