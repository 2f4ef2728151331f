// OpenAiDialect: the OpenAI chat-completions and legacy completions APIs
// (POST /v1/chat/completions, POST /v1/completions), the mock's first dialect. Parsing is
// CompletionRequestParser's, formatting CompletionWriter's, errors ApiError's own shape
// ({"error":{"message","type","param","code"}}). It is also the template for new dialects.
#ifndef LLMLOAD_MOCK_DIALECTS_OPENAI_DIALECT_H_
#define LLMLOAD_MOCK_DIALECTS_OPENAI_DIALECT_H_

#include <memory>
#include <optional>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "mock/dialects/mock_dialect.h"
#include "mock/dialects/openai_request.h"

namespace llmload::mock {

class OpenAiDialect final : public MockDialect {
 public:
  absl::Span<const MockRoute> routes() const override;
  std::optional<ApiError> ParseRequest(const HttpRequest& request, const MockRoute& route,
                                       const RouteCaptures& captures, MockRequest* out) override;
  absl::string_view IdPrefix(const MockRequest& request) const override;
  std::unique_ptr<MockResponseWriter> NewWriter() const override;
  void RenderError(const ApiError& error, MockReply* out) const override;

 private:
  CompletionRequestParser parser_;
};

}  // namespace llmload::mock

#endif  // LLMLOAD_MOCK_DIALECTS_OPENAI_DIALECT_H_
