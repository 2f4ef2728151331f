#include "api/zhipu_adapter.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "api/endpoint_url.h"
#include "api/openai_adapter.h"
#include "api/request_headers.h"
#include "api/sha256.h"
#include "nlohmann/json.hpp"

namespace llmload {
namespace {

constexpr absl::string_view kDefaultPath = "/api/paas/v4/chat/completions";
// The header Zhipu's SDK signs with (PyJWT adds "typ"; the server checks the signature, not the
// header's fields beyond these).
constexpr absl::string_view kJwtHeader = R"({"alg":"HS256","sign_type":"SIGN"})";

// The OpenAI chat adapter does the request and the decoding; this one adds the URL and the
// key's JWT.
class ZhipuAdapter final : public ApiAdapter {
 public:
  ZhipuAdapter(std::string url, std::unique_ptr<ApiAdapter> openai, std::string id,
               std::string secret)
      : url_(std::move(url)),
        openai_(std::move(openai)),
        id_(std::move(id)),
        secret_(std::move(secret)) {}

  const std::string& endpoint_url() const override { return url_; }

  absl::StatusOr<PreparedRequest> Prepare(const Prompt& prompt) const override {
    absl::StatusOr<PreparedRequest> request = openai_->Prepare(prompt);
    if (request.ok()) request->url = url_;
    return request;
  }

  bool signs_each_send() const override { return !secret_.empty(); }

  absl::Status Sign(int64_t wall_ns, const PreparedRequest& /*request*/,
                    SendExtras* out) const override {
    if (secret_.empty()) return absl::OkStatus();
    out->header_lines.push_back(
        absl::StrCat("Authorization: Bearer ", ZhipuJwt(id_, secret_, wall_ns / 1'000'000)));
    return absl::OkStatus();
  }

  std::unique_ptr<ResponseDecoder> NewDecoder() const override { return openai_->NewDecoder(); }

 private:
  const std::string url_;
  const std::unique_ptr<ApiAdapter> openai_;
  const std::string id_;      // of an id.secret key; never sent as such
  const std::string secret_;  // empty: the key (if any) is sent as a Bearer key
};

}  // namespace

bool SplitZhipuKey(absl::string_view key, absl::string_view* id, absl::string_view* secret) {
  const size_t dot = key.find('.');
  if (dot == absl::string_view::npos || dot == 0 || dot + 1 == key.size() ||
      key.find('.', dot + 1) != absl::string_view::npos) {
    return false;
  }
  *id = key.substr(0, dot);
  *secret = key.substr(dot + 1);
  return true;
}

std::string ZhipuJwt(absl::string_view id, absl::string_view secret, int64_t now_ms,
                     int64_t ttl_ms) {
  // The id is the user's: escaped as a JSON string whatever it holds.
  const std::string payload = absl::StrCat(
      R"({"api_key":)",
      nlohmann::json(std::string(id))
          .dump(-1, ' ', /*ensure_ascii=*/true, nlohmann::json::error_handler_t::replace),
      R"(,"exp":)", now_ms + ttl_ms, R"(,"timestamp":)", now_ms, "}");
  std::string token =
      absl::StrCat(absl::WebSafeBase64Escape(kJwtHeader), ".", absl::WebSafeBase64Escape(payload));
  absl::StrAppend(&token, ".", absl::WebSafeBase64Escape(HmacSha256(secret, token)));
  return token;
}

absl::StatusOr<std::unique_ptr<ApiAdapter>> CreateZhipuAdapter(const WorkloadSpec& spec) {
  absl::StatusOr<std::string> url = ResolveApiUrl(spec.url, kDefaultPath);
  if (!url.ok()) return url.status();
  if (absl::Status s = CheckCredentialHeader(spec, "Authorization", "the API key"); !s.ok()) {
    return s;
  }
  // The request is OpenAI's, built from the same flags, for the URL resolved above; with an
  // id.secret key it carries no key (Sign adds the token).
  WorkloadSpec openai_spec = spec;
  openai_spec.prompts.clear();
  openai_spec.api = "openai-chat";
  openai_spec.api_options.clear();
  openai_spec.url = *url;
  absl::string_view id;
  absl::string_view secret;
  const bool jwt = SplitZhipuKey(spec.api_key, &id, &secret);
  if (jwt) openai_spec.api_key.clear();
  absl::StatusOr<std::unique_ptr<ApiAdapter>> openai = CreateOpenAiChatAdapter(openai_spec);
  if (!openai.ok()) return openai.status();
  return std::make_unique<ZhipuAdapter>(*std::move(url), *std::move(openai),
                                        jwt ? std::string(id) : std::string(),
                                        jwt ? std::string(secret) : std::string());
}

}  // namespace llmload
