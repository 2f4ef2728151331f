#include "mock/api_error.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "mock/json_escape.h"

namespace llmload::mock {
namespace {

void AppendNullable(const std::optional<std::string>& v, std::string* out) {
  if (v) {
    out->append(JsonQuote(*v));
  } else {
    out->append("null");
  }
}

}  // namespace

std::string ApiError::Body() const {
  std::string out = "{\"error\":{\"message\":";
  out.append(JsonQuote(message));
  out.append(",\"type\":");
  out.append(JsonQuote(type));
  out.append(",\"param\":");
  AppendNullable(param, &out);
  out.append(",\"code\":");
  AppendNullable(code, &out);
  out.append("}}");
  return out;
}

ApiError ApiError::InvalidJson() {
  return {400,
          "We could not parse the JSON body of your request. (HINT: This likely means you "
          "aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but "
          "what was sent was not valid JSON. If you have trouble figuring out how to fix this, "
          "please contact us through our help center at help.openai.com.)",
          "invalid_request_error", std::nullopt, std::nullopt};
}

ApiError ApiError::MissingParameter(absl::string_view param) {
  if (param == "model") {
    // OpenAI words this one differently and gives neither param nor code.
    return {400, "you must provide a model parameter", "invalid_request_error", std::nullopt,
            std::nullopt};
  }
  return {400, absl::StrCat("Missing required parameter: '", param, "'."), "invalid_request_error",
          std::string(param), "missing_required_parameter"};
}

ApiError ApiError::InvalidType(absl::string_view param, absl::string_view expected,
                               absl::string_view got) {
  return {400,
          absl::StrCat("Invalid type for '", param, "': expected ", expected, ", but got ", got,
                       " instead."),
          "invalid_request_error", std::string(param), "invalid_type"};
}

ApiError ApiError::InvalidValue(absl::string_view param, std::string message,
                                std::optional<std::string> code) {
  return {400, std::move(message), "invalid_request_error", std::string(param), std::move(code)};
}

ApiError ApiError::NotFound(absl::string_view method, absl::string_view path) {
  return {404, absl::StrCat("Invalid URL (", method, " ", path, ")"), "invalid_request_error",
          std::nullopt, std::nullopt};
}

ApiError ApiError::MethodNotAllowed(absl::string_view method, absl::string_view path) {
  return {405, absl::StrCat("Invalid method for URL (", method, " ", path, ")"),
          "invalid_request_error", std::nullopt, std::nullopt};
}

ApiError ApiError::Http(int status, std::string message) {
  return {status, std::move(message), "invalid_request_error", std::nullopt, std::nullopt};
}

ApiError ApiError::Injected(int status, absl::string_view model) {
  switch (status) {
    case 429:
      return {429,
              absl::StrCat("Rate limit reached for ", model,
                           " in organization org-llmload-mock on requests per min (RPM): "
                           "Limit 60, Used 60, Requested 1. Please try again in 1s. "
                           "(injected by llmload mock --error-rate)"),
              "requests", "requests", "rate_limit_exceeded"};
    case 500:
      return {500,
              "The server had an error while processing your request. Sorry about that! "
              "(injected by llmload mock --error-rate)",
              "server_error", std::nullopt, std::nullopt};
    case 503:
      return {503,
              "The engine is currently overloaded, please try again later. "
              "(injected by llmload mock --error-rate)",
              "server_error", std::nullopt, std::nullopt};
    default:
      return {status,
              absl::StrCat("Injected error ", status, " ", HttpReason(status),
                           " (llmload mock --error-rate)"),
              status >= 500 ? "server_error" : "invalid_request_error", std::nullopt, std::nullopt};
  }
}

absl::string_view HttpReason(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 411:
      return "Length Required";
    case 413:
      return "Payload Too Large";
    case 417:
      return "Expectation Failed";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return status >= 500 ? "Server Error" : "Client Error";
  }
}

absl::string_view JsonTypeDescription(char simdjson_type) {
  switch (simdjson_type) {
    case '[':
      return "an array";
    case '{':
      return "an object";
    case 'l':
    case 'u':
      return "an integer";
    case 'd':
      return "a decimal number";
    case '"':
      return "a string";
    case 't':
      return "a boolean";
    case 'n':
      return "null";
    default:
      return "a value";
  }
}

}  // namespace llmload::mock
