#include "dataset/prompt_records.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/input_file.h"
#include "dataset/json_records.h"

namespace llmload::dataset {
namespace {

absl::StatusOr<ReadPrompts> ReadPromptRecords(absl::string_view contents, absl::string_view path,
                                              JsonContainer container) {
  ReadPrompts read;
  PromptIds ids;
  absl::Status status = ForEachJsonRecord(
      contents, container, path,
      [&](size_t line, const std::string& where, const nlohmann::json& record) -> absl::Status {
        if (!record.is_object()) {
          return absl::InvalidArgumentError(absl::StrCat(
              where, ": expected a JSON object with a 'prompt' field, got ", JsonTypeName(record)));
        }
        absl::StatusOr<std::optional<std::string>> text = RecordPrompt(record, where);
        if (!text.ok()) return text.status();
        if (!text->has_value()) {
          return absl::InvalidArgumentError(absl::StrCat(
              where,
              ": missing field 'prompt' (a string; or a 'messages' array with a user message)"));
        }
        absl::StatusOr<std::string> id = ids.Take(record, path, line, where);
        if (!id.ok()) return id.status();
        read.prompts.push_back(Prompt{*std::move(id), **std::move(text)});
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return read;
}

}  // namespace

absl::StatusOr<std::string> PromptIds::Take(const nlohmann::json& record, absl::string_view path,
                                            size_t line, const std::string& where) {
  absl::StatusOr<std::optional<std::string>> own = RecordId(record, where);
  if (!own.ok()) return own.status();
  std::string id =
      own->has_value() ? **std::move(own) : absl::StrCat(PathBasename(path), ":", line);
  auto [it, inserted] = first_line_.try_emplace(id, line);
  if (!inserted) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": duplicate id '", id, "' (first used on line ", it->second, ")"));
  }
  return id;
}

absl::StatusOr<ReadPrompts> ReadJsonLinesPrompts(absl::string_view contents, absl::string_view path,
                                                 const ReadOptions&) {
  return ReadPromptRecords(contents, path, JsonContainer::kLines);
}

absl::StatusOr<ReadPrompts> ReadJsonArrayPrompts(absl::string_view contents, absl::string_view path,
                                                 const ReadOptions&) {
  return ReadPromptRecords(contents, path, JsonContainer::kArray);
}

std::optional<std::string> ClaimsPromptRecord(const nlohmann::json& first) {
  if (std::optional<std::string> prompt = ClaimIfField(first, "prompt")) return prompt;
  return ClaimIfField(first, "messages");
}

}  // namespace llmload::dataset
