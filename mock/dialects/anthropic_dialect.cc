#include "mock/dialects/anthropic_dialect.h"

#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "mock/dialects/anthropic_writer.h"
#include "mock/dialects/json_fields.h"
#include "mock/json_escape.h"

namespace llmload::mock {
namespace {

using simdjson::dom::element;

constexpr MockRoute kRoutes[] = {{"POST", "/v1/messages"}};

ApiError Invalid(std::string message) {
  ApiError error;
  error.http_status = 400;
  error.type = "invalid_request_error";
  error.message = std::move(message);
  return error;
}

// Anthropic words field errors as "<path>: <what is wrong>".
ApiError FieldError(absl::string_view path, absl::string_view what) {
  return Invalid(absl::StrCat(path, ": ", what));
}

// Adds the UTF-8 bytes of the text in `content` (a string, or an array of blocks whose `text`
// counts) to *bytes.
std::optional<ApiError> ContentBytes(const element& content, absl::string_view path,
                                     uint64_t* bytes) {
  if (content.is_string()) {
    *bytes += std::string_view(content).size();
    return std::nullopt;
  }
  if (!content.is_array()) return FieldError(path, "Input should be a valid list");
  size_t i = 0;
  for (element block : content.get_array()) {
    if (!block.is_object()) {
      return FieldError(absl::StrCat(path, ".", i), "Input should be a valid dictionary");
    }
    element text;
    if (block["text"].get(text) == simdjson::SUCCESS && text.is_string()) {
      *bytes += std::string_view(text).size();
    }
    ++i;
  }
  return std::nullopt;
}

std::optional<ApiError> ParseMessages(const simdjson::dom::object& root, uint64_t* bytes) {
  std::optional<element> messages = JsonField(root, "messages");
  if (!messages) return FieldError("messages", "Field required");
  if (!messages->is_array()) return FieldError("messages", "Input should be a valid list");
  size_t i = 0;
  for (element m : messages->get_array()) {
    const std::string where = absl::StrCat("messages.", i);
    if (!m.is_object()) return FieldError(where, "Input should be a valid dictionary");
    const simdjson::dom::object msg = m.get_object();
    std::optional<element> role = JsonField(msg, "role");
    if (!role) return FieldError(absl::StrCat(where, ".role"), "Field required");
    const std::string_view r = role->is_string() ? std::string_view(*role) : std::string_view();
    if (r != "user" && r != "assistant") {
      return FieldError(absl::StrCat(where, ".role"), "Input should be 'user' or 'assistant'");
    }
    std::optional<element> content = JsonField(msg, "content");
    if (!content) return FieldError(absl::StrCat(where, ".content"), "Field required");
    if (auto err = ContentBytes(*content, absl::StrCat(where, ".content"), bytes)) return err;
    ++i;
  }
  if (i == 0) return Invalid("messages: at least one message is required");
  return std::nullopt;
}

}  // namespace

absl::string_view AnthropicErrorType(int http_status) {
  switch (http_status) {
    case 400:
      return "invalid_request_error";
    case 401:
      return "authentication_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 529:
      return "overloaded_error";
    default:
      return http_status >= 500 ? "api_error" : "invalid_request_error";
  }
}

absl::Span<const MockRoute> AnthropicDialect::routes() const { return kRoutes; }

std::optional<ApiError> AnthropicDialect::ParseRequest(const HttpRequest& request,
                                                       const MockRoute& /*route*/,
                                                       const RouteCaptures& /*captures*/,
                                                       MockRequest* out) {
  *out = MockRequest();
  element doc;
  if (parser_.parse(request.body.data(), request.body.size()).get(doc) != simdjson::SUCCESS) {
    return Invalid("There was an error parsing the body of your request: not valid JSON");
  }
  if (!doc.is_object()) return Invalid("Input should be a valid dictionary");
  const simdjson::dom::object root = doc.get_object();

  std::optional<element> model = JsonField(root, "model");
  if (!model) return FieldError("model", "Field required");
  if (!model->is_string()) return FieldError("model", "Input should be a valid string");
  const std::string_view m = *model;
  out->model.assign(m.data(), m.size());

  // Required by the API, unlike OpenAI's.
  std::optional<element> max_tokens = JsonField(root, "max_tokens");
  if (!max_tokens) return FieldError("max_tokens", "Field required");
  if (!max_tokens->is_int64()) {
    return FieldError("max_tokens", max_tokens->is_uint64() ? "Input is too large"
                                                            : "Input should be a valid integer");
  }
  const int64_t n = int64_t(*max_tokens);
  if (n < 1) return FieldError("max_tokens", "Input should be greater than or equal to 1");
  if (n > kMaxOutputTokenLimit) {
    return Invalid(absl::StrCat("max_tokens: ", n, " > ", kMaxOutputTokenLimit,
                                ", which is the maximum allowed number of output tokens for ",
                                out->model));
  }
  out->max_tokens = n;

  uint64_t bytes = 0;
  if (auto err = ParseMessages(root, &bytes)) return err;
  out->messages = static_cast<int64_t>(JsonField(root, "messages")->get_array().size());
  if (std::optional<element> system = JsonField(root, "system")) {
    if (auto err = ContentBytes(*system, "system", &bytes)) return err;
  }
  out->prompt_tokens = EstimatePromptTokens(bytes);
  if (std::optional<element> stream = JsonField(root, "stream")) {
    if (!stream->is_bool()) return FieldError("stream", "Input should be a valid boolean");
    out->stream = bool(*stream);
  }
  out->include_usage = true;  // Anthropic always reports usage
  return std::nullopt;
}

std::unique_ptr<MockResponseWriter> AnthropicDialect::NewWriter() const {
  return std::make_unique<AnthropicWriter>();
}

ApiError AnthropicDialect::InjectedError(int status, absl::string_view model) const {
  ApiError error;
  error.http_status = status;
  error.type = std::string(AnthropicErrorType(status));
  switch (status) {
    case 429:
      error.message = absl::StrCat(
          "This request would exceed the rate limit for your organization of 50 requests per "
          "minute for ",
          model, " (injected by llmload mock --error-rate)");
      break;
    case 529:
      error.message = "Overloaded (injected by llmload mock --error-rate)";
      break;
    case 500:
      error.message = "Internal server error (injected by llmload mock --error-rate)";
      break;
    default:
      error.message = absl::StrCat("Injected error ", status, " ", HttpReason(status),
                                   " (llmload mock --error-rate)");
  }
  return error;
}

void AnthropicDialect::RenderError(const ApiError& error, MockReply* out) const {
  // The type follows the status, as Anthropic's does: OpenAI-worded errors from the loop
  // (404, 405, 413) get Anthropic's type for theirs.
  out->body = absl::StrCat("{\"type\":\"error\",\"error\":{\"type\":\"",
                           AnthropicErrorType(error.http_status),
                           "\",\"message\":", JsonQuote(error.message), "}}");
}

}  // namespace llmload::mock
