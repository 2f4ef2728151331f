#include "api/bedrock_adapter.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/aws_event_stream.h"
#include "api/aws_sigv4_signer.h"
#include "api/bounded_body.h"
#include "api/endpoint_url.h"
#include "api/json_body.h"
#include "api/json_reader.h"
#include "api/request_headers.h"
#include "api/response_headers.h"
#include "api/sha256.h"
#include "api/uri_encode.h"
#include "nlohmann/json.hpp"

namespace llmload {
namespace {

using simdjson::SUCCESS;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

constexpr absl::string_view kEventStreamType = "application/vnd.amazon.eventstream";
constexpr absl::string_view kHashHeader = "X-Amz-Content-Sha256: ";
// inferenceConfig's own fields: a --param of one of these goes there, not at the top level.
constexpr absl::string_view kInferenceKeys[] = {"maxTokens", "temperature", "topP",
                                                "stopSequences"};
// The most metrics.latencyMs believed: a day.
constexpr int64_t kMaxLatencyMs = 24 * 3600 * 1000;

// metrics.latencyMs in ns, when it is an integer in [0, a day]; -1 otherwise (not believed).
int64_t ReadLatencyNs(const object& root) {
  object metrics;
  int64_t ms = -1;
  if (root["metrics"].get_object().get(metrics) != SUCCESS ||
      metrics["latencyMs"].get_int64().get(ms) != SUCCESS || ms < 0 || ms > kMaxLatencyMs) {
    return -1;
  }
  return ms * 1'000'000;
}

// The generated text of a content delta or block: text, else reasoningContent.text, else
// toolUse.input.
bool BlockText(const object& block, std::string_view* out) {
  if (ReadNonEmptyString(block, "text", out)) return true;
  object inner;
  if (block["reasoningContent"].get_object().get(inner) == SUCCESS &&
      ReadNonEmptyString(inner, "text", out)) {
    return true;
  }
  return block["toolUse"].get_object().get(inner) == SUCCESS &&
         ReadNonEmptyString(inner, "input", out);
}

std::string MessageOf(const object& o) {
  std::string_view s;
  if (o["message"].get_string().get(s) == SUCCESS || o["Message"].get_string().get(s) == SUCCESS) {
    return std::string(s);
  }
  return std::string();
}

class BedrockResponseDecoder final : public ResponseDecoder {
 public:
  BedrockResponseDecoder(bool stream, int64_t max_bytes)
      : stream_(stream), events_(static_cast<size_t>(max_bytes)) {
    if (!stream_) body_.emplace(max_bytes);
  }

  bool streaming() const override { return stream_; }
  bool AcceptsContentType(absl::string_view content_type) const override {
    return IsMediaType(content_type, kEventStreamType);
  }

  void Reset() override {
    events_.Reset();
    if (body_) body_->Reset();
    json_.Release();
    stop_seen_ = false;
    malformed_ = false;
    api_error_ = false;
    error_class_ = ErrorClass::kApiError;
    error_message_.clear();
    usage_.reset();
    usage_invalid_ = false;
    latency_ns_ = -1;
  }

  bool Feed(absl::string_view bytes, ContentCallback on_content) override {
    if (!stream_) return body_->Append(bytes);
    const EventStreamDecoder::Status status = events_.Feed(
        bytes, [&](const EventStreamMessage& message) { OnMessage(message, on_content); });
    // A malformed frame leaves the rest unreadable but the transfer may end on its own.
    return status != EventStreamDecoder::Status::kTooLarge;
  }

  ResponseFacts Finish() override {
    ResponseFacts facts;
    if (!stream_) {
      if (body_->too_large()) {
        facts.framing = FramingEnd::kTooLarge;
        return facts;
      }
      DecodeBody(body_->view());
      facts.complete = true;
    } else {
      switch (events_.Finish()) {
        case EventStreamDecoder::End::kClean:
          facts.framing = FramingEnd::kClean;
          break;
        case EventStreamDecoder::End::kPartialMessage:
          facts.framing = FramingEnd::kPartialEvent;
          break;
        case EventStreamDecoder::End::kError:
          if (events_.status() == EventStreamDecoder::Status::kTooLarge) {
            facts.framing = FramingEnd::kTooLarge;
          } else {
            facts.framing = FramingEnd::kPartialEvent;
            malformed_ = true;
          }
          break;
      }
      facts.complete = stop_seen_;
    }
    facts.malformed = malformed_;
    facts.api_error = api_error_;
    facts.api_error_class = error_class_;
    facts.error_message = error_message_;
    facts.usage = usage_;
    facts.usage_invalid = usage_invalid_;
    facts.server.total_ns = latency_ns_;
    return facts;
  }

  ApiError DecodeErrorBody(absl::string_view body) override {
    ApiError error;
    object obj;
    if (ParseObject(body, &obj)) {
      error.message = MessageOf(obj);
      if (!error.message.empty()) return error;
    }
    error.message = RawErrorText(body);
    return error;
  }

 private:
  bool ParseObject(absl::string_view data, object* obj) { return json_.ParseObject(data, obj); }

  void SetError(ErrorClass error_class, std::string message) {
    if (api_error_) return;  // the first one is the cause
    api_error_ = true;
    error_class_ = error_class;
    error_message_ = std::move(message);
  }

  void ReadUsageAndMetrics(const object& o) {
    if (std::optional<TokenUsage> usage =
            ReadUsageObject(o, "usage", "inputTokens", "outputTokens", &usage_invalid_))
      usage_ = usage;
    if (const int64_t ns = ReadLatencyNs(o); ns >= 0) latency_ns_ = ns;
  }

  void OnMessage(const EventStreamMessage& message, ContentCallback on_content) {
    const absl::string_view type = message.StringHeader(":message-type");
    object o;
    if (type == "exception") {
      const absl::string_view exception = message.StringHeader(":exception-type");
      std::string text = ParseObject(message.payload, &o) ? MessageOf(o) : std::string();
      if (text.empty()) text = std::string(exception);
      SetError(BedrockExceptionClass(exception), absl::StrCat(exception, ": ", text));
      return;
    }
    if (type == "error") {
      SetError(ErrorClass::kApiError, absl::StrCat(message.StringHeader(":error-code"), ": ",
                                                   message.StringHeader(":error-message")));
      return;
    }
    if (type != "event") {
      malformed_ = true;
      return;
    }
    const absl::string_view event = message.StringHeader(":event-type");
    const bool known = event == "messageStart" || event == "contentBlockStart" ||
                       event == "contentBlockDelta" || event == "contentBlockStop" ||
                       event == "messageStop" || event == "metadata";
    if (!known) return;  // a newer event type: not ours to judge
    if (!ParseObject(message.payload, &o)) {
      malformed_ = true;
      return;
    }
    if (event == "contentBlockDelta") {
      object delta;
      std::string_view text;
      if (o["delta"].get_object().get(delta) == SUCCESS && BlockText(delta, &text)) {
        on_content(ContentChunk{ToAbsl(text)});
      }
    } else if (event == "messageStop") {
      stop_seen_ = true;
    } else if (event == "metadata") {
      ReadUsageAndMetrics(o);
    }
  }

  // A whole Converse response: {output:{message:{content:[{text}]}}, stopReason, usage,
  // metrics}. Without output.message.content it is not one.
  void DecodeBody(absl::string_view body) {
    object o, output, message;
    array content;
    if (!ParseObject(body, &o) || o["output"].get_object().get(output) != SUCCESS ||
        output["message"].get_object().get(message) != SUCCESS ||
        message["content"].get_array().get(content) != SUCCESS) {
      malformed_ = true;
      return;
    }
    ReadUsageAndMetrics(o);
  }

  const bool stream_;
  EventStreamDecoder events_;
  std::optional<BoundedBody> body_;
  JsonReader json_;

  bool stop_seen_ = false;
  bool malformed_ = false;
  bool api_error_ = false;
  ErrorClass error_class_ = ErrorClass::kApiError;
  std::string error_message_;
  std::optional<TokenUsage> usage_;
  bool usage_invalid_ = false;
  int64_t latency_ns_ = -1;
};

std::string Credential(const WorkloadSpec& spec, absl::string_view name) {
  for (const auto& [var, value] : spec.credentials) {
    if (var == name) return value;
  }
  return std::string();
}

std::string ApiOptionValue(const WorkloadSpec& spec, absl::string_view name) {
  for (const auto& [option, value] : spec.api_options) {
    if (option == name) return value;
  }
  return std::string();
}

// The parts of a resolved URL a signature needs: "scheme://authority" and the Host header
// libcurl sends for it (no userinfo, no port when it is the scheme's default).
struct Origin {
  std::string origin;
  std::string host;
  std::string rest;  // the path and query after the authority
};
Origin SplitOrigin(absl::string_view url) {
  Origin o;
  const size_t scheme_end = url.find("://");
  const size_t path_start = url.find_first_of("/?#", scheme_end + 3);
  o.origin = std::string(url.substr(0, path_start));
  if (path_start != absl::string_view::npos) o.rest = std::string(url.substr(path_start));
  absl::string_view authority = url.substr(scheme_end + 3, path_start == absl::string_view::npos
                                                               ? absl::string_view::npos
                                                               : path_start - (scheme_end + 3));
  authority = authority.substr(authority.rfind('@') + 1);
  const bool https = absl::StartsWithIgnoreCase(url, "https");
  if (absl::EndsWith(authority, https ? ":443" : ":80")) {
    authority.remove_suffix(https ? 4 : 3);
  }
  o.host = absl::AsciiStrToLower(authority);
  return o;
}

class BedrockAdapter final : public ApiAdapter {
 public:
  BedrockAdapter(const WorkloadSpec& spec, bool stream, Origin origin, std::string path,
                 std::optional<AwsSigV4Signer> signer, nlohmann::ordered_json body_template)
      : stream_(stream),
        max_bytes_(spec.max_response_bytes),
        model_(spec.model),
        origin_(std::move(origin)),
        path_(std::move(path)),
        url_(model_.empty() ? origin_.origin : absl::StrCat(origin_.origin, path_)),
        signer_(std::move(signer)),
        body_template_(std::move(body_template)),
        param_sets_max_tokens_(HasParam(spec, "maxTokens")),
        header_lines_(CommonHeaderLines(spec, stream ? kEventStreamType : "")) {
    if (!spec.api_key.empty()) {
      header_lines_.push_back(absl::StrCat("Authorization: Bearer ", spec.api_key));
    }
  }

  const std::string& endpoint_url() const override { return url_; }

  absl::StatusOr<PreparedRequest> Prepare(const Prompt& prompt) const override {
    if (model_.empty()) {
      return absl::InvalidArgumentError("--model: required with --api bedrock-converse*");
    }
    nlohmann::ordered_json body = nlohmann::ordered_json::object();
    // Converse's messages hold content blocks, and its system prompt is a field of its own.
    body["messages"] = nlohmann::ordered_json::array();
    for (const nlohmann::ordered_json& m : ChatMessagesJson(prompt, /*with_system=*/false)) {
      body["messages"].push_back(
          {{"role", m["role"]},
           {"content", nlohmann::ordered_json::array({{{"text", m["content"]}}})}});
    }
    if (std::string system = SystemPromptOf(prompt); !system.empty()) {
      body["system"] = nlohmann::ordered_json::array({{{"text", std::move(system)}}});
    }
    for (const auto& [key, value] : body_template_.items()) body[key] = value;
    if (prompt.max_tokens && !param_sets_max_tokens_) {
      body["inferenceConfig"]["maxTokens"] = *prompt.max_tokens;
    }
    PreparedRequest request;
    request.url = url_;
    request.body =
        body.dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace);
    request.header_lines = header_lines_;
    // Signed on every send; hashed once per prompt.
    if (signer_) request.header_lines.push_back(absl::StrCat(kHashHeader, Sha256Hex(request.body)));
    return request;
  }

  bool signs_each_send() const override { return signer_.has_value(); }

  absl::Status Sign(int64_t wall_ns, const PreparedRequest& request,
                    SendExtras* out) const override {
    if (!signer_) return absl::OkStatus();
    absl::string_view hash;
    for (const std::string& line : request.header_lines) {
      if (absl::StartsWith(line, kHashHeader))
        hash = absl::string_view(line).substr(kHashHeader.size());
    }
    if (hash.empty()) return absl::InternalError("bedrock: request prepared without its hash");
    signer_->Sign(wall_ns, request.method, origin_.host, path_, hash, &out->header_lines);
    return absl::OkStatus();
  }

  std::unique_ptr<ResponseDecoder> NewDecoder() const override {
    return std::make_unique<BedrockResponseDecoder>(stream_, max_bytes_);
  }

 private:
  const bool stream_;
  const int64_t max_bytes_;
  const std::string model_;
  const Origin origin_;
  const std::string path_;  // /model/{UriEncode(model)}/converse[-stream]
  const std::string url_;
  const std::optional<AwsSigV4Signer> signer_;
  const nlohmann::ordered_json body_template_;  // all but `messages`
  const bool param_sets_max_tokens_;            // --param maxTokens
  std::vector<std::string> header_lines_;
};

absl::StatusOr<std::unique_ptr<ApiAdapter>> CreateBedrockAdapter(const WorkloadSpec& spec,
                                                                 bool stream) {
  const absl::string_view api = stream ? "bedrock-converse-stream" : "bedrock-converse";
  // Region: --aws-region, else $AWS_REGION, else $AWS_DEFAULT_REGION, else us-east-1.
  std::string region = ApiOptionValue(spec, "aws-region");
  std::string region_source = "--aws-region";
  for (absl::string_view var : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    if (region.empty()) {
      region = Credential(spec, var);
      region_source = absl::StrCat("$", var);
    }
  }
  if (region.empty()) region = "us-east-1";
  region = absl::AsciiStrToLower(region);  // US-EAST-1 is us-east-1
  for (char c : region) {
    if (!absl::ascii_islower(static_cast<unsigned char>(c)) &&
        !absl::ascii_isdigit(static_cast<unsigned char>(c)) && c != '-') {
      return absl::InvalidArgumentError(
          absl::StrCat(region_source, ": '", region, "' is not an AWS region (e.g. us-east-1)"));
    }
  }

  const std::string path =
      absl::StrCat("/model/", UriEncode(spec.model), stream ? "/converse-stream" : "/converse");
  const std::string base = spec.url.empty()
                               ? absl::StrCat("https://bedrock-runtime.", region, ".amazonaws.com")
                               : spec.url;
  absl::StatusOr<std::string> resolved = ResolveApiUrl(base, "/");
  if (!resolved.ok()) return resolved.status();
  Origin origin = SplitOrigin(*resolved);
  // The path is Bedrock's, from --model: --url names the origin (or is a URL this adapter
  // resolved before, which a distributed run sends to its agents).
  if (origin.rest != "/" && origin.rest != path) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--url: with --api ", api, " give the origin only (e.g. http://127.0.0.1:8080): the path ",
        "is /model/{--model}/", stream ? "converse-stream" : "converse", ", built from --model"));
  }

  // Credentials: both keys, or neither (unsigned requests, for a mock that checks nothing);
  // a Bedrock API key instead of them is sent as a Bearer token.
  AwsCredentials credentials{Credential(spec, "AWS_ACCESS_KEY_ID"),
                             Credential(spec, "AWS_SECRET_ACCESS_KEY"),
                             Credential(spec, "AWS_SESSION_TOKEN")};
  if (credentials.access_key_id.empty() != credentials.secret_access_key.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--api ", api, ": set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (only ",
        credentials.access_key_id.empty() ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID",
        " is set)"));
  }
  for (const std::string* secret :
       {&credentials.access_key_id, &credentials.secret_access_key, &credentials.session_token}) {
    for (char c : *secret) {
      if (absl::ascii_iscntrl(static_cast<unsigned char>(c))) {
        return absl::InvalidArgumentError(absl::StrCat(
            "--api ", api, ": an AWS credential variable holds a control character (CR, LF, ...)"));
      }
    }
  }
  std::optional<AwsSigV4Signer> signer;
  if (!spec.api_key.empty()) {
    if (absl::Status s = CheckCredentialHeader(spec, "Authorization", "the Bedrock API key");
        !s.ok()) {
      return s;
    }
  } else if (!credentials.access_key_id.empty()) {
    for (const auto& [name, value] : spec.headers) {
      if (absl::EqualsIgnoreCase(name, "Authorization") ||
          absl::StartsWithIgnoreCase(name, "x-amz-")) {
        return absl::InvalidArgumentError(absl::StrCat(
            "--header ", name, ": set by the SigV4 signature of --api ", api, ": drop it"));
      }
    }
    signer.emplace(std::move(credentials), region, "bedrock");
  }

  // inferenceConfig from the common flags and the --param keys of its own; any other --param
  // goes at the top level of the body (system, additionalModelRequestFields, ...).
  nlohmann::ordered_json body = nlohmann::ordered_json::object();
  nlohmann::ordered_json config = nlohmann::ordered_json::object();
  if (spec.max_tokens) config["maxTokens"] = *spec.max_tokens;
  if (spec.temperature) config["temperature"] = *spec.temperature;
  for (const auto& [key, json] : spec.params) {
    nlohmann::ordered_json v = nlohmann::ordered_json::parse(json, nullptr, false);
    if (v.is_discarded()) v = nlohmann::ordered_json(json);
    if (key == "messages" || key == "inferenceConfig") {
      return absl::InvalidArgumentError(absl::StrCat(
          "--param ", key, ": built by --api ", api,
          key == "messages" ? " from the prompt" : " (set its fields: --param topP=0.9, ...)"));
    }
    const bool inference = std::find(std::begin(kInferenceKeys), std::end(kInferenceKeys), key) !=
                           std::end(kInferenceKeys);
    if (inference && config.contains(key)) {
      return absl::InvalidArgumentError(absl::StrCat("--param ", key, ": already set by ",
                                                     key == "maxTokens"     ? "--max-tokens"
                                                     : key == "temperature" ? "--temperature"
                                                                            : "another --param"));
    }
    (inference ? config : body)[key] = std::move(v);
  }
  if (!config.empty()) body["inferenceConfig"] = std::move(config);
  return std::make_unique<BedrockAdapter>(spec, stream, std::move(origin), path, std::move(signer),
                                          std::move(body));
}

}  // namespace

ErrorClass BedrockExceptionClass(absl::string_view exception_type) {
  if (exception_type == "throttlingException") return ErrorClass::kHttp429;
  if (exception_type == "internalServerException" ||
      exception_type == "serviceUnavailableException") {
    return ErrorClass::kHttp5xx;
  }
  return ErrorClass::kApiError;
}

absl::StatusOr<std::unique_ptr<ApiAdapter>> CreateBedrockConverseAdapter(const WorkloadSpec& spec) {
  return CreateBedrockAdapter(spec, /*stream=*/false);
}

absl::StatusOr<std::unique_ptr<ApiAdapter>> CreateBedrockConverseStreamAdapter(
    const WorkloadSpec& spec) {
  return CreateBedrockAdapter(spec, /*stream=*/true);
}

}  // namespace llmload
