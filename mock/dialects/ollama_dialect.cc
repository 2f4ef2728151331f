#include "mock/dialects/ollama_dialect.h"

#include <algorithm>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "mock/dialects/json_fields.h"
#include "mock/http_response.h"
#include "mock/json_escape.h"

namespace llmload::mock {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

constexpr MockRoute kRoutes[] = {
    {"POST", "/api/chat", static_cast<int>(OllamaEndpoint::kChat)},
    {"POST", "/api/generate", static_cast<int>(OllamaEndpoint::kGenerate)},
    {"GET", "/api/tags", static_cast<int>(OllamaEndpoint::kTags), nullptr, RouteKind::kInfo},
};

ApiError BadRequest(std::string message) {
  return ApiError{400, std::move(message), "api_error", std::nullopt, std::nullopt};
}

// Go's encoding/json wording, which Ollama passes on.
ApiError WrongType(absl::string_view field, absl::string_view go_type, const element& got) {
  return BadRequest(absl::StrCat("json: cannot unmarshal ", JsonTypeDescription(JsonTypeChar(got)),
                                 " into Go struct field .", field, " of type ", go_type));
}

std::optional<ApiError> ParseMessages(const object& root, uint64_t* bytes) {
  std::optional<element> messages = JsonField(root, "messages");
  if (!messages) return std::nullopt;  // Ollama loads the model and answers nothing
  if (!messages->is_array()) return WrongType("messages", "[]api.Message", *messages);
  for (element m : messages->get_array()) {
    if (!m.is_object()) return WrongType("messages", "api.Message", m);
    std::optional<element> content = JsonField(m.get_object(), "content");
    if (!content) continue;
    if (!content->is_string()) return WrongType("messages.content", "string", *content);
    *bytes += std::string_view(*content).size();
  }
  return std::nullopt;
}

}  // namespace

absl::Span<const MockRoute> OllamaDialect::routes() const { return kRoutes; }

std::optional<ApiError> OllamaDialect::ParseRequest(const HttpRequest& request,
                                                    const MockRoute& route,
                                                    const RouteCaptures& /*captures*/,
                                                    MockRequest* out) {
  return Parse(static_cast<OllamaEndpoint>(route.variant), request.body, out);
}

std::optional<ApiError> OllamaDialect::Parse(OllamaEndpoint endpoint, absl::string_view body,
                                             MockRequest* out) {
  *out = MockRequest();
  out->variant = static_cast<int>(endpoint);
  out->stream = true;  // Ollama streams unless told not to
  element doc;
  if (parser_.parse(body.data(), body.size()).get(doc) != simdjson::SUCCESS) {
    return BadRequest("invalid character looking for beginning of value");
  }
  if (!doc.is_object()) return BadRequest("json: cannot unmarshal into Go value");
  const object root = doc.get_object();
  std::optional<element> model = JsonField(root, "model");
  if (!model || (model->is_string() && std::string_view(*model).empty())) {
    return BadRequest("model is required");
  }
  if (!model->is_string()) return WrongType("model", "string", *model);
  const std::string_view m = *model;
  out->model.assign(m.data(), m.size());

  uint64_t bytes = 0;
  if (endpoint == OllamaEndpoint::kChat) {
    if (auto err = ParseMessages(root, &bytes)) return err;
    if (std::optional<element> messages = JsonField(root, "messages")) {
      out->messages = static_cast<int64_t>(messages->get_array().size());  // ParseMessages checked
    }
  } else if (std::optional<element> prompt = JsonField(root, "prompt")) {
    if (!prompt->is_string()) return WrongType("prompt", "string", *prompt);
    bytes += std::string_view(*prompt).size();
  }
  out->prompt_tokens = EstimatePromptTokens(bytes);

  if (std::optional<element> stream = JsonField(root, "stream")) {
    if (!stream->is_bool()) return WrongType("stream", "bool", *stream);
    out->stream = bool(*stream);
  }
  if (std::optional<element> options = JsonField(root, "options")) {
    if (!options->is_object()) return WrongType("options", "map[string]interface {}", *options);
    if (std::optional<element> n = JsonField(options->get_object(), "num_predict")) {
      if (!n->is_int64()) return WrongType("options.num_predict", "int", *n);
      // -1 (no limit) and -2 (fill the context) are Ollama's "no limit".
      const int64_t limit = int64_t(*n);
      if (limit > kMaxOutputTokenLimit) {
        return BadRequest(absl::StrCat("num_predict is too large: ", limit, " (at most ",
                                       kMaxOutputTokenLimit, ")"));
      }
      if (limit > 0) out->max_tokens = limit;
    }
  }
  return std::nullopt;
}

std::optional<ApiError> OllamaDialect::AnswerInfo(const HttpRequest& /*request*/,
                                                  const MockRoute& /*route*/, const MockInfo& info,
                                                  MockReply* out) {
  const std::string name = JsonQuote(info.model);
  out->body = absl::StrCat(
      "{\"models\":[{\"name\":", name, ",\"model\":", name, ",\"modified_at\":\"",
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(info.started_unix),
                       absl::UTCTimeZone()),
      "\",\"size\":0,\"digest\":\"llmload-mock\",\"details\":{\"format\":\"gguf\","
      "\"family\":\"mock\",\"parameter_size\":\"0B\",\"quantization_level\":\"none\"}}]}");
  out->content_type = "application/json; charset=utf-8";
  return std::nullopt;
}

std::unique_ptr<MockResponseWriter> OllamaDialect::NewWriter() const {
  return std::make_unique<OllamaWriter>();
}

ApiError OllamaDialect::InjectedError(int status, absl::string_view model) const {
  if (status == 503) {
    return ApiError{503,
                    "server busy, please try again.  maximum pending requests exceeded "
                    "(injected by llmload mock --error-rate)",
                    "server_error", std::nullopt, std::nullopt};
  }
  return ApiError::Injected(status, model);
}

void OllamaDialect::RenderError(const ApiError& error, MockReply* out) const {
  out->body = absl::StrCat("{\"error\":", JsonQuote(error.message), "}");
  out->content_type = "application/json; charset=utf-8";
}

void OllamaWriter::Begin(const MockRequest& request, absl::string_view /*id*/, int64_t created,
                         bool chunked) {
  chunked_ = chunked;
  chat_ = static_cast<OllamaEndpoint>(request.variant) == OllamaEndpoint::kChat;
  head_.assign("{\"model\":");
  head_.append(JsonQuote(request.model));
  absl::StrAppend(
      &head_, ",\"created_at\":\"",
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(created), absl::UTCTimeZone()),
      "\",");
  token_prefix_.assign(head_);
  token_prefix_.append(chat_ ? "\"message\":{\"role\":\"assistant\",\"content\":\""
                             : "\"response\":\"");
  token_suffix_.assign(chat_ ? "\"},\"done\":false}\n" : "\",\"done\":false}\n");
}

void OllamaWriter::AppendToken(absl::string_view escaped_token, std::string* out) {
  AppendHttpChunk(chunked_, {token_prefix_, escaped_token, token_suffix_}, out);
}

void OllamaWriter::AppendDone(const MockOutcome& outcome, std::string* out) const {
  const int64_t prompt_ns = std::max<int64_t>(0, outcome.first_token_ns);
  const int64_t total_ns = std::max(prompt_ns, outcome.total_ns);
  absl::StrAppend(out, ",\"done_reason\":\"", outcome.length ? "length" : "stop",
                  "\",\"done\":true,\"total_duration\":", total_ns,
                  ",\"load_duration\":0,\"prompt_eval_count\":", outcome.prompt_tokens,
                  ",\"prompt_eval_duration\":", prompt_ns,
                  ",\"eval_count\":", outcome.completion_tokens,
                  ",\"eval_duration\":", total_ns - prompt_ns, "}");
}

int OllamaWriter::AppendFinish(const MockOutcome& outcome, std::string* out) {
  std::string done(head_);
  done.append(chat_ ? "\"message\":{\"role\":\"assistant\",\"content\":\"\"}"
                    : "\"response\":\"\"");
  AppendDone(outcome, &done);
  done.push_back('\n');
  AppendHttpChunk(chunked_, {done}, out);
  if (chunked_) AppendLastChunk(out);
  return 1;
}

void OllamaWriter::AppendBody(absl::string_view escaped_text, const MockOutcome& outcome,
                              std::string* out) {
  out->append(head_);
  out->append(chat_ ? "\"message\":{\"role\":\"assistant\",\"content\":\"" : "\"response\":\"");
  out->append(escaped_text.data(), escaped_text.size());
  out->append(chat_ ? "\"}" : "\"");
  AppendDone(outcome, out);
}

}  // namespace llmload::mock
