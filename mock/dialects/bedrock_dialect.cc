#include "mock/dialects/bedrock_dialect.h"

#include <cstdlib>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "api/aws_event_stream.h"
#include "api/aws_sigv4_signer.h"
#include "api/sha256.h"
#include "mock/dialects/json_fields.h"
#include "mock/http_response.h"
#include "mock/json_escape.h"

namespace llmload::mock {
namespace {

using simdjson::dom::element;

enum Variant : int { kConverse = 0, kConverseStream = 1 };

constexpr MockRoute kRoutes[] = {
    {"POST", "/model/{model}/converse", kConverse},
    {"POST", "/model/{model}/converse-stream", kConverseStream},
};

constexpr absl::string_view kSignatureMismatch =
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details.";
constexpr absl::Duration kMaxClockSkew = absl::Minutes(15);

ApiError AwsError(int status, absl::string_view type, std::string message) {
  ApiError e;
  e.http_status = status;
  e.type = std::string(type);
  e.message = std::move(message);
  return e;
}

ApiError Validation(std::string message) {
  return AwsError(400, "ValidationException", std::move(message));
}

// The AWS error type of a status, for errors made in OpenAI's words by shared code.
absl::string_view TypeOfStatus(int status) {
  switch (status) {
    case 400:
      return "ValidationException";
    case 403:
      return "AccessDeniedException";
    case 404:
      return "ResourceNotFoundException";
    case 408:
      return "ModelTimeoutException";
    case 424:
      return "ModelErrorException";
    case 429:
      return "ThrottlingException";
    case 503:
      return "ServiceUnavailableException";
    default:
      return status >= 500 ? "InternalServerException" : "ValidationException";
  }
}

std::optional<MockAwsKeys> KeysFromEnvironment() {
  const char* value = std::getenv(kMockAwsKeysEnv);
  if (value == nullptr) return std::nullopt;
  std::pair<absl::string_view, absl::string_view> parts =
      absl::StrSplit(absl::string_view(value), absl::MaxSplits(':', 1));
  if (parts.first.empty() || parts.second.empty()) return std::nullopt;
  return MockAwsKeys{std::string(parts.first), std::string(parts.second)};
}

// One event-stream message of an event, the headers in the order the service sends them.
std::string EventHeaders(absl::string_view event_type) {
  std::string headers;
  AppendEventStreamStringHeader(":event-type", event_type, &headers);
  AppendEventStreamStringHeader(":content-type", "application/json", &headers);
  AppendEventStreamStringHeader(":message-type", "event", &headers);
  return headers;
}

void AppendUsageAndMetrics(const MockOutcome& outcome, std::string* out) {
  absl::StrAppend(out, "\"usage\":{\"inputTokens\":", outcome.prompt_tokens,
                  ",\"outputTokens\":", outcome.completion_tokens,
                  ",\"totalTokens\":", outcome.prompt_tokens + outcome.completion_tokens,
                  "},\"metrics\":{\"latencyMs\":", outcome.total_ns / 1'000'000, "}");
}

class BedrockWriter final : public MockResponseWriter {
 public:
  BedrockWriter()
      : message_start_(EventHeaders("messageStart")),
        block_delta_(EventHeaders("contentBlockDelta")),
        block_stop_(EventHeaders("contentBlockStop")),
        message_stop_(EventHeaders("messageStop")),
        metadata_(EventHeaders("metadata")) {}

  void Begin(const MockRequest& request, absl::string_view /*id*/, int64_t /*created*/,
             bool chunked) override {
    chunked_ = chunked;
  }
  absl::string_view stream_content_type() const override {
    return "application/vnd.amazon.eventstream";
  }

  int AppendPrelude(std::string* out) override {
    Frame(message_start_, "{\"p\":\"abcdefgh\",\"role\":\"assistant\"}", out);
    return 1;
  }

  void AppendToken(absl::string_view escaped_token, std::string* out) override {
    payload_.assign("{\"contentBlockIndex\":0,\"delta\":{\"text\":\"");
    payload_.append(escaped_token.data(), escaped_token.size());
    payload_.append("\"},\"p\":\"abcd\"}");
    Frame(block_delta_, payload_, out);
  }

  int AppendFinish(const MockOutcome& outcome, std::string* out) override {
    Frame(block_stop_, "{\"contentBlockIndex\":0,\"p\":\"ab\"}", out);
    Frame(message_stop_,
          outcome.length ? "{\"p\":\"abc\",\"stopReason\":\"max_tokens\"}"
                         : "{\"p\":\"abc\",\"stopReason\":\"end_turn\"}",
          out);
    payload_.assign("{");
    AppendUsageAndMetrics(outcome, &payload_);
    payload_.append(",\"p\":\"abcdef\"}");
    Frame(metadata_, payload_, out);
    if (chunked_) AppendLastChunk(out);
    return 3;
  }

  void AppendBody(absl::string_view escaped_text, const MockOutcome& outcome,
                  std::string* out) override {
    out->append("{\"metrics\":{\"latencyMs\":");
    absl::StrAppend(out, outcome.total_ns / 1'000'000);
    out->append("},\"output\":{\"message\":{\"content\":[{\"text\":\"");
    out->append(escaped_text.data(), escaped_text.size());
    absl::StrAppend(out, "\"}],\"role\":\"assistant\"}},\"stopReason\":\"",
                    outcome.length ? "max_tokens" : "end_turn", "\",");
    absl::StrAppend(out, "\"usage\":{\"inputTokens\":", outcome.prompt_tokens,
                    ",\"outputTokens\":", outcome.completion_tokens,
                    ",\"totalTokens\":", outcome.prompt_tokens + outcome.completion_tokens, "}}");
  }

 private:
  // One message as one HTTP chunk.
  void Frame(absl::string_view headers, absl::string_view payload, std::string* out) {
    frame_.clear();
    AppendEventStreamMessage(headers, payload, &frame_);
    AppendHttpChunk(chunked_, {frame_}, out);
  }

  const std::string message_start_, block_delta_, block_stop_, message_stop_, metadata_;
  bool chunked_ = true;
  std::string payload_;  // reused per event
  std::string frame_;
};

// "AWS4-HMAC-SHA256 Credential=AKID/20240307/us-east-1/bedrock/aws4_request,
// SignedHeaders=host;x-amz-date, Signature=hex", split.
struct Authorization {
  absl::string_view access_key_id, date, region, service, signed_headers, signature;
};
bool ParseAuthorization(absl::string_view value, Authorization* out) {
  if (!absl::ConsumePrefix(&value, "AWS4-HMAC-SHA256 ")) return false;
  for (absl::string_view part : absl::StrSplit(value, ',')) {
    part = absl::StripAsciiWhitespace(part);
    if (absl::ConsumePrefix(&part, "Credential=")) {
      std::vector<absl::string_view> scope = absl::StrSplit(part, '/');
      if (scope.size() != 5 || scope[4] != "aws4_request") return false;
      out->access_key_id = scope[0];
      out->date = scope[1];
      out->region = scope[2];
      out->service = scope[3];
    } else if (absl::ConsumePrefix(&part, "SignedHeaders=")) {
      out->signed_headers = part;
    } else if (absl::ConsumePrefix(&part, "Signature=")) {
      out->signature = part;
    }
  }
  return !out->access_key_id.empty() && !out->signed_headers.empty() && !out->signature.empty();
}

// "20240307T123456Z" as "2024-03-07T12:34:56Z" (absl's %Y would take all eight digits).
std::string AmzDateAsRfc3339(absl::string_view d) {
  return absl::StrCat(d.substr(0, 4), "-", d.substr(4, 2), "-", d.substr(6, 2), "T", d.substr(9, 2),
                      ":", d.substr(11, 2), ":", d.substr(13));
}

}  // namespace

BedrockDialect::BedrockDialect() : BedrockDialect(KeysFromEnvironment()) {}

BedrockDialect::BedrockDialect(std::optional<MockAwsKeys> keys) : keys_(std::move(keys)) {}

absl::Span<const MockRoute> BedrockDialect::routes() const { return kRoutes; }

std::optional<ApiError> BedrockDialect::Authorize(const HttpRequest& request,
                                                  const MockRoute& /*route*/, absl::Time now) {
  if (!keys_) return std::nullopt;
  std::optional<absl::string_view> header = request.Header("authorization");
  if (!header) {
    return AwsError(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
  }
  Authorization auth;
  if (!ParseAuthorization(*header, &auth)) {
    return AwsError(403, "IncompleteSignatureException",
                    "Authorization header requires 'Credential', 'Signature' and "
                    "'SignedHeaders' parameters.");
  }
  if (auth.access_key_id != keys_->access_key_id) {
    return AwsError(403, "UnrecognizedClientException",
                    "The security token included in the request is invalid.");
  }
  std::optional<absl::string_view> amz_date = request.Header("x-amz-date");
  absl::Time signed_at;
  std::string parse_error;
  if (!amz_date || amz_date->size() != 16 ||
      !absl::ParseTime("%Y-%m-%dT%H:%M:%SZ", AmzDateAsRfc3339(*amz_date), absl::UTCTimeZone(),
                       &signed_at, &parse_error) ||
      !absl::StartsWith(*amz_date, auth.date)) {
    return AwsError(403, "InvalidSignatureException", std::string(kSignatureMismatch));
  }
  if (absl::AbsDuration(now - signed_at) > kMaxClockSkew) {
    return AwsError(403, "InvalidSignatureException",
                    absl::StrCat("Signature expired: ", *amz_date,
                                 " is now earlier or later than 15 minutes from the server's "
                                 "time."));
  }
  SigV4Request r;
  r.method = request.method;
  r.path = request.path;
  if (const size_t q = request.target.find('?'); q != absl::string_view::npos) {
    r.query = request.target.substr(q + 1);
  }
  bool host_signed = false;
  for (absl::string_view name : absl::StrSplit(auth.signed_headers, ';')) {
    std::optional<absl::string_view> value = request.Header(name);
    if (!value) return AwsError(403, "InvalidSignatureException", std::string(kSignatureMismatch));
    host_signed = host_signed || name == "host";
    r.headers.emplace_back(std::string(name), std::string(*value));
  }
  if (!host_signed)
    return AwsError(403, "InvalidSignatureException", std::string(kSignatureMismatch));
  const std::string payload_hash = Sha256Hex(request.body);
  r.payload_sha256_hex = payload_hash;
  r.amz_date = *amz_date;
  r.region = auth.region;
  r.service = auth.service;
  if (SigV4Signature(keys_->secret_access_key, r) != auth.signature) {
    return AwsError(403, "InvalidSignatureException", std::string(kSignatureMismatch));
  }
  return std::nullopt;
}

std::optional<ApiError> BedrockDialect::ParseRequest(const HttpRequest& request,
                                                     const MockRoute& route,
                                                     const RouteCaptures& captures,
                                                     MockRequest* out) {
  *out = MockRequest();
  out->variant = route.variant;
  out->stream = route.variant == kConverseStream;
  out->include_usage = true;  // Bedrock always reports usage
  if (captures.count > 0) out->model = std::string(captures.parts[0]);
  element root;
  if (parser_.parse(request.body.data(), request.body.size()).get(root) != simdjson::SUCCESS ||
      !root.is_object()) {
    return Validation("Malformed input request, please reformat your input and try again.");
  }
  const simdjson::dom::object obj = root.get_object();
  std::optional<element> messages = JsonField(obj, "messages");
  if (!messages || !messages->is_array() || messages->get_array().size() == 0) {
    return Validation(
        "1 validation error detected: Value at 'messages' failed to satisfy constraint: Member "
        "must not be null and must have at least 1 item");
  }
  uint64_t bytes = 0;
  out->messages = static_cast<int64_t>(messages->get_array().size());
  for (element m : messages->get_array()) {
    element content;
    if (!m.is_object() || m["content"].get(content) != simdjson::SUCCESS || !content.is_array()) {
      return Validation("A conversation must start with a user message with content.");
    }
    for (element block : content.get_array()) {
      element text;
      if (block.is_object() && block["text"].get(text) == simdjson::SUCCESS && text.is_string()) {
        bytes += std::string_view(text).size();
      }
    }
  }
  out->prompt_tokens = EstimatePromptTokens(bytes);
  if (std::optional<element> config = JsonField(obj, "inferenceConfig")) {
    if (!config->is_object()) return Validation("inferenceConfig must be an object");
    if (std::optional<ApiError> err =
            ParseMaxTokensField(config->get_object(), "maxTokens", &out->max_tokens)) {
      return Validation(err->message);
    }
  }
  return std::nullopt;
}

std::unique_ptr<MockResponseWriter> BedrockDialect::NewWriter() const {
  return std::make_unique<BedrockWriter>();
}

ApiError BedrockDialect::InjectedError(int status, absl::string_view /*model*/) const {
  absl::string_view type = TypeOfStatus(status);
  std::string message = status == 429   ? "Too many requests, please wait before trying again."
                        : status == 503 ? "Bedrock is unable to process your request."
                        : status >= 500 ? "The server encountered an internal error."
                                        : "The mock injected this error.";
  return AwsError(status, type, std::move(message));
}

void BedrockDialect::RenderError(const ApiError& error, MockReply* out) const {
  // Errors built in OpenAI's words by shared code (404, 405, HTTP-level) get the AWS type of
  // their status.
  const absl::string_view type = absl::EndsWith(error.type, "Exception")
                                     ? absl::string_view(error.type)
                                     : TypeOfStatus(error.http_status);
  out->body = absl::StrCat("{\"message\":", JsonQuote(error.message), "}");
  out->headers = absl::StrCat("x-amzn-ErrorType: ", type, "\r\n");
}

}  // namespace llmload::mock
