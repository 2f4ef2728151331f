// AnthropicDialect: the Anthropic Messages API (POST /v1/messages), streamed and not. Requests
// are checked as Anthropic checks them (model, max_tokens and a non-empty messages array are
// required; roles are user or assistant; content is a string or an array of blocks; system a
// string or an array of text blocks), and every error is Anthropic's shape,
// {"type":"error","error":{"type","message"}}, with the type its status has (429
// rate_limit_error, 529 overloaded_error, 500 api_error, ...). Responses are AnthropicWriter's.
// Credentials are not checked: x-api-key is accepted whatever it is, or absent.
#ifndef LLMLOAD_MOCK_DIALECTS_ANTHROPIC_DIALECT_H_
#define LLMLOAD_MOCK_DIALECTS_ANTHROPIC_DIALECT_H_

#include <memory>
#include <optional>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "mock/dialects/mock_dialect.h"
#include "simdjson.h"

namespace llmload::mock {

// Anthropic's error type for an HTTP status ("invalid_request_error", "overloaded_error", ...).
absl::string_view AnthropicErrorType(int http_status);

class AnthropicDialect final : public MockDialect {
 public:
  absl::Span<const MockRoute> routes() const override;
  std::optional<ApiError> ParseRequest(const HttpRequest& request, const MockRoute& route,
                                       const RouteCaptures& captures, MockRequest* out) override;
  absl::string_view IdPrefix(const MockRequest& request) const override { return "msg_"; }
  std::unique_ptr<MockResponseWriter> NewWriter() const override;
  ApiError InjectedError(int status, absl::string_view model) const override;
  void RenderError(const ApiError& error, MockReply* out) const override;

 private:
  simdjson::dom::parser parser_;
};

}  // namespace llmload::mock

#endif  // LLMLOAD_MOCK_DIALECTS_ANTHROPIC_DIALECT_H_
