#include "mock/dialects/json_fields.h"

#include <string_view>

#include "absl/strings/str_cat.h"
#include "mock/dialects/mock_dialect.h"

namespace llmload::mock {

using simdjson::dom::element;

ApiError WrongJsonType(absl::string_view param, absl::string_view expected, const element& got) {
  return ApiError::InvalidType(param, expected, JsonTypeDescription(JsonTypeChar(got)));
}

std::optional<element> JsonField(const simdjson::dom::object& obj, absl::string_view key) {
  element e;
  if (obj.at_key(std::string_view(key.data(), key.size())).get(e) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  if (e.is_null()) return std::nullopt;
  return e;
}

std::optional<ApiError> ParseMaxTokensField(const simdjson::dom::object& root,
                                            absl::string_view name, std::optional<int64_t>* out) {
  std::optional<element> v = JsonField(root, name);
  if (!v) return std::nullopt;
  int64_t n = 0;
  if (v->is_int64()) {
    n = int64_t(*v);
  } else if (v->is_uint64()) {
    n = kMaxOutputTokenLimit + 1;
  } else {
    return WrongJsonType(name, "an integer", *v);
  }
  if (n < 1) {
    return ApiError::InvalidValue(
        name,
        absl::StrCat("Invalid '", name,
                     "': integer below minimum value. Expected a value >= 1, but got ", n,
                     " instead."),
        "integer_below_min_value");
  }
  if (n > kMaxOutputTokenLimit) {
    return ApiError::InvalidValue(
        name,
        absl::StrCat(name, " is too large: ", n, ". This model supports at most ",
                     kMaxOutputTokenLimit, " completion tokens, whereas you provided ", n, "."));
  }
  *out = n;
  return std::nullopt;
}

}  // namespace llmload::mock
