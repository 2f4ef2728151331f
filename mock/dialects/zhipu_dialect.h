// ZhipuDialect: Zhipu AI's v4 chat API (POST /api/paas/v4/chat/completions), OpenAI-shaped
// (openai_compatible_dialect.h), whose clients authenticate with a JWT made from an `id.secret`
// key: HS256 over base64url(header).base64url(payload), the payload {"api_key": id, "exp",
// "timestamp"} in Unix ms, sent as `Authorization: Bearer <JWT>` (or bare, as Zhipu's older
// SDK did).
//
// The mock verifies tokens when it knows the key: the `id.secret` in its environment variable
// LLMLOAD_MOCK_ZHIPU_KEY (dialects are made without the mock's flags; an environment variable
// keeps the secret off the command line too). Then a request without Authorization, or whose
// token is not a JWT, is for another id, has expired, or is signed with another secret, gets
// 401 with Zhipu's error body {"error":{"code":"100x","message":...}}. Without the variable,
// every request is accepted, as on the other OpenAI-shaped paths.
#ifndef LLMLOAD_MOCK_DIALECTS_ZHIPU_DIALECT_H_
#define LLMLOAD_MOCK_DIALECTS_ZHIPU_DIALECT_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "mock/dialects/openai_compatible_dialect.h"
#include "simdjson.h"

namespace llmload::mock {

inline constexpr absl::string_view kZhipuKeyEnv = "LLMLOAD_MOCK_ZHIPU_KEY";

class ZhipuDialect final : public OpenAiCompatibleDialect {
 public:
  ZhipuDialect();  // reads kZhipuKeyEnv
  // Verifies with `key` ("id.secret"; anything else: no verification).
  explicit ZhipuDialect(absl::string_view key);

  std::optional<ApiError> Authorize(const HttpRequest& request, const MockRoute& route,
                                    absl::Time now) override;
  // Zhipu's rate-limit wording and code for --error-status 429.
  ApiError InjectedError(int status, absl::string_view model) const override;
  // {"error":{"code","message"}}: the code is the error's, else its type.
  void RenderError(const ApiError& error, MockReply* out) const override;

  // Why `token` is refused at `now_ms` (Unix ms), or nullopt when it is valid.
  std::optional<ApiError> CheckToken(absl::string_view token, int64_t now_ms);

 private:
  std::string id_;
  std::string secret_;   // empty: no verification
  std::string decoded_;  // the payload's JSON, reused
  simdjson::dom::parser parser_;
};

}  // namespace llmload::mock

#endif  // LLMLOAD_MOCK_DIALECTS_ZHIPU_DIALECT_H_
