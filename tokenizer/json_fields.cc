#include "tokenizer/json_fields.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace llmload::tokenizer {

absl::StatusOr<std::string> StringField(simdjson::dom::element component, absl::string_view key,
                                        absl::string_view where) {
  std::string_view value;
  if (!component.is_object() ||
      component[std::string_view(key.data(), key.size())].get(value) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": field '", key, "' is missing or not a string"));
  }
  return std::string(value);
}

absl::StatusOr<bool> BoolField(simdjson::dom::element component, absl::string_view key, bool absent,
                               absl::string_view where) {
  simdjson::dom::element field;
  if (!component.is_object() ||
      component[std::string_view(key.data(), key.size())].get(field) != simdjson::SUCCESS ||
      field.is_null()) {
    return absent;
  }
  bool value;
  if (field.get(value) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": field '", key, "' is not true or false"));
  }
  return value;
}

absl::StatusOr<std::string> TypeField(simdjson::dom::element component, absl::string_view where) {
  return StringField(component, "type", where);
}

absl::Status ForEachListItem(
    simdjson::dom::element component, absl::string_view key, absl::string_view where,
    const std::function<absl::Status(simdjson::dom::element, const std::string&)>& visit) {
  simdjson::dom::array list;
  if (!component.is_object() ||
      component[std::string_view(key.data(), key.size())].get(list) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": field '", key, "' is missing or not a list"));
  }
  size_t i = 0;
  for (simdjson::dom::element item : list) {
    if (absl::Status s = visit(item, absl::StrCat(where, ".", key, "[", i++, "]")); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status UnsupportedComponent(absl::string_view where, absl::string_view what,
                                  absl::string_view supported) {
  return absl::InvalidArgumentError(
      absl::StrCat(where, ": ", what, " is not supported (llmload supports: ", supported, ")"));
}

}  // namespace llmload::tokenizer
