#include "api/dashscope_adapter.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/cumulative_text.h"
#include "api/endpoint_url.h"
#include "api/json_body.h"
#include "api/json_reader.h"
#include "api/request_headers.h"
#include "api/sse_or_body.h"
#include "nlohmann/json.hpp"

namespace llmload {
namespace {

using simdjson::SUCCESS;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

constexpr absl::string_view kDefaultPath = "/api/v1/services/aigc/text-generation/generation";

// An error payload: {"code": "...", "message": "...", "request_id": "..."} without `output`.
bool IsErrorPayload(const object& root) {
  element code;
  object output;
  if (root["output"].get_object().get(output) == SUCCESS) return false;
  if (root["code"].get(code) != SUCCESS || code.is_null()) return false;
  std::string_view s;
  return code.get_string().get(s) != SUCCESS || !s.empty();
}

ApiError ReadError(const object& root) {
  ApiError error;
  element e;
  if (root["message"].get(e) == SUCCESS) error.message = JsonScalarText(e);
  if (root["code"].get(e) == SUCCESS) error.code = JsonScalarText(e);
  return error;
}

// `content` of a message: a string, or (multimodal models) an array whose first element with a
// string `text` holds it.
bool MessageText(const object& message, std::string_view key, std::string_view* out) {
  element e;
  if (message[key].get(e) != SUCCESS) return false;
  if (e.get_string().get(*out) == SUCCESS) return !out->empty();
  array parts;
  if (e.get_array().get(parts) != SUCCESS) return false;
  for (element part : parts) {
    if (part["text"].get_string().get(*out) == SUCCESS) return !out->empty();
  }
  return false;
}

// What one result object said (result_format "message", or "text" when a --param asked).
struct ResultFields {
  std::string_view content;    // empty when none
  std::string_view reasoning;  // reasoning_content of thinking models
  bool finished = false;       // a finish_reason other than "null"
  bool has_output = false;
};

ResultFields ReadResult(const object& root) {
  ResultFields r;
  object output;
  if (root["output"].get_object().get(output) != SUCCESS) return r;
  r.has_output = true;
  std::string_view finish;
  array choices;
  object choice;
  if (output["choices"].get_array().get(choices) == SUCCESS &&
      choices.at(0).get_object().get(choice) == SUCCESS) {
    object message;
    if (choice["message"].get_object().get(message) == SUCCESS) {
      MessageText(message, "content", &r.content);
      MessageText(message, "reasoning_content", &r.reasoning);
    }
    // An absent or non-string field leaves the value empty: not finished, no content.
    if (choice["finish_reason"].get_string().get(finish) != SUCCESS) finish = {};
  } else {
    if (output["text"].get_string().get(r.content) != SUCCESS) r.content = {};
    if (output["finish_reason"].get_string().get(finish) != SUCCESS) finish = {};
  }
  r.finished = !finish.empty() && finish != "null";
  return r;
}

// usage {input_tokens, output_tokens, total_tokens} (json_reader.h): nullopt without
// output_tokens; *invalid when a count or the usage itself is not what DashScope sends.
std::optional<TokenUsage> ReadUsage(const object& root, bool* invalid) {
  return ReadUsageObject(root, "usage", "input_tokens", "output_tokens", invalid);
}

// The first `data:` line of an SSE-framed body, without the field name; empty when none.
absl::string_view SseDataLine(absl::string_view body) {
  size_t at = absl::StartsWith(body, "data:") ? 0 : body.find("\ndata:");
  if (at == absl::string_view::npos) return absl::string_view();
  if (body[at] == '\n') ++at;
  absl::string_view line = body.substr(at + 5);
  line = line.substr(0, line.find_first_of("\r\n"));
  return absl::StripAsciiWhitespace(line);
}

class DashScopeResponseDecoder final : public ResponseDecoder {
 public:
  DashScopeResponseDecoder(bool stream, bool incremental, int64_t max_bytes)
      : incremental_(incremental), framing_(stream, max_bytes) {}

  bool streaming() const override { return framing_.streaming(); }
  bool AcceptsContentType(absl::string_view content_type) const override {
    return framing_.AcceptsContentType(content_type);
  }

  void Reset() override {
    framing_.Reset();
    content_.Reset();
    reasoning_.Reset();
    complete_ = false;
    malformed_ = false;
    error_seen_ = false;
    error_class_ = ErrorClass::kApiError;
    error_ = ApiError();
    usage_.reset();
    usage_invalid_ = false;
    json_.Release();
  }

  bool Feed(absl::string_view bytes, ContentCallback on_content) override {
    return framing_.Feed(bytes, [&](absl::string_view event_type, absl::string_view data) {
      DecodeEvent(event_type, data, on_content);
    });
  }

  ResponseFacts Finish() override {
    ResponseFacts facts;
    facts.framing = framing_.Finish();
    if (framing_.is_body()) {
      if (facts.framing == FramingEnd::kTooLarge) return facts;
      DecodeBody(framing_.body());
      facts.complete = true;
    } else {
      facts.complete = complete_;
    }
    facts.api_error = error_seen_;
    facts.api_error_class = error_class_;
    facts.malformed = malformed_;
    // One bad count makes the response's usage untrustworthy, even beside good ones.
    if (!usage_invalid_) facts.usage = usage_;
    facts.usage_invalid = usage_invalid_;
    if (error_seen_) facts.error_message = error_.message;
    return facts;
  }

  ApiError DecodeErrorBody(absl::string_view body) override {
    object root;
    // A streamed request's error may come SSE-framed (event:error, :HTTP_STATUS/4xx, data:):
    // its data line is the error object.
    if (json_.ParseObject(body, &root) || json_.ParseObject(SseDataLine(body), &root)) {
      element e;
      if (root["code"].get(e) == SUCCESS || root["message"].get(e) == SUCCESS) {
        return ReadError(root);
      }
    }
    ApiError error;
    error.message = RawErrorText(body);
    return error;
  }

 private:
  void NoteError(const object& root) {
    if (!error_seen_) {  // keep the first
      error_ = ReadError(root);
      error_class_ = DashScopeErrorClass(error_.code);
    }
    error_seen_ = true;
  }

  // The content one event adds: the text itself, or (cumulative) what follows the previous
  // event's text. False when a cumulative text does not extend the previous one.
  // An empty text says nothing (a thinking model's reasoning once its answer has begun).
  bool NewText(std::string_view text, CumulativeText* seen, absl::string_view* out) {
    if (incremental_ || text.empty()) {
      *out = ToAbsl(text);
      return true;
    }
    return seen->NewSuffix(ToAbsl(text), out);
  }

  void DecodeEvent(absl::string_view event_type, absl::string_view data,
                   ContentCallback on_content) {
    object root;
    if (!json_.ParseObject(data, &root)) {
      malformed_ = true;
      return;
    }
    if (event_type == "error" || IsErrorPayload(root)) {
      NoteError(root);
      return;
    }
    const ResultFields result = ReadResult(root);
    if (!result.has_output) {
      malformed_ = true;
      return;
    }
    // Content first; a thinking model's reasoning is generated output too (as for OpenAI).
    absl::string_view content;
    absl::string_view reasoning;
    const bool content_ok = NewText(result.content, &content_, &content);
    const bool reasoning_ok = NewText(result.reasoning, &reasoning_, &reasoning);
    if (!content_ok || !reasoning_ok) malformed_ = true;
    if (!content.empty()) {
      on_content(ContentChunk{content});
    } else if (!reasoning.empty()) {
      on_content(ContentChunk{reasoning});
    }
    if (result.finished) complete_ = true;
    // Every event carries the running totals: the last one is the request's.
    if (std::optional<TokenUsage> usage = ReadUsage(root, &usage_invalid_)) usage_ = usage;
  }

  void DecodeBody(absl::string_view body) {
    object root;
    if (!json_.ParseObject(body, &root)) {
      malformed_ = true;
      return;
    }
    if (IsErrorPayload(root)) {
      NoteError(root);
      return;
    }
    if (!ReadResult(root).has_output) {
      malformed_ = true;
      return;
    }
    usage_ = ReadUsage(root, &usage_invalid_);
  }

  const bool incremental_;
  SseOrBody framing_;
  JsonReader json_;
  CumulativeText content_;  // cumulative streams only: the text so far
  CumulativeText reasoning_;
  bool complete_ = false;
  bool malformed_ = false;
  bool error_seen_ = false;
  ErrorClass error_class_ = ErrorClass::kApiError;
  ApiError error_;
  std::optional<TokenUsage> usage_;
  bool usage_invalid_ = false;
};

class DashScopeAdapter final : public ApiAdapter {
 public:
  DashScopeAdapter(const WorkloadSpec& spec, std::string url, nlohmann::ordered_json parameters,
                   bool incremental)
      : url_(std::move(url)),
        model_(spec.model),
        stream_(spec.stream),
        incremental_(incremental),
        max_bytes_(spec.max_response_bytes),
        parameters_(std::move(parameters)),
        param_sets_max_tokens_(HasParam(spec, "max_tokens")),
        header_lines_(CommonHeaderLines(spec, spec.stream ? "text/event-stream" : "")) {
    if (stream_) header_lines_.push_back("X-DashScope-SSE: enable");
    if (!spec.api_key.empty()) {
      header_lines_.push_back(absl::StrCat("Authorization: Bearer ", spec.api_key));
    }
  }

  const std::string& endpoint_url() const override { return url_; }

  absl::StatusOr<PreparedRequest> Prepare(const Prompt& prompt) const override {
    nlohmann::ordered_json body;
    body["model"] = model_;
    body["input"]["messages"] = ChatMessagesJson(prompt);
    body["parameters"] = parameters_;
    if (prompt.max_tokens && !param_sets_max_tokens_) {
      body["parameters"]["max_tokens"] = *prompt.max_tokens;
    }
    PreparedRequest request;
    request.url = url_;
    // Invalid UTF-8 in a prompt is replaced with U+FFFD rather than failing the run.
    request.body =
        body.dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace);
    request.header_lines = header_lines_;
    return request;
  }

  std::unique_ptr<ResponseDecoder> NewDecoder() const override {
    return NewDashScopeResponseDecoder(stream_, incremental_, max_bytes_);
  }

 private:
  const std::string url_;
  const std::string model_;
  const bool stream_;
  const bool incremental_;
  const int64_t max_bytes_;
  const nlohmann::ordered_json parameters_;
  const bool param_sets_max_tokens_;
  std::vector<std::string> header_lines_;
};

}  // namespace

ErrorClass DashScopeErrorClass(absl::string_view code) {
  return absl::StartsWith(code, "Throttling") ? ErrorClass::kHttp429 : ErrorClass::kApiError;
}

std::unique_ptr<ResponseDecoder> NewDashScopeResponseDecoder(bool stream, bool incremental,
                                                             int64_t max_bytes) {
  return std::make_unique<DashScopeResponseDecoder>(stream, incremental, max_bytes);
}

absl::StatusOr<std::unique_ptr<ApiAdapter>> CreateDashScopeAdapter(const WorkloadSpec& spec) {
  absl::StatusOr<std::string> url = ResolveApiUrl(spec.url, kDefaultPath);
  if (!url.ok()) return url.status();
  if (absl::Status s = CheckCredentialHeader(spec, "Authorization", "the API key"); !s.ok()) {
    return s;
  }
  nlohmann::ordered_json parameters;
  parameters["result_format"] = "message";
  if (spec.stream) parameters["incremental_output"] = true;
  if (spec.max_tokens) parameters["max_tokens"] = *spec.max_tokens;
  if (spec.temperature) parameters["temperature"] = *spec.temperature;
  // Every --param goes into `parameters` (top_p, seed, enable_thinking, ...), last, so it may
  // override a field above.
  for (const auto& [key, json] : spec.params) {
    nlohmann::ordered_json v = nlohmann::ordered_json::parse(json, nullptr, false);
    parameters[key] = v.is_discarded() ? nlohmann::ordered_json(json) : std::move(v);
  }
  bool incremental = true;
  if (spec.stream && parameters.contains("incremental_output")) {
    const nlohmann::ordered_json& v = parameters["incremental_output"];
    if (!v.is_boolean()) {
      return absl::InvalidArgumentError(
          "--param incremental_output: expected true or false (--api dashscope)");
    }
    incremental = v.get<bool>();
  }
  return std::make_unique<DashScopeAdapter>(spec, *std::move(url), std::move(parameters),
                                            incremental);
}

}  // namespace llmload
