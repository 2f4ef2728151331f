// OllamaDialect: Ollama's native API as the mock speaks it: POST /api/chat and
// POST /api/generate, streamed as NDJSON (application/x-ndjson, one object per line, streaming
// unless the body says "stream": false, as Ollama does) or answered with one object, the
// last of which is `done: true` with done_reason, prompt_eval_count, eval_count and the
// *_duration fields (ns) taken from the mock's own latency model: prompt_eval_duration is the
// time to the first token, eval_duration the rest, total_duration their sum, load_duration 0
// (the model is always loaded). GET /api/tags lists --model. Errors are Ollama's
// {"error": "..."}. OllamaWriter formats the answers.
#ifndef LLMLOAD_MOCK_DIALECTS_OLLAMA_DIALECT_H_
#define LLMLOAD_MOCK_DIALECTS_OLLAMA_DIALECT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "mock/dialects/mock_dialect.h"
#include "simdjson.h"

namespace llmload::mock {

enum class OllamaEndpoint { kChat, kGenerate, kTags };

class OllamaDialect final : public MockDialect {
 public:
  absl::Span<const MockRoute> routes() const override;
  std::optional<ApiError> ParseRequest(const HttpRequest& request, const MockRoute& route,
                                       const RouteCaptures& captures, MockRequest* out) override;
  std::optional<ApiError> AnswerInfo(const HttpRequest& request, const MockRoute& route,
                                     const MockInfo& info, MockReply* out) override;
  absl::string_view IdPrefix(const MockRequest& request) const override { return "ollama-"; }
  std::unique_ptr<MockResponseWriter> NewWriter() const override;
  ApiError InjectedError(int status, absl::string_view model) const override;
  void RenderError(const ApiError& error, MockReply* out) const override;

  // Parses a body of `endpoint` (kChat or kGenerate).
  std::optional<ApiError> Parse(OllamaEndpoint endpoint, absl::string_view body, MockRequest* out);

 private:
  simdjson::dom::parser parser_;
};

class OllamaWriter final : public MockResponseWriter {
 public:
  void Begin(const MockRequest& request, absl::string_view id, int64_t created,
             bool chunked) override;
  absl::string_view stream_content_type() const override { return "application/x-ndjson"; }
  absl::string_view body_content_type() const override { return "application/json; charset=utf-8"; }
  void AppendToken(absl::string_view escaped_token, std::string* out) override;
  int AppendFinish(const MockOutcome& outcome, std::string* out) override;
  void AppendBody(absl::string_view escaped_text, const MockOutcome& outcome,
                  std::string* out) override;

 private:
  // ,"done_reason":..,"done":true, the counts and durations, and the closing brace.
  void AppendDone(const MockOutcome& outcome, std::string* out) const;

  bool chunked_ = true;
  bool chat_ = true;
  std::string head_;  // {"model":..,"created_at":..,
  std::string
      token_prefix_;  // head_ + "message":{"role":"assistant","content":"  (or "response":")
  std::string token_suffix_;  // "},"done":false}\n  (or ","done":false}\n)
};

}  // namespace llmload::mock

#endif  // LLMLOAD_MOCK_DIALECTS_OLLAMA_DIALECT_H_
