// TgiDialect: Hugging Face Text Generation Inference as the mock speaks it: POST
// /generate_stream (SSE, `data:{"index","token":{...},"generated_text":null,"details":null}` per
// token) and POST /generate (one JSON body), with `parameters.max_new_tokens` as the limit and
// `parameters.details` asking for the details TGI then sends: finish_reason ("length" or
// "eos_token"), generated_tokens, seed, and input_length (streamed) or, with
// `decoder_input_details`, one prefill entry per prompt token (not streamed). A stream ends
// with one event whose token is the special end-of-sequence token (not counted in
// generated_tokens, so usage equals the tokens sent) and whose generated_text is the whole
// text. GET /info describes the model. Errors are TGI's {"error", "error_type"} (422
// validation, 424 generation, 429 overloaded). TgiWriter formats the answers.
#ifndef LLMLOAD_MOCK_DIALECTS_TGI_DIALECT_H_
#define LLMLOAD_MOCK_DIALECTS_TGI_DIALECT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "mock/dialects/mock_dialect.h"
#include "simdjson.h"

namespace llmload::mock {

enum class TgiEndpoint { kGenerateStream, kGenerate, kInfo };

// MockRequest::flags of a TGI request.
inline constexpr uint32_t kTgiDetails = 1;              // parameters.details
inline constexpr uint32_t kTgiDecoderInputDetails = 2;  // parameters.decoder_input_details

class TgiDialect final : public MockDialect {
 public:
  absl::Span<const MockRoute> routes() const override;
  std::optional<ApiError> ParseRequest(const HttpRequest& request, const MockRoute& route,
                                       const RouteCaptures& captures, MockRequest* out) override;
  std::optional<ApiError> AnswerInfo(const HttpRequest& request, const MockRoute& route,
                                     const MockInfo& info, MockReply* out) override;
  absl::string_view IdPrefix(const MockRequest& request) const override { return "tgi-"; }
  std::unique_ptr<MockResponseWriter> NewWriter() const override;
  ApiError InjectedError(int status, absl::string_view model) const override;
  void RenderError(const ApiError& error, MockReply* out) const override;

  // Parses a body of `endpoint` (kGenerateStream or kGenerate).
  std::optional<ApiError> Parse(TgiEndpoint endpoint, absl::string_view body, MockRequest* out);

 private:
  simdjson::dom::parser parser_;
};

class TgiWriter final : public MockResponseWriter {
 public:
  void Begin(const MockRequest& request, absl::string_view id, int64_t created,
             bool chunked) override;
  void AppendToken(absl::string_view escaped_token, std::string* out) override;
  int AppendFinish(const MockOutcome& outcome, std::string* out) override;
  void AppendBody(absl::string_view escaped_text, const MockOutcome& outcome,
                  std::string* out) override;

 private:
  bool chunked_ = true;
  uint32_t flags_ = 0;
  int64_t index_ = 0;  // of the last token event
  std::string text_;   // the escaped text streamed so far, for the last event
};

}  // namespace llmload::mock

#endif  // LLMLOAD_MOCK_DIALECTS_TGI_DIALECT_H_
