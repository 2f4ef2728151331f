#include "api/qianfan_adapter.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "api/bce_auth_signer.h"
#include "api/endpoint_url.h"
#include "api/ernie_response_decoder.h"
#include "api/json_body.h"
#include "api/openai_adapter.h"
#include "api/request_headers.h"
#include "api/uri_encode.h"
#include "common/redact.h"
#include "nlohmann/json.hpp"

namespace llmload {
namespace {

enum class Auth : uint8_t {
  kNone,    // v2 without Authorization
  kApiKey,  // v2, Bearer
  kBce,     // v1, bce-auth-v1 signatures
  kOAuth,   // v1, ?access_token=
};

constexpr int64_t kSignatureSeconds = 1800;
constexpr absl::string_view kOAuthPath = "/oauth/2.0/token";

// The parts of a resolved URL (endpoint_url.h checked it) that signing needs.
struct UrlParts {
  std::string origin;  // scheme://authority
  std::string host;    // authority without userinfo: the Host header
  std::string path;
  std::string query;  // after '?', without a fragment
};

UrlParts SplitUrl(absl::string_view url) {
  UrlParts parts;
  const size_t authority_start = url.find("://") + 3;
  size_t end = url.find_first_of("/?#", authority_start);
  if (end == absl::string_view::npos) end = url.size();
  parts.origin = std::string(url.substr(0, end));
  const absl::string_view authority = url.substr(authority_start, end - authority_start);
  parts.host = std::string(authority.substr(authority.rfind('@') + 1));
  absl::string_view rest = url.substr(end);
  if (const size_t hash = rest.find('#'); hash != absl::string_view::npos) {
    rest = rest.substr(0, hash);
  }
  const size_t q = rest.find('?');
  parts.path = std::string(rest.substr(0, q));
  if (q != absl::string_view::npos) parts.query = std::string(rest.substr(q + 1));
  return parts;
}

const std::string* Credential(const WorkloadSpec& spec, absl::string_view name) {
  for (const auto& [var, value] : spec.credentials) {
    if (var == name && !value.empty()) return &value;
  }
  return nullptr;
}

const std::string* Option(const WorkloadSpec& spec, absl::string_view name) {
  for (const auto& [option, value] : spec.api_options) {
    if (option == name) return &value;
  }
  return nullptr;
}

// The pair `a`/`b`: both set, neither, or an error naming the missing one.
absl::StatusOr<bool> CompletePair(const WorkloadSpec& spec, absl::string_view a,
                                  absl::string_view b) {
  const bool has_a = Credential(spec, a) != nullptr;
  const bool has_b = Credential(spec, b) != nullptr;
  if (has_a != has_b) {
    return absl::InvalidArgumentError(absl::StrCat("--api qianfan: $", has_a ? a : b,
                                                   " is set but $", has_a ? b : a,
                                                   " is not: set both, or neither"));
  }
  return has_a;
}

// v1 ERNIE, signed (kBce) or with an OAuth token (kOAuth).
class QianfanV1Adapter final : public ApiAdapter {
 public:
  QianfanV1Adapter(const WorkloadSpec& spec, Auth auth, bool completion, std::string url,
                   std::string oauth_url)
      : auth_(auth),
        completion_(completion),
        url_(std::move(url)),
        oauth_url_(std::move(oauth_url)),
        parts_(SplitUrl(url_)),
        stream_(spec.stream),
        model_empty_(spec.model.empty()),
        max_bytes_(spec.max_response_bytes),
        header_lines_(CommonHeaderLines(spec, spec.stream ? "text/event-stream" : "")) {
    for (const std::string& line : header_lines_) {
      if (absl::StartsWithIgnoreCase(line, "content-type:")) {
        content_type_ = std::string(absl::StripAsciiWhitespace(line.substr(13)));
      }
    }
    max_output_tokens_ = spec.max_tokens;
    temperature_ = spec.temperature;
    params_ = spec.params;
    if (auth_ == Auth::kBce) {
      access_key_ = *Credential(spec, "QIANFAN_ACCESS_KEY");
      secret_key_ = *Credential(spec, "QIANFAN_SECRET_KEY");
    } else {
      access_key_ = *Credential(spec, "QIANFAN_AK");
      secret_key_ = *Credential(spec, "QIANFAN_SK");
    }
    run_time_s_ = absl::ToInt64Seconds(spec.run_time);
  }

  const std::string& endpoint_url() const override { return url_; }

  std::string notice() const override {
    const absl::string_view kind = completion_ ? "completions" : "chat";
    return auth_ == Auth::kBce
               ? absl::StrCat("qianfan: v1 ERNIE ", kind,
                              " API, bce-auth-v1 signatures from QIANFAN_ACCESS_KEY/"
                              "QIANFAN_SECRET_KEY")
               : absl::StrCat("qianfan: v1 ERNIE ", kind,
                              " API, an OAuth access token from QIANFAN_AK/QIANFAN_SK");
  }

  absl::Status Start(HttpFetch fetch) override {
    if (auth_ != Auth::kOAuth) return absl::OkStatus();
    PreparedRequest request;
    request.url = absl::StrCat(oauth_url_,
                               "?grant_type=client_credentials&client_id=", UriEncode(access_key_),
                               "&client_secret=", UriEncode(secret_key_));
    request.header_lines = {"Content-Type: application/json", "Accept: application/json",
                            "Expect:"};
    // The token URL carries the secret key: messages name it without its query.
    const std::string shown = absl::StrCat("POST ", RedactUrl(oauth_url_));
    absl::StatusOr<FetchedResponse> response = fetch(request);
    if (!response.ok()) {
      // The fetcher names the URL it was given, whose query holds the secret key.
      std::string why = absl::StrReplaceAll(
          response.status().message(),
          {{RedactUrl(request.url), RedactUrl(oauth_url_)}, {UriEncode(secret_key_), "***"}});
      why = absl::StrReplaceAll(why, {{secret_key_, "***"}});
      return absl::Status(response.status().code(),
                          absl::StrCat("qianfan: the OAuth access token request failed: ", why));
    }
    const nlohmann::json body = nlohmann::json::parse(response->body, nullptr, false);
    auto text = [&](const char* key) {
      return body.is_object() && body.contains(key) && body[key].is_string()
                 ? body[key].get<std::string>()
                 : std::string();
    };
    if (response->status != 200 || text("access_token").empty()) {
      std::string why = text("error_description");
      if (why.empty()) why = text("error");
      if (why.empty()) why = "no access_token in the reply";
      return absl::UnauthenticatedError(absl::StrCat(
          "qianfan: the OAuth access token request (", shown, ") got HTTP ", response->status, ": ",
          why.substr(0, 200), " (check QIANFAN_AK and QIANFAN_SK)"));
    }
    int64_t expires_in = 0;
    if (body.contains("expires_in") && body["expires_in"].is_number_integer()) {
      expires_in = body["expires_in"].get<int64_t>();
    }
    if (expires_in <= 0) {
      return absl::FailedPreconditionError(absl::StrCat("qianfan: the OAuth reply (", shown,
                                                        ") has no positive integer expires_in"));
    }
    if (run_time_s_ > 0 && run_time_s_ >= expires_in) {
      return absl::FailedPreconditionError(absl::StrCat(
          "--run-time ", run_time_s_, "s: the Qianfan access token expires in ", expires_in,
          "s and is fetched once per run: use a shorter --run-time, or bce-auth-v1 signing "
          "(QIANFAN_ACCESS_KEY/QIANFAN_SECRET_KEY)"));
    }
    access_token_ = text("access_token");
    return absl::OkStatus();
  }

  absl::StatusOr<PreparedRequest> Prepare(const Prompt& prompt) const override {
    if (model_empty_) {
      return absl::InvalidArgumentError("--model: required for --api qianfan (e.g. ernie-3.5-8k)");
    }
    PreparedRequest request;
    request.url = url_;
    request.header_lines = header_lines_;
    if (auth_ == Auth::kOAuth) {
      if (access_token_.empty()) {
        return absl::FailedPreconditionError("qianfan: no OAuth access token (Start not run)");
      }
      absl::StrAppend(&request.url, parts_.query.empty() ? "?" : "&",
                      "access_token=", UriEncode(access_token_));
    }
    request.body = ErnieBody(prompt);
    return request;
  }

  bool signs_each_send() const override { return auth_ == Auth::kBce; }

  absl::Status Sign(int64_t wall_ns, const PreparedRequest& request,
                    SendExtras* out) const override {
    if (auth_ != Auth::kBce) return absl::OkStatus();
    const std::string timestamp = BceTimestamp(wall_ns);
    const std::pair<absl::string_view, absl::string_view> headers[] = {
        {"host", parts_.host}, {"content-type", content_type_}, {"x-bce-date", timestamp}};
    BceSigningInput in;
    in.access_key = access_key_;
    in.secret_key = secret_key_;
    in.timestamp = timestamp;
    in.expiration_seconds = kSignatureSeconds;
    in.method = request.method;
    in.path = parts_.path;
    in.query = parts_.query;
    in.headers = headers;
    out->header_lines.push_back(absl::StrCat("Host: ", parts_.host));
    out->header_lines.push_back(absl::StrCat("x-bce-date: ", timestamp));
    out->header_lines.push_back(absl::StrCat("Authorization: ", BceAuthorization(in)));
    return absl::OkStatus();
  }

  std::unique_ptr<ResponseDecoder> NewDecoder() const override {
    return NewErnieResponseDecoder(stream_, max_bytes_);
  }

 private:
  // {"messages":[...history, {"role":"user","content":P}]} (ERNIE takes the system prompt in
  // `system`) or {"prompt":P}, then stream, max_output_tokens, temperature and the --param
  // fields (last, so they may override). The prompt's own max_tokens stands in for
  // --max-tokens.
  std::string ErnieBody(const Prompt& prompt) const {
    nlohmann::ordered_json body;
    if (completion_) {
      body["prompt"] = prompt.text;
    } else {
      body["messages"] = ChatMessagesJson(prompt, /*with_system=*/false);
      if (std::string system = SystemPromptOf(prompt); !system.empty()) {
        body["system"] = std::move(system);
      }
    }
    body["stream"] = stream_;
    if (prompt.max_tokens) {
      body["max_output_tokens"] = *prompt.max_tokens;
    } else if (max_output_tokens_) {
      body["max_output_tokens"] = *max_output_tokens_;
    }
    if (temperature_) body["temperature"] = *temperature_;
    for (const auto& [key, json] : params_) {
      nlohmann::ordered_json v = nlohmann::ordered_json::parse(json, nullptr, false);
      body[key] = v.is_discarded() ? nlohmann::ordered_json(json) : std::move(v);
    }
    return body.dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace);
  }

  const Auth auth_;
  const bool completion_;
  const std::string url_;
  const std::string oauth_url_;
  const UrlParts parts_;
  const bool stream_;
  const bool model_empty_;
  const int64_t max_bytes_;
  std::vector<std::string> header_lines_;
  std::string content_type_;
  std::optional<int> max_output_tokens_;
  std::optional<double> temperature_;
  std::vector<std::pair<std::string, std::string>> params_;
  std::string access_key_;
  std::string secret_key_;
  int64_t run_time_s_ = 0;
  std::string access_token_;  // kOAuth: set by Start()
};

// v2 is OpenAI's chat API on /v2/chat/completions: the OpenAI adapter does all of it (body,
// Bearer key, decoding); this only says which API was picked and wants a model.
class QianfanV2Adapter final : public ApiAdapter {
 public:
  QianfanV2Adapter(std::unique_ptr<ApiAdapter> openai, bool keyed, bool model_empty)
      : openai_(std::move(openai)), keyed_(keyed), model_empty_(model_empty) {}

  const std::string& endpoint_url() const override { return openai_->endpoint_url(); }
  std::string notice() const override {
    return keyed_ ? "qianfan: v2 API (/v2/chat/completions), Bearer API key"
                  : "qianfan: v2 API (/v2/chat/completions) without credentials: no "
                    "QIANFAN_API_KEY, QIANFAN_ACCESS_KEY/QIANFAN_SECRET_KEY or "
                    "QIANFAN_AK/QIANFAN_SK is set";
  }
  absl::StatusOr<PreparedRequest> Prepare(const Prompt& prompt) const override {
    if (model_empty_) {
      return absl::InvalidArgumentError("--model: required for --api qianfan (e.g. ernie-3.5-8k)");
    }
    return openai_->Prepare(prompt);
  }
  std::unique_ptr<ResponseDecoder> NewDecoder() const override { return openai_->NewDecoder(); }

 private:
  const std::unique_ptr<ApiAdapter> openai_;
  const bool keyed_;
  const bool model_empty_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ApiAdapter>> CreateQianfanAdapter(const WorkloadSpec& spec) {
  bool completion = false;
  if (const std::string* type = Option(spec, "model-type")) {
    if (*type == "completion") {
      completion = true;
    } else if (*type != "chat") {
      return absl::InvalidArgumentError(
          absl::StrCat("--model-type '", *type, "': expected chat or completion"));
    }
  }
  absl::StatusOr<bool> bce = CompletePair(spec, "QIANFAN_ACCESS_KEY", "QIANFAN_SECRET_KEY");
  if (!bce.ok()) return bce.status();
  absl::StatusOr<bool> oauth = CompletePair(spec, "QIANFAN_AK", "QIANFAN_SK");
  if (!oauth.ok()) return oauth.status();
  Auth auth = Auth::kNone;
  if (!spec.api_key.empty()) {
    auth = Auth::kApiKey;
  } else if (*bce) {
    auth = Auth::kBce;
  } else if (*oauth) {
    auth = Auth::kOAuth;
  }
  const bool v1 = auth == Auth::kBce || auth == Auth::kOAuth;
  if (completion && !v1) {
    return absl::InvalidArgumentError(
        "--model-type completion: only the v1 API has completions; it is used with "
        "QIANFAN_ACCESS_KEY/QIANFAN_SECRET_KEY or QIANFAN_AK/QIANFAN_SK (and no QIANFAN_API_KEY "
        "or --api-key)");
  }
  if (auth == Auth::kBce) {
    for (const auto& [name, value] : spec.headers) {
      for (absl::string_view signed_header : {"Authorization", "Host", "x-bce-date"}) {
        if (absl::EqualsIgnoreCase(name, signed_header)) {
          return absl::InvalidArgumentError(
              absl::StrCat("--header ", name,
                           ": bce-auth-v1 signing (QIANFAN_ACCESS_KEY/"
                           "QIANFAN_SECRET_KEY) sets it on every request"));
        }
      }
    }
  }
  const std::string default_path =
      v1 ? absl::StrCat("/rpc/2.0/ai_custom/v1/wenxinworkshop/",
                        completion ? "completions/" : "chat/", UriEncode(spec.model))
         : std::string("/v2/chat/completions");
  absl::StatusOr<std::string> url = ResolveApiUrl(spec.url, default_path);
  if (!url.ok()) return url.status();
  // No model yet (`llmload run` without --url resolves the in-process mock's URL before it
  // names the model): the v1 path needs it, so keep the URL as given until it is known.
  // Prepare() refuses to send without one.
  if (v1 && spec.model.empty()) url = std::string(absl::StripAsciiWhitespace(spec.url));
  if (!v1) {
    WorkloadSpec openai = spec;
    openai.url = *url;  // a full path: used as given
    absl::StatusOr<std::unique_ptr<ApiAdapter>> adapter = CreateOpenAiChatAdapter(openai);
    if (!adapter.ok()) return adapter.status();
    return std::make_unique<QianfanV2Adapter>(*std::move(adapter), auth == Auth::kApiKey,
                                              spec.model.empty());
  }
  std::string oauth_url;
  if (auth == Auth::kOAuth) {
    if (const std::string* given = Option(spec, "qianfan-oauth-url")) {
      absl::StatusOr<std::string> resolved = ResolveApiUrl(*given, kOAuthPath);
      if (!resolved.ok()) {
        absl::string_view why = resolved.status().message();
        absl::ConsumePrefix(&why, "--url");  // ResolveApiUrl names --url
        return absl::InvalidArgumentError(absl::StrCat("--qianfan-oauth-url", why));
      }
      oauth_url = *std::move(resolved);
      if (absl::StrContains(oauth_url, '?')) {
        return absl::InvalidArgumentError("--qianfan-oauth-url: takes no query");
      }
    } else {
      oauth_url = absl::StrCat(SplitUrl(*url).origin, kOAuthPath);
    }
  }
  return std::make_unique<QianfanV1Adapter>(spec, auth, completion, *std::move(url),
                                            std::move(oauth_url));
}

}  // namespace llmload
