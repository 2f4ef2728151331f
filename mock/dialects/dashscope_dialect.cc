#include "mock/dialects/dashscope_dialect.h"

#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "mock/dialects/dashscope_writer.h"
#include "mock/dialects/json_fields.h"
#include "mock/json_escape.h"

namespace llmload::mock {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

constexpr MockRoute kRoutes[] = {
    {"POST", "/api/v1/services/aigc/text-generation/generation"},
};

// The UTF-8 bytes of the prompt: input.prompt, or every message's content (a string, or
// parts with a "text").
std::optional<ApiError> PromptBytes(const object& input, uint64_t* bytes) {
  if (std::optional<element> prompt = JsonField(input, "prompt")) {
    if (!prompt->is_string()) return WrongJsonType("input.prompt", "a string", *prompt);
    *bytes += std::string_view(*prompt).size();
    return std::nullopt;
  }
  std::optional<element> messages = JsonField(input, "messages");
  if (!messages) return ApiError::MissingParameter("input.messages");
  if (!messages->is_array()) return WrongJsonType("input.messages", "an array", *messages);
  for (element m : messages->get_array()) {
    element content;
    if (!m.is_object() || m["content"].get(content) != simdjson::SUCCESS) {
      return ApiError::InvalidValue("input.messages", "each message needs a content");
    }
    if (content.is_string()) {
      *bytes += std::string_view(content).size();
    } else if (content.is_array()) {
      for (element part : content.get_array()) {
        element text;
        if (part["text"].get(text) == simdjson::SUCCESS && text.is_string()) {
          *bytes += std::string_view(text).size();
        }
      }
    }
  }
  return std::nullopt;
}

}  // namespace

absl::Span<const MockRoute> DashScopeDialect::routes() const { return kRoutes; }

std::optional<ApiError> DashScopeDialect::ParseRequest(const HttpRequest& request,
                                                       const MockRoute& /*route*/,
                                                       const RouteCaptures& /*captures*/,
                                                       MockRequest* out) {
  *out = MockRequest();
  element doc;
  if (parser_.parse(request.body.data(), request.body.size()).get(doc) != simdjson::SUCCESS ||
      !doc.is_object()) {
    return ApiError::InvalidValue("body", "The request body is not valid JSON.", std::nullopt);
  }
  const object root = doc.get_object();
  std::optional<element> model = JsonField(root, "model");
  if (!model) return ApiError::MissingParameter("model");
  if (!model->is_string()) return WrongJsonType("model", "a string", *model);
  out->model = std::string(std::string_view(*model));
  std::optional<element> input = JsonField(root, "input");
  if (!input) return ApiError::MissingParameter("input");
  if (!input->is_object()) return WrongJsonType("input", "an object", *input);
  uint64_t bytes = 0;
  if (auto error = PromptBytes(input->get_object(), &bytes)) return error;
  if (std::optional<element> messages = JsonField(input->get_object(), "messages");
      messages && !JsonField(input->get_object(), "prompt")) {
    out->messages = static_cast<int64_t>(messages->get_array().size());  // PromptBytes checked it
  }
  out->prompt_tokens = EstimatePromptTokens(bytes);
  if (std::optional<element> parameters = JsonField(root, "parameters")) {
    if (!parameters->is_object()) return WrongJsonType("parameters", "an object", *parameters);
    const object p = parameters->get_object();
    if (auto error = ParseMaxTokensField(p, "max_tokens", &out->max_tokens)) return error;
    if (std::optional<element> incremental = JsonField(p, "incremental_output")) {
      if (!incremental->is_bool()) {
        return WrongJsonType("parameters.incremental_output", "a boolean", *incremental);
      }
      if (!bool(*incremental)) out->flags |= kDashScopeCumulative;
    }
    if (std::optional<element> format = JsonField(p, "result_format")) {
      if (!format->is_string())
        return WrongJsonType("parameters.result_format", "a string", *format);
      const std::string_view f = *format;
      if (f == "text") {
        out->flags |= kDashScopeTextFormat;
      } else if (f != "message") {
        return ApiError::InvalidValue("parameters.result_format",
                                      "result_format must be 'text' or 'message'");
      }
    }
  }
  std::optional<absl::string_view> sse = request.Header("X-DashScope-SSE");
  std::optional<absl::string_view> accept = request.Header("Accept");
  out->stream = (sse && absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(*sse), "enable")) ||
                (accept && absl::StrContains(absl::AsciiStrToLower(*accept), "text/event-stream"));
  out->include_usage = true;  // every DashScope event carries usage
  return std::nullopt;
}

std::unique_ptr<MockResponseWriter> DashScopeDialect::NewWriter() const {
  return std::make_unique<DashScopeWriter>();
}

absl::string_view DashScopeErrorCode(const ApiError& error) {
  // The shared parsers' codes are OpenAI's snake_case; DashScope's are CamelCase.
  if (error.code && !error.code->empty() && absl::ascii_isupper((*error.code)[0])) {
    return *error.code;
  }
  switch (error.http_status) {
    case 401:
      return "InvalidApiKey";
    case 403:
      return "AccessDenied";
    case 404:
      return "NotFound";
    case 405:
      return "MethodNotAllowed";
    case 429:
      return "Throttling.RateQuota";
    default:
      return error.http_status >= 500 ? "InternalError" : "InvalidParameter";
  }
}

void DashScopeDialect::RenderError(const ApiError& error, MockReply* out) const {
  out->body = absl::StrCat("{\"code\":", JsonQuote(DashScopeErrorCode(error)),
                           ",\"message\":", JsonQuote(error.message),
                           ",\"request_id\":\"00000000-0000-4000-8000-000000000000\"}");
}

}  // namespace llmload::mock
