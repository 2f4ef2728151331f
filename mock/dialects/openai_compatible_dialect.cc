#include "mock/dialects/openai_compatible_dialect.h"

#include "mock/dialects/openai_writer.h"

namespace llmload::mock {
namespace {

constexpr MockRoute kDashScopeCompatibleRoutes[] = {
    {"POST", "/compatible-mode/v1/chat/completions", static_cast<int>(CompletionApi::kChat)},
};

}  // namespace

std::optional<ApiError> OpenAiCompatibleDialect::ParseRequest(const HttpRequest& request,
                                                              const MockRoute& /*route*/,
                                                              const RouteCaptures& /*captures*/,
                                                              MockRequest* out) {
  return parser_.Parse(CompletionApi::kChat, request.body, out);
}

std::unique_ptr<MockResponseWriter> OpenAiCompatibleDialect::NewWriter() const {
  return std::make_unique<CompletionWriter>();
}

void OpenAiCompatibleDialect::RenderError(const ApiError& error, MockReply* out) const {
  out->body = error.Body();
}

DashScopeCompatibleDialect::DashScopeCompatibleDialect()
    : OpenAiCompatibleDialect(kDashScopeCompatibleRoutes) {}

}  // namespace llmload::mock
