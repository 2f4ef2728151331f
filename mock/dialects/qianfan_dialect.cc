#include "mock/dialects/qianfan_dialect.h"

#include <charconv>
#include <cstdlib>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "api/bce_auth_signer.h"
#include "api/sha256.h"
#include "api/uri_encode.h"
#include "mock/dialects/json_fields.h"
#include "mock/dialects/openai_writer.h"
#include "mock/http_response.h"
#include "mock/json_escape.h"

namespace llmload::mock {
namespace {

using simdjson::dom::element;

enum Variant : int { kChat = 0, kCompletions = 1, kOAuth = 2 };

constexpr MockRoute kV1Routes[] = {
    {"POST", "/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/{model}", kChat},
    {"POST", "/rpc/2.0/ai_custom/v1/wenxinworkshop/completions/{model}", kCompletions},
    {"POST", "/oauth/2.0/token", kOAuth, nullptr, RouteKind::kInfo},
};
constexpr MockRoute kV2Routes[] = {
    {"POST", "/v2/chat/completions", static_cast<int>(CompletionApi::kChat)},
};

// ApiError::type of the OAuth endpoint's errors, rendered {"error","error_description"}.
constexpr absl::string_view kOAuthErrorType = "oauth";

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

// A Qianfan error: `code` is error_code; Qianfan answers them with status 200.
ApiError QianfanError(int code, std::string message, int status = 200) {
  ApiError e;
  e.http_status = status;
  e.message = std::move(message);
  e.code = std::to_string(code);
  return e;
}

// The value of query parameter `name` in `target` (not decoded); nullopt when absent.
std::optional<absl::string_view> QueryParam(absl::string_view target, absl::string_view name) {
  const size_t q = target.find('?');
  if (q == absl::string_view::npos) return std::nullopt;
  for (absl::string_view item : absl::StrSplit(target.substr(q + 1), '&')) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(item, absl::MaxSplits('=', 1));
    if (kv.first == name) return kv.second;
  }
  return std::nullopt;
}

// Whether `auth` is a bce-auth-v1 signature by (ak, sk) of `request`, valid at `now`.
bool ValidBceSignature(const HttpRequest& request, absl::string_view auth, absl::string_view ak,
                       absl::string_view sk, absl::Time now) {
  const std::vector<absl::string_view> parts = absl::StrSplit(auth, '/');
  if (parts.size() != 6 || parts[0] != "bce-auth-v1" || parts[1] != ak) return false;
  int64_t expiration = 0;
  absl::Time signed_at;
  std::string error;
  if (!absl::SimpleAtoi(parts[3], &expiration) || expiration <= 0 ||
      !absl::ParseTime("%Y-%m-%dT%H:%M:%SZ", std::string(parts[2]), &signed_at, &error)) {
    return false;
  }
  if (now < signed_at - absl::Minutes(5) || now > signed_at + absl::Seconds(expiration)) {
    return false;
  }
  std::vector<std::pair<absl::string_view, absl::string_view>> headers;
  bool has_host = false;
  bool has_date = false;
  for (absl::string_view name : absl::StrSplit(parts[4], ';', absl::SkipEmpty())) {
    std::optional<absl::string_view> value = request.Header(name);
    if (!value) return false;
    has_host = has_host || name == "host";
    if (name == "x-bce-date") {
      if (*value != parts[2]) return false;  // the date signed is the date sent
      has_date = true;
    }
    headers.emplace_back(name, *value);
  }
  if (!has_host || !has_date) return false;
  const size_t q = request.target.find('?');
  BceSigningInput in;
  in.access_key = ak;
  in.secret_key = sk;
  in.timestamp = parts[2];
  in.expiration_seconds = expiration;
  in.method = request.method;
  in.path = request.path;
  in.query = q == absl::string_view::npos ? absl::string_view() : request.target.substr(q + 1);
  in.headers = headers;
  return BceAuthorization(in) == auth;
}

void AppendUsage(int64_t prompt_tokens, int64_t completion_tokens, std::string* out) {
  absl::StrAppend(out, "\"usage\":{\"prompt_tokens\":", prompt_tokens,
                  ",\"completion_tokens\":", completion_tokens,
                  ",\"total_tokens\":", prompt_tokens + completion_tokens, "}");
}

class ErnieWriter final : public MockResponseWriter {
 public:
  void Begin(const MockRequest& request, absl::string_view id, int64_t created,
             bool chunked) override {
    chunked_ = chunked;
    sentence_ = 0;
    head_.assign("{\"id\":");
    head_.append(JsonQuote(id));
    absl::StrAppend(&head_, ",\"object\":\"",
                    request.variant == kChat ? "chat.completion" : "completion",
                    "\",\"created\":", created);
  }

  void AppendToken(absl::string_view escaped_token, std::string* out) override {
    char number[24];
    const auto end = std::to_chars(number, number + sizeof(number), sentence_++).ptr;
    AppendHttpChunk(chunked_,
                    {"data: ", head_, ",\"sentence_id\":", absl::string_view(number, end - number),
                     ",\"is_end\":false,\"is_truncated\":false,\"result\":\"", escaped_token,
                     "\",\"need_clear_history\":false}\n\n"},
                    out);
  }

  int AppendFinish(const MockOutcome& outcome, std::string* out) override {
    std::string tail = absl::StrCat(",\"sentence_id\":", sentence_,
                                    ",\"is_end\":true,\"is_truncated\":false,\"result\":\"\","
                                    "\"need_clear_history\":false,\"finish_reason\":\"",
                                    outcome.length ? "length" : "normal", "\",");
    AppendUsage(outcome.prompt_tokens, outcome.completion_tokens, &tail);
    AppendHttpChunk(chunked_, {"data: ", head_, tail, "}\n\n"}, out);
    if (chunked_) AppendLastChunk(out);
    return 1;
  }

  void AppendBody(absl::string_view escaped_text, const MockOutcome& outcome,
                  std::string* out) override {
    out->append(head_);
    out->append(",\"result\":\"");
    out->append(escaped_text.data(), escaped_text.size());
    absl::StrAppend(out, "\",\"is_truncated\":false,\"need_clear_history\":false,",
                    "\"finish_reason\":\"", outcome.length ? "length" : "normal", "\",");
    AppendUsage(outcome.prompt_tokens, outcome.completion_tokens, out);
    out->append("}");
  }

 private:
  bool chunked_ = true;
  int64_t sentence_ = 0;
  std::string head_;  // {"id":..,"object":..,"created":N
};

}  // namespace

QianfanV1Dialect::QianfanV1Dialect()
    : oauth_ak_(Env("QIANFAN_AK")),
      oauth_sk_(Env("QIANFAN_SK")),
      bce_ak_(Env("QIANFAN_ACCESS_KEY")),
      bce_sk_(Env("QIANFAN_SECRET_KEY")) {}

absl::Span<const MockRoute> QianfanV1Dialect::routes() const { return kV1Routes; }

std::string QianfanV1Dialect::TokenFor(absl::string_view client_id,
                                       absl::string_view client_secret) {
  return absl::StrCat("24.", Sha256Hex(absl::StrCat(client_id, ":", client_secret)).substr(0, 32),
                      ".2592000.llmload-mock");
}

std::optional<ApiError> QianfanV1Dialect::Authorize(const HttpRequest& request,
                                                    const MockRoute& route, absl::Time now) {
  if (route.variant == kOAuth) return std::nullopt;  // AnswerInfo checks the client
  const bool oauth = !oauth_ak_.empty() && !oauth_sk_.empty();
  const bool bce = !bce_ak_.empty() && !bce_sk_.empty();
  if (std::optional<absl::string_view> token = QueryParam(request.target, "access_token")) {
    if (oauth && *token != TokenFor(oauth_ak_, oauth_sk_)) {
      return QianfanError(110, "Access token invalid or no longer valid");
    }
    return std::nullopt;
  }
  std::optional<absl::string_view> auth = request.Header("authorization");
  if (bce && (!auth || !ValidBceSignature(request, *auth, bce_ak_, bce_sk_, now))) {
    return QianfanError(14, "IAM Certification failed", 401);
  }
  if (oauth && !bce) return QianfanError(110, "Access token invalid or no longer valid");
  return std::nullopt;
}

std::optional<ApiError> QianfanV1Dialect::AnswerInfo(const HttpRequest& request,
                                                     const MockRoute& route,
                                                     const MockInfo& /*info*/, MockReply* out) {
  const std::optional<absl::string_view> grant = QueryParam(request.target, "grant_type");
  const std::optional<absl::string_view> id = QueryParam(request.target, "client_id");
  const std::optional<absl::string_view> secret = QueryParam(request.target, "client_secret");
  auto refuse = [](int status, absl::string_view error, absl::string_view description) {
    ApiError e;
    e.http_status = status;
    e.type = std::string(kOAuthErrorType);
    e.code = std::string(error);
    e.message = std::string(description);
    return e;
  };
  if (!grant || *grant != "client_credentials") {
    return refuse(400, "unsupported_grant_type", "The authorization grant type is not supported");
  }
  if (!id || !secret || id->empty()) return refuse(400, "invalid_client", "unknown client id");
  const std::string client_id = UriDecode(*id);
  const std::string client_secret = UriDecode(*secret);
  if (!oauth_ak_.empty() && client_id != oauth_ak_) {
    return refuse(401, "invalid_client", "unknown client id");
  }
  if (!oauth_sk_.empty() && client_secret != oauth_sk_) {
    return refuse(401, "invalid_client", "Client authentication failed");
  }
  out->body = absl::StrCat(
      "{\"refresh_token\":\"25.llmload-mock\",\"expires_in\":2592000,"
      "\"session_key\":\"llmload-mock\",\"access_token\":",
      JsonQuote(TokenFor(client_id, client_secret)),
      ",\"scope\":\"public\",\"session_secret\":\"llmload-mock\"}");
  return std::nullopt;
}

std::optional<ApiError> QianfanV1Dialect::ParseRequest(const HttpRequest& request,
                                                       const MockRoute& route,
                                                       const RouteCaptures& captures,
                                                       MockRequest* out) {
  *out = MockRequest();
  out->variant = route.variant;
  out->include_usage = true;  // ERNIE always reports usage
  if (captures.count > 0) out->model.assign(captures.parts[0].data(), captures.parts[0].size());
  element doc;
  if (parser_.parse(request.body.data(), request.body.size()).get(doc) != simdjson::SUCCESS ||
      !doc.is_object()) {
    return QianfanError(336002, "Invalid JSON");
  }
  const simdjson::dom::object root = doc.get_object();
  uint64_t bytes = 0;
  if (route.variant == kChat) {
    std::optional<element> messages = JsonField(root, "messages");
    if (!messages || !messages->is_array() || messages->get_array().size() == 0) {
      return QianfanError(336003, "the messages parameter is invalid");
    }
    out->messages = static_cast<int64_t>(messages->get_array().size());
    for (element m : messages->get_array()) {
      std::optional<element> content;
      if (m.is_object()) content = JsonField(m.get_object(), "content");
      if (!content || !content->is_string()) {
        return QianfanError(336003, "the content of a message is invalid");
      }
      bytes += std::string_view(*content).size();
    }
  } else {
    std::optional<element> prompt = JsonField(root, "prompt");
    if (!prompt || !prompt->is_string()) return QianfanError(336003, "the prompt is invalid");
    bytes += std::string_view(*prompt).size();
  }
  out->prompt_tokens = EstimatePromptTokens(bytes);
  if (std::optional<element> stream = JsonField(root, "stream")) {
    if (!stream->is_bool()) return QianfanError(336003, "the stream parameter is invalid");
    out->stream = bool(*stream);
  }
  if (std::optional<element> max = JsonField(root, "max_output_tokens")) {
    int64_t n = 0;
    if (max->get_int64().get(n) != simdjson::SUCCESS || n < 2 || n > kMaxOutputTokenLimit) {
      return QianfanError(336003, "max_output_tokens is invalid");
    }
    out->max_tokens = n;
  }
  return std::nullopt;
}

absl::string_view QianfanV1Dialect::IdPrefix(const MockRequest& request) const {
  return request.variant == kChat ? "as-" : "cmpl-";
}

std::unique_ptr<MockResponseWriter> QianfanV1Dialect::NewWriter() const {
  return std::make_unique<ErnieWriter>();
}

ApiError QianfanV1Dialect::InjectedError(int status, absl::string_view /*model*/) const {
  if (status == 429) return QianfanError(336501, "Rate limit reached for RPM");
  return QianfanError(status >= 500 ? 336000 : 336001,
                      status >= 500 ? "Internal error" : "Invalid Argument", status);
}

void QianfanV1Dialect::RenderError(const ApiError& error, MockReply* out) const {
  if (error.type == kOAuthErrorType) {
    out->body = absl::StrCat("{\"error\":", JsonQuote(error.code.value_or("invalid_request")),
                             ",\"error_description\":", JsonQuote(error.message), "}");
    return;
  }
  int code = 0;
  if (!error.code || !absl::SimpleAtoi(*error.code, &code)) {
    // The loop's own errors (405 on these paths, ...): Qianfan's generic codes.
    code = error.http_status == 405 ? 3 : error.http_status >= 500 ? 336000 : 336001;
  }
  out->body =
      absl::StrCat("{\"error_code\":", code, ",\"error_msg\":", JsonQuote(error.message), "}");
}

QianfanV2Dialect::QianfanV2Dialect() : api_key_(Env("QIANFAN_API_KEY")) {}

absl::Span<const MockRoute> QianfanV2Dialect::routes() const { return kV2Routes; }

std::optional<ApiError> QianfanV2Dialect::Authorize(const HttpRequest& request,
                                                    const MockRoute& /*route*/,
                                                    absl::Time /*now*/) {
  if (api_key_.empty()) return std::nullopt;
  std::optional<absl::string_view> auth = request.Header("authorization");
  if (auth && *auth == absl::StrCat("Bearer ", api_key_)) return std::nullopt;
  ApiError e;
  e.http_status = 401;
  e.message = "IAM Certification failed";
  e.code = "invalid_iam_token";
  return e;
}

std::optional<ApiError> QianfanV2Dialect::ParseRequest(const HttpRequest& request,
                                                       const MockRoute& /*route*/,
                                                       const RouteCaptures& /*captures*/,
                                                       MockRequest* out) {
  return parser_.Parse(CompletionApi::kChat, request.body, out);
}

std::unique_ptr<MockResponseWriter> QianfanV2Dialect::NewWriter() const {
  return std::make_unique<CompletionWriter>();
}

void QianfanV2Dialect::RenderError(const ApiError& error, MockReply* out) const {
  out->body = error.Body();
}

}  // namespace llmload::mock
