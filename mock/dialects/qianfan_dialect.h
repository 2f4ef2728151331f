// The Qianfan (Baidu ERNIE) dialects of the mock.
//
// QianfanV1Dialect: the v1 ERNIE endpoints POST /rpc/2.0/ai_custom/v1/wenxinworkshop/chat/{model}
// ({"messages": [...]}) and .../completions/{model} ({"prompt": ...}): streamed as SSE events
// {"id","object","created","sentence_id","is_end","is_truncated","result","need_clear_history"},
// the last with is_end true, finish_reason and usage; not streamed, one such object. Errors are
// Qianfan's {"error_code": N, "error_msg": "..."} with status 200, as Qianfan sends them
// (an injected 429 is error 336501 "Rate limit reached for RPM"). It also issues OAuth tokens
// on POST /oauth/2.0/token. Credentials are checked when the mock's environment has them:
//   QIANFAN_AK + QIANFAN_SK: the token endpoint wants them as client_id/client_secret (else
//     401 {"error":"invalid_client",...}), and a v1 request's access_token must be the token
//     issued (else error 110 "Access token invalid or no longer valid");
//   QIANFAN_ACCESS_KEY + QIANFAN_SECRET_KEY: a v1 request without an access_token must carry a
//     valid bce-auth-v1 Authorization (api/bce_auth_signer.h) within its expiration (else 401,
//     error 14 "IAM Certification failed").
// Without them every request is allowed.
//
// QianfanV2Dialect: the OpenAI-compatible POST /v2/chat/completions (the OpenAI dialect's
// parser and writer); with QIANFAN_API_KEY in the environment it wants "Bearer <key>".
#ifndef LLMLOAD_MOCK_DIALECTS_QIANFAN_DIALECT_H_
#define LLMLOAD_MOCK_DIALECTS_QIANFAN_DIALECT_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "mock/dialects/mock_dialect.h"
#include "mock/dialects/openai_request.h"
#include "simdjson.h"

namespace llmload::mock {

class QianfanV1Dialect final : public MockDialect {
 public:
  QianfanV1Dialect();  // reads the keys from the environment

  absl::Span<const MockRoute> routes() const override;
  std::optional<ApiError> Authorize(const HttpRequest& request, const MockRoute& route,
                                    absl::Time now) override;
  std::optional<ApiError> ParseRequest(const HttpRequest& request, const MockRoute& route,
                                       const RouteCaptures& captures, MockRequest* out) override;
  std::optional<ApiError> AnswerInfo(const HttpRequest& request, const MockRoute& route,
                                     const MockInfo& info, MockReply* out) override;
  absl::string_view IdPrefix(const MockRequest& request) const override;
  std::unique_ptr<MockResponseWriter> NewWriter() const override;
  ApiError InjectedError(int status, absl::string_view model) const override;
  void RenderError(const ApiError& error, MockReply* out) const override;

  // The access token issued for the client id and secret (deterministic, so every event loop
  // issues and accepts the same one).
  static std::string TokenFor(absl::string_view client_id, absl::string_view client_secret);

 private:
  std::string oauth_ak_, oauth_sk_;  // QIANFAN_AK / QIANFAN_SK
  std::string bce_ak_, bce_sk_;      // QIANFAN_ACCESS_KEY / QIANFAN_SECRET_KEY
  simdjson::dom::parser parser_;
};

class QianfanV2Dialect final : public MockDialect {
 public:
  QianfanV2Dialect();  // reads QIANFAN_API_KEY from the environment

  absl::Span<const MockRoute> routes() const override;
  std::optional<ApiError> Authorize(const HttpRequest& request, const MockRoute& route,
                                    absl::Time now) override;
  std::optional<ApiError> ParseRequest(const HttpRequest& request, const MockRoute& route,
                                       const RouteCaptures& captures, MockRequest* out) override;
  absl::string_view IdPrefix(const MockRequest& request) const override { return "chatcmpl-"; }
  std::unique_ptr<MockResponseWriter> NewWriter() const override;
  void RenderError(const ApiError& error, MockReply* out) const override;

 private:
  std::string api_key_;
  CompletionRequestParser parser_;
};

}  // namespace llmload::mock

#endif  // LLMLOAD_MOCK_DIALECTS_QIANFAN_DIALECT_H_
