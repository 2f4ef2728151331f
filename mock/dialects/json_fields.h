// Small simdjson DOM helpers shared by the dialects' request parsers, so each dialect reads
// fields and words its type and range errors the same way: a field that is absent or null is
// "not given", a wrong type is a 400 naming the field, the expected and the received type.
#ifndef LLMLOAD_MOCK_DIALECTS_JSON_FIELDS_H_
#define LLMLOAD_MOCK_DIALECTS_JSON_FIELDS_H_

#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"
#include "mock/api_error.h"
#include "simdjson.h"

namespace llmload::mock {

// The type character simdjson uses for `e` ('"', 'l', '{', ...), for JsonTypeDescription.
inline char JsonTypeChar(const simdjson::dom::element& e) { return static_cast<char>(e.type()); }

// 400 "Invalid type for 'param': expected <expected>, but got <type of got> instead."
ApiError WrongJsonType(absl::string_view param, absl::string_view expected,
                       const simdjson::dom::element& got);

// Looks up `key`; nullopt when absent or JSON null (OpenAI treats both as "not given").
std::optional<simdjson::dom::element> JsonField(const simdjson::dom::object& obj,
                                                absl::string_view key);

// Reads an output-token limit named `name` (an integer in 1..kMaxOutputTokenLimit) into
// `*out` when given; the error names `name` (OpenAI's wording).
std::optional<ApiError> ParseMaxTokensField(const simdjson::dom::object& root,
                                            absl::string_view name, std::optional<int64_t>* out);

}  // namespace llmload::mock

#endif  // LLMLOAD_MOCK_DIALECTS_JSON_FIELDS_H_
