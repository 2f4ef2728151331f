// DashScopeDialect: Alibaba DashScope's native text-generation API,
// POST /api/v1/services/aigc/text-generation/generation. The request is {"model", "input":
// {"messages": [...]} or {"prompt"}, "parameters": {max_tokens, incremental_output,
// result_format, ...}}; it is streamed when the client sends `X-DashScope-SSE: enable` (or
// accepts text/event-stream), in the framing DashScopeWriter writes. Errors are DashScope's
// {"code", "message", "request_id"}: InvalidParameter for a bad request, Throttling.RateQuota
// for 429, InternalError for 5xx. (DashScope's OpenAI-compatible mode is
// openai_compatible_dialect.h.)
#ifndef LLMLOAD_MOCK_DIALECTS_DASHSCOPE_DIALECT_H_
#define LLMLOAD_MOCK_DIALECTS_DASHSCOPE_DIALECT_H_

#include <memory>
#include <optional>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "mock/dialects/mock_dialect.h"
#include "simdjson.h"

namespace llmload::mock {

class DashScopeDialect final : public MockDialect {
 public:
  absl::Span<const MockRoute> routes() const override;
  std::optional<ApiError> ParseRequest(const HttpRequest& request, const MockRoute& route,
                                       const RouteCaptures& captures, MockRequest* out) override;
  absl::string_view IdPrefix(const MockRequest& request) const override { return "ds-"; }
  std::unique_ptr<MockResponseWriter> NewWriter() const override;
  void RenderError(const ApiError& error, MockReply* out) const override;

 private:
  simdjson::dom::parser parser_;
};

// DashScope's code for an error: the error's own when it set one in DashScope's style,
// else by status (InvalidApiKey, Throttling.RateQuota, InternalError, InvalidParameter, ...).
absl::string_view DashScopeErrorCode(const ApiError& error);

}  // namespace llmload::mock

#endif  // LLMLOAD_MOCK_DIALECTS_DASHSCOPE_DIALECT_H_
