// ApiError: an error answer in OpenAI's shape, `{"error":{"message","type","param","code"}}`,
// with the HTTP status OpenAI uses for it. Load testers classify errors by status and by this
// body, so the mock reproduces OpenAI's messages, types and codes as closely as it can.
#ifndef LLMLOAD_MOCK_API_ERROR_H_
#define LLMLOAD_MOCK_API_ERROR_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace llmload::mock {

struct ApiError {
  int http_status = 400;
  std::string message;
  std::string type = "invalid_request_error";
  std::optional<std::string> param;  // JSON null when absent
  std::optional<std::string> code;   // JSON null when absent

  // The response body: {"error":{...}}.
  std::string Body() const;

  // 400, body not valid JSON (OpenAI's own wording).
  static ApiError InvalidJson();
  // 400, a required field is missing, e.g. 'messages'.
  static ApiError MissingParameter(absl::string_view param);
  // 400, a field has the wrong JSON type; `expected` like "an integer", `got` like "a string".
  static ApiError InvalidType(absl::string_view param, absl::string_view expected,
                              absl::string_view got);
  // 400, a field has a value out of range or not allowed.
  static ApiError InvalidValue(absl::string_view param, std::string message,
                               std::optional<std::string> code = "invalid_value");
  // 404 "Invalid URL (POST /v1/foo)".
  static ApiError NotFound(absl::string_view method, absl::string_view path);
  // 405 "Invalid method for URL (GET /v1/chat/completions)".
  static ApiError MethodNotAllowed(absl::string_view method, absl::string_view path);
  // An HTTP-level problem found by the request parser (400, 411, 413, 417, 431, 505).
  static ApiError Http(int status, std::string message);
  // The answer injected by --error-rate for --error-status `status` (429: rate limit).
  static ApiError Injected(int status, absl::string_view model);
};

// The reason phrase of an HTTP status code ("OK", "Too Many Requests", ...).
absl::string_view HttpReason(int status);

// Describes the JSON type of a value for "got ... instead" messages: "a string", "an integer".
// `simdjson_type` is the character simdjson's dom::element_type uses ('"', 'l', 'd', ...).
absl::string_view JsonTypeDescription(char simdjson_type);

}  // namespace llmload::mock

#endif  // LLMLOAD_MOCK_API_ERROR_H_
