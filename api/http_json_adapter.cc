#include "api/http_json_adapter.h"

#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/endpoint_url.h"
#include "api/http_json_decoder.h"
#include "api/request_headers.h"
#include "api/request_template.h"
#include "nlohmann/json.hpp"

namespace llmload {
namespace {

constexpr ApiOption kOptions[] = {
    {"request-template",
     "http-json: the request body, JSON text or @FILE, with {{prompt}}, {{model}}, "
     "{{max_tokens}}, {{temperature}}, {{messages}}, %p, %m",
     /*file=*/true},
    {"method", "http-json: the HTTP method, POST (default), PUT, PATCH or GET (no body)"},
    {"response-text", "http-json: path of the answer's text in a non-streamed body (summary)"},
    {"response-input-tokens", "http-json: path of the prompt token count (usage.input_tokens)"},
    {"response-output-tokens",
     "http-json: path of the output token count (usage.output_tokens); else chunks are counted"},
    {"stream-format", "http-json: none (one JSON body, default), sse or ndjson"},
    {"chunk-text", "http-json: path of the text in each stream event (choices.0.delta.content)"},
    {"stream-done",
     "http-json: PATH=VALUE (or PATH) of the last stream event (done=true); SSE [DONE] also ends"},
};

// Template files are small; a larger one is a mistake (a dataset given by accident).
constexpr size_t kMaxTemplateBytes = 1 << 20;

const std::string* FindOption(const WorkloadSpec& spec, absl::string_view name) {
  for (const auto& [option, value] : spec.api_options) {
    if (option == name) return &value;
  }
  return nullptr;
}

absl::StatusOr<std::string> ReadTemplate(const std::string& value) {
  if (!absl::StartsWith(value, "@")) return value;
  const std::string path = value.substr(1);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("--request-template ", value, ": cannot read the file"));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > kMaxTemplateBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("--request-template ", value, ": the file is over 1 MiB"));
  }
  return text.str();
}

absl::Status NeedsStream(const WorkloadSpec& spec, absl::string_view option, bool streamed) {
  if (FindOption(spec, option) == nullptr) return absl::OkStatus();
  return absl::InvalidArgumentError(
      streamed ? absl::StrCat("--", option,
                              ": reads a non-streamed body; with --stream-format sse or ndjson "
                              "use --chunk-text")
               : absl::StrCat("--", option,
                              ": applies to streams only (add --stream-format sse or ndjson)"));
}

absl::StatusOr<std::optional<JsonPath>> OptionalPath(const WorkloadSpec& spec,
                                                     absl::string_view option) {
  const std::string* value = FindOption(spec, option);
  if (value == nullptr) return std::optional<JsonPath>();
  absl::StatusOr<JsonPath> path = JsonPath::Parse(*value, absl::StrCat("--", option));
  if (!path.ok()) return path.status();
  return std::optional<JsonPath>(*std::move(path));
}

struct HeaderTemplate {
  std::string name;
  RequestTemplate value;
};

struct ParamTemplate {
  std::string key;
  RequestTemplate value;
};

class HttpJsonAdapter final : public ApiAdapter {
 public:
  HttpJsonAdapter(const WorkloadSpec& spec, std::string url, RequestTemplate url_template,
                  std::string method, std::optional<RequestTemplate> body,
                  std::vector<ParamTemplate> params, std::vector<HeaderTemplate> headers,
                  std::shared_ptr<const HttpJsonResponseSpec> response)
      : url_(std::move(url)),
        url_template_(std::move(url_template)),
        method_(std::move(method)),
        body_(std::move(body)),
        params_(std::move(params)),
        headers_(std::move(headers)),
        response_(std::move(response)),
        model_(spec.model),
        max_tokens_(spec.max_tokens),
        temperature_(spec.temperature),
        api_key_(spec.api_key),
        max_bytes_(spec.max_response_bytes) {
    for (const HeaderTemplate& h : headers_) {
      header_templates_ = header_templates_ || h.value.has_placeholders();
    }
  }

  // Renders what does not depend on the prompt, and a request for a sample prompt, so a bad
  // template fails when the adapter is made (on the master) rather than on the agents.
  absl::Status Init() {
    if (!header_templates_) {
      absl::StatusOr<std::vector<std::string>> lines = HeaderLines(TemplateValues{});
      if (!lines.ok()) return lines.status();
      header_lines_ = *std::move(lines);
    }
    return Prepare(Prompt{"check", "Hello \"world\""}).status();
  }

  const std::string& endpoint_url() const override { return url_; }

  absl::StatusOr<PreparedRequest> Prepare(const Prompt& prompt) const override {
    const TemplateValues values{prompt.text, model_,
                                prompt.max_tokens ? prompt.max_tokens : max_tokens_, temperature_};
    PreparedRequest request;
    request.method = method_;
    request.url = url_template_.has_placeholders() ? url_template_.Render(values) : url_;
    if (body_) {
      absl::StatusOr<std::string> body = Body(values);
      if (!body.ok()) return body.status();
      request.body = *std::move(body);
    }
    if (header_templates_) {
      absl::StatusOr<std::vector<std::string>> lines = HeaderLines(values);
      if (!lines.ok()) return lines.status();
      request.header_lines = *std::move(lines);
    } else {
      request.header_lines = header_lines_;
    }
    return request;
  }

  std::unique_ptr<ResponseDecoder> NewDecoder() const override {
    return std::make_unique<HttpJsonDecoder>(response_, max_bytes_);
  }

 private:
  // The rendered body, checked to be JSON, with the --param fields set in it.
  absl::StatusOr<std::string> Body(const TemplateValues& values) const {
    std::string text = body_->Render(values);
    nlohmann::ordered_json json = nlohmann::ordered_json::parse(text, nullptr, false);
    if (json.is_discarded()) {
      return absl::InvalidArgumentError(
          "--request-template: the body it gives is not valid JSON (is a placeholder that "
          "gives a value, such as {{max_tokens}} or {{messages}}, inside quotes, or one that "
          "gives text outside them?)");
    }
    if (params_.empty()) return text;  // sent as the user wrote it
    if (!json.is_object()) {
      return absl::InvalidArgumentError(
          "--param: the --request-template body is not a JSON object, so no field can be set "
          "in it");
    }
    for (const ParamTemplate& p : params_) {
      nlohmann::ordered_json v =
          nlohmann::ordered_json::parse(p.value.Render(values), nullptr, false);
      if (v.is_discarded()) {
        return absl::InvalidArgumentError(
            absl::StrCat("--param ", p.key, ": the value it gives is not valid JSON"));
      }
      json[p.key] = std::move(v);
    }
    return json.dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace);
  }

  absl::StatusOr<std::vector<std::string>> HeaderLines(const TemplateValues& values) const {
    WorkloadSpec headers;  // CommonHeaderLines reads only the headers
    for (const HeaderTemplate& h : headers_) {
      std::string value = h.value.Render(values);
      for (char c : value) {
        if (absl::ascii_iscntrl(static_cast<unsigned char>(c))) {
          return absl::InvalidArgumentError(absl::StrCat(
              "--header ", h.name,
              ": the value it gives holds a control character (a line break in the prompt?)"));
        }
      }
      headers.headers.emplace_back(h.name, std::move(value));
    }
    const absl::string_view accept =
        response_->format == StreamFormat::kSse ? "text/event-stream" : "";
    std::vector<std::string> lines = CommonHeaderLines(headers, accept);
    if (!body_) {
      // No body, no Content-Type (unless the user sent one).
      std::erase(lines, std::string("Content-Type: application/json"));
    }
    if (!api_key_.empty()) lines.push_back(absl::StrCat("Authorization: Bearer ", api_key_));
    return lines;
  }

  const std::string url_;
  const RequestTemplate url_template_;
  const std::string method_;
  const std::optional<RequestTemplate> body_;  // none for GET
  const std::vector<ParamTemplate> params_;
  const std::vector<HeaderTemplate> headers_;
  const std::shared_ptr<const HttpJsonResponseSpec> response_;
  const std::string model_;
  const std::optional<int64_t> max_tokens_;
  const std::optional<double> temperature_;
  const std::string api_key_;
  const int64_t max_bytes_;
  bool header_templates_ = false;
  std::vector<std::string> header_lines_;  // when no header has a placeholder
};

}  // namespace

absl::Span<const ApiOption> HttpJsonOptions() { return kOptions; }

absl::StatusOr<std::unique_ptr<ApiAdapter>> CreateHttpJsonAdapter(const WorkloadSpec& spec) {
  absl::StatusOr<std::string> url = ResolveApiUrl(spec.url, "");
  if (!url.ok()) return url.status();
  absl::StatusOr<RequestTemplate> url_template =
      RequestTemplate::Parse(*url, TemplateSyntax::kUrl, "--url");
  if (!url_template.ok()) return url_template.status();
  if (absl::Status s = CheckCredentialHeader(spec, "Authorization", "the API key"); !s.ok()) {
    return s;
  }

  std::string method = "POST";
  if (const std::string* m = FindOption(spec, "method")) {
    method = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(*m));
    if (method != "POST" && method != "PUT" && method != "PATCH" && method != "GET") {
      return absl::InvalidArgumentError(
          absl::StrCat("--method '", *m, "': use POST, PUT, PATCH or GET"));
    }
  }
  const std::string* template_text = FindOption(spec, "request-template");
  std::optional<RequestTemplate> body;
  if (method == "GET") {
    if (template_text != nullptr || !spec.params.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          template_text != nullptr ? "--request-template" : "--param",
          ": --method GET sends no body (put the prompt in the --url, e.g. ?q={{prompt}})"));
    }
  } else {
    if (template_text == nullptr) {
      return absl::InvalidArgumentError(
          "--request-template: required with --api http-json: the JSON body to send, e.g. "
          "'{\"text\": \"{{prompt}}\"}' (or @FILE)");
    }
    absl::StatusOr<std::string> text = ReadTemplate(*template_text);
    if (!text.ok()) return text.status();
    absl::StatusOr<RequestTemplate> parsed =
        RequestTemplate::Parse(*text, TemplateSyntax::kJson, "--request-template");
    if (!parsed.ok()) return parsed.status();
    body = *std::move(parsed);
  }
  std::vector<ParamTemplate> params;
  for (const auto& [key, json] : spec.params) {
    absl::StatusOr<RequestTemplate> value =
        RequestTemplate::ParseParamValue(json, absl::StrCat("--param ", key));
    if (!value.ok()) return value.status();
    params.push_back(ParamTemplate{key, *std::move(value)});
  }
  std::vector<HeaderTemplate> headers;
  for (const auto& [name, value] : spec.headers) {
    absl::StatusOr<RequestTemplate> t =
        RequestTemplate::Parse(value, TemplateSyntax::kText, absl::StrCat("--header ", name));
    if (!t.ok()) return t.status();
    headers.push_back(HeaderTemplate{name, *std::move(t)});
  }
  if (spec.model.empty()) {
    bool uses_model =
        url_template->Uses(Placeholder::kModel) || (body && body->Uses(Placeholder::kModel));
    for (const ParamTemplate& p : params)
      uses_model = uses_model || p.value.Uses(Placeholder::kModel);
    for (const HeaderTemplate& h : headers) {
      uses_model = uses_model || h.value.Uses(Placeholder::kModel);
    }
    if (uses_model) {
      return absl::InvalidArgumentError("--model: required: the request uses {{model}} (or %m)");
    }
  }

  auto response = std::make_shared<HttpJsonResponseSpec>();
  if (const std::string* f = FindOption(spec, "stream-format")) {
    absl::StatusOr<StreamFormat> format = ParseStreamFormat(*f);
    if (!format.ok()) return format.status();
    response->format = *format;
  }
  const bool streamed = response->format != StreamFormat::kNone;
  if (streamed) {
    if (absl::Status s = NeedsStream(spec, "response-text", true); !s.ok()) return s;
    if (FindOption(spec, "chunk-text") == nullptr) {
      return absl::InvalidArgumentError(
          "--chunk-text: required with --stream-format sse or ndjson: the path of each "
          "event's text, e.g. choices.0.delta.content");
    }
  } else {
    for (absl::string_view option : {"chunk-text", "stream-done"}) {
      if (absl::Status s = NeedsStream(spec, option, false); !s.ok()) return s;
    }
  }
  struct {
    absl::string_view option;
    std::optional<JsonPath>* path;
  } paths[] = {{"response-text", &response->text},
               {"chunk-text", &response->chunk_text},
               {"response-input-tokens", &response->input_tokens},
               {"response-output-tokens", &response->output_tokens}};
  for (const auto& p : paths) {
    absl::StatusOr<std::optional<JsonPath>> path = OptionalPath(spec, p.option);
    if (!path.ok()) return path.status();
    *p.path = *std::move(path);
  }
  if (const std::string* done = FindOption(spec, "stream-done")) {
    absl::StatusOr<StreamDoneMatcher> matcher = StreamDoneMatcher::Parse(*done);
    if (!matcher.ok()) return matcher.status();
    response->done = *std::move(matcher);
  }
  auto adapter = std::make_unique<HttpJsonAdapter>(
      spec, *url, *std::move(url_template), std::move(method), std::move(body), std::move(params),
      std::move(headers), std::move(response));
  if (absl::Status s = adapter->Init(); !s.ok()) return s;
  return adapter;
}

}  // namespace llmload
