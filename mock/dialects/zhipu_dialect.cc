#include "mock/dialects/zhipu_dialect.h"

#include <cstdlib>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "api/sha256.h"
#include "mock/json_escape.h"

namespace llmload::mock {
namespace {

constexpr MockRoute kRoutes[] = {
    {"POST", "/api/paas/v4/chat/completions", static_cast<int>(CompletionApi::kChat)},
};

ApiError Unauthorized(absl::string_view code, absl::string_view message) {
  return ApiError{401, std::string(message), "authentication_error", std::nullopt,
                  std::string(code)};
}

std::string KeyFromEnvironment() {
  const std::string name(kZhipuKeyEnv);
  const char* value = std::getenv(name.c_str());
  return value == nullptr ? std::string() : std::string(value);
}

}  // namespace

ZhipuDialect::ZhipuDialect() : ZhipuDialect(KeyFromEnvironment()) {}

ZhipuDialect::ZhipuDialect(absl::string_view key) : OpenAiCompatibleDialect(kRoutes) {
  const std::vector<absl::string_view> parts = absl::StrSplit(key, '.');
  if (parts.size() == 2 && !parts[0].empty() && !parts[1].empty()) {
    id_ = std::string(parts[0]);
    secret_ = std::string(parts[1]);
  }
}

std::optional<ApiError> ZhipuDialect::Authorize(const HttpRequest& request,
                                                const MockRoute& /*route*/, absl::Time now) {
  if (secret_.empty()) return std::nullopt;
  std::optional<absl::string_view> auth = request.Header("Authorization");
  if (!auth || absl::StripAsciiWhitespace(*auth).empty()) {
    return Unauthorized("1001", "Authorization header is missing: no authentication possible");
  }
  absl::string_view token = absl::StripAsciiWhitespace(*auth);
  if (absl::StartsWithIgnoreCase(token, "Bearer ")) {
    token = absl::StripLeadingAsciiWhitespace(token.substr(7));
  }
  return CheckToken(token, absl::ToUnixMillis(now));
}

std::optional<ApiError> ZhipuDialect::CheckToken(absl::string_view token, int64_t now_ms) {
  const std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3 || !absl::WebSafeBase64Unescape(parts[1], &decoded_)) {
    return Unauthorized("1002", "Authorization token is not valid (not a JWT)");
  }
  const std::string signing_input = absl::StrCat(parts[0], ".", parts[1]);
  if (absl::WebSafeBase64Escape(HmacSha256(secret_, signing_input)) != parts[2]) {
    return Unauthorized("1004", "Authorization token verification failed (signature)");
  }
  simdjson::dom::element root;
  std::string_view api_key;
  int64_t exp = 0;
  if (parser_.parse(decoded_).get(root) != simdjson::SUCCESS ||
      root["api_key"].get_string().get(api_key) != simdjson::SUCCESS ||
      root["exp"].get_int64().get(exp) != simdjson::SUCCESS) {
    return Unauthorized("1002", "Authorization token is not valid (payload)");
  }
  if (api_key != id_) {
    return Unauthorized("1000", "Authentication failed: unknown api_key");
  }
  if (exp <= now_ms) return Unauthorized("1003", "Authorization token has expired");
  return std::nullopt;
}

ApiError ZhipuDialect::InjectedError(int status, absl::string_view model) const {
  ApiError error = ApiError::Injected(status, model);
  if (status == 429) {
    error.message = absl::StrCat("Rate limit reached for ", model,
                                 ": too many concurrent requests (injected by llmload mock "
                                 "--error-rate)");
    error.code = "1302";
  } else if (status >= 500) {
    error.code = "500";
  }
  return error;
}

void ZhipuDialect::RenderError(const ApiError& error, MockReply* out) const {
  out->body = absl::StrCat("{\"error\":{\"code\":", JsonQuote(error.code.value_or(error.type)),
                           ",\"message\":", JsonQuote(error.message), "}}");
}

}  // namespace llmload::mock
