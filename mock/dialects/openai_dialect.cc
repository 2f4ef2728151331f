#include "mock/dialects/openai_dialect.h"

#include "mock/dialects/openai_writer.h"

namespace llmload::mock {
namespace {

constexpr MockRoute kRoutes[] = {
    {"POST", "/v1/chat/completions", static_cast<int>(CompletionApi::kChat),
     &MockCounters::chat_completions_requests},
    {"POST", "/v1/completions", static_cast<int>(CompletionApi::kCompletions),
     &MockCounters::completions_requests},
};

}  // namespace

absl::Span<const MockRoute> OpenAiDialect::routes() const { return kRoutes; }

std::optional<ApiError> OpenAiDialect::ParseRequest(const HttpRequest& request,
                                                    const MockRoute& route,
                                                    const RouteCaptures& /*captures*/,
                                                    MockRequest* out) {
  return parser_.Parse(static_cast<CompletionApi>(route.variant), request.body, out);
}

absl::string_view OpenAiDialect::IdPrefix(const MockRequest& request) const {
  return static_cast<CompletionApi>(request.variant) == CompletionApi::kChat ? "chatcmpl-"
                                                                             : "cmpl-";
}

std::unique_ptr<MockResponseWriter> OpenAiDialect::NewWriter() const {
  return std::make_unique<CompletionWriter>();
}

void OpenAiDialect::RenderError(const ApiError& error, MockReply* out) const {
  out->body = error.Body();
}

}  // namespace llmload::mock
