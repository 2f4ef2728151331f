// SummarizeDialect: the custom endpoint of seed 000, POST /summarize?model=X taking
// {"text": ...} and answering {"summary": ...}, a FastAPI-style service the custom-endpoint
// adapter (--api http-json) is tested against. The mock adds what such services commonly
// have: "max_tokens" in the request, "usage": {"input_tokens","output_tokens"} in the answer,
// and a streamed variant ("stream": true) in NDJSON, one {"summary": token, "done": false} line
// per token and a last {"summary": "", "done": true, "usage": ...}. Errors are FastAPI's
// {"detail": message}.
#ifndef LLMLOAD_MOCK_DIALECTS_SUMMARIZE_DIALECT_H_
#define LLMLOAD_MOCK_DIALECTS_SUMMARIZE_DIALECT_H_

#include <memory>
#include <optional>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "mock/dialects/mock_dialect.h"
#include "simdjson.h"

namespace llmload::mock {

class SummarizeDialect final : public MockDialect {
 public:
  absl::Span<const MockRoute> routes() const override;
  std::optional<ApiError> ParseRequest(const HttpRequest& request, const MockRoute& route,
                                       const RouteCaptures& captures, MockRequest* out) override;
  absl::string_view IdPrefix(const MockRequest& request) const override { return "sum-"; }
  std::unique_ptr<MockResponseWriter> NewWriter() const override;
  void RenderError(const ApiError& error, MockReply* out) const override;

 private:
  simdjson::dom::parser parser_;
};

}  // namespace llmload::mock

#endif  // LLMLOAD_MOCK_DIALECTS_SUMMARIZE_DIALECT_H_
