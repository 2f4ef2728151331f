// OpenAiCompatibleDialect: an OpenAI-shaped chat API served on another path: DashScope's
// compatible mode (POST /compatible-mode/v1/chat/completions) and, with its own credentials
// check, Zhipu's v4 API (zhipu_dialect.h). Requests are parsed by the OpenAI dialect's
// CompletionRequestParser and answered by its CompletionWriter, so every client of OpenAI's
// API (the `openai` npm package with another baseURL) reads them as it reads OpenAI's.
#ifndef LLMLOAD_MOCK_DIALECTS_OPENAI_COMPATIBLE_DIALECT_H_
#define LLMLOAD_MOCK_DIALECTS_OPENAI_COMPATIBLE_DIALECT_H_

#include <memory>
#include <optional>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "mock/dialects/mock_dialect.h"
#include "mock/dialects/openai_request.h"

namespace llmload::mock {

class OpenAiCompatibleDialect : public MockDialect {
 public:
  // `routes` (static storage) all have the variant CompletionApi::kChat.
  explicit OpenAiCompatibleDialect(absl::Span<const MockRoute> routes) : routes_(routes) {}

  absl::Span<const MockRoute> routes() const override { return routes_; }
  std::optional<ApiError> ParseRequest(const HttpRequest& request, const MockRoute& route,
                                       const RouteCaptures& captures, MockRequest* out) override;
  absl::string_view IdPrefix(const MockRequest& request) const override { return "chatcmpl-"; }
  std::unique_ptr<MockResponseWriter> NewWriter() const override;
  void RenderError(const ApiError& error, MockReply* out) const override;

 private:
  const absl::Span<const MockRoute> routes_;
  CompletionRequestParser parser_;
};

// DashScope's OpenAI-compatible mode.
class DashScopeCompatibleDialect final : public OpenAiCompatibleDialect {
 public:
  DashScopeCompatibleDialect();
};

}  // namespace llmload::mock

#endif  // LLMLOAD_MOCK_DIALECTS_OPENAI_COMPATIBLE_DIALECT_H_
