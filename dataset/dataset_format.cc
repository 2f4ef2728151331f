#include "dataset/dataset_format.h"

#include "absl/strings/str_cat.h"

namespace llmload::dataset {

std::optional<std::string> ClaimIfField(const nlohmann::json& record, absl::string_view field) {
  if (!record.is_object() || !record.contains(std::string(field))) return std::nullopt;
  return absl::StrCat("has '", field, "'");
}

}  // namespace llmload::dataset
