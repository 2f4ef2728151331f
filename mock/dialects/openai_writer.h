// CompletionWriter (the OpenAI dialect's MockResponseWriter): formats one completion
// response in OpenAI's exact shape, either as a stream (each Server-Sent Event `data: {...}\n\n` in
// its own HTTP chunk) or as one JSON body. Begin() pre-renders the parts every chunk shares (id,
// object, created, model, fingerprint), so sending a token only copies bytes into the output
// buffer: no allocation once the buffers have grown, and no JSON library on the per-token path.
#ifndef LLMLOAD_MOCK_DIALECTS_OPENAI_WRITER_H_
#define LLMLOAD_MOCK_DIALECTS_OPENAI_WRITER_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "mock/dialects/mock_dialect.h"
#include "mock/dialects/openai_request.h"

namespace llmload::mock {

inline constexpr absl::string_view kSystemFingerprint = "fp_llmload_mock";

class CompletionWriter final : public MockResponseWriter {
 public:
  // MockResponseWriter: the variant is the CompletionApi; include_usage from the request.
  void Begin(const MockRequest& request, absl::string_view id, int64_t created,
             bool chunked) override;
  // The role chunk (chat only).
  int AppendPrelude(std::string* out) override;
  void AppendToken(absl::string_view escaped_token, std::string* out) override {
    AppendTokenChunk(escaped_token, out);
  }
  // Finish chunk, usage chunk (with include_usage), [DONE] and the last chunk.
  int AppendFinish(const MockOutcome& outcome, std::string* out) override;
  void AppendBody(absl::string_view escaped_text, const MockOutcome& outcome,
                  std::string* out) override {
    AppendBody(escaped_text, outcome.length, outcome.prompt_tokens, outcome.completion_tokens, out);
  }

  // Prepares a response. `id` is the full id ("chatcmpl-..." or "cmpl-..."). With
  // `include_usage` every streamed chunk carries "usage":null and a usage chunk ends the
  // stream. With `chunked` false (HTTP/1.0 clients) events are written without chunk framing.
  void Begin(CompletionApi api, absl::string_view id, int64_t created, absl::string_view model,
             bool include_usage, bool chunked);

  // Streaming events, each appended as one HTTP chunk.
  void AppendRoleChunk(std::string* out) const;  // chat only: delta {role, content:""}
  void AppendTokenChunk(absl::string_view escaped_token, std::string* out) const;
  void AppendFinishChunk(bool length, std::string* out) const;
  void AppendUsageChunk(int64_t prompt_tokens, int64_t completion_tokens, std::string* out) const;
  // `data: [DONE]` and, when chunked, the zero chunk that ends the body.
  void AppendDone(std::string* out) const;

  // The non-streaming body (chat.completion / text_completion) with usage.
  void AppendBody(absl::string_view escaped_text, bool length, int64_t prompt_tokens,
                  int64_t completion_tokens, std::string* out) const;

 private:
  // Appends one SSE event whose JSON is the concatenation of the pieces.
  void AppendEvent(absl::string_view a, absl::string_view b, absl::string_view c,
                   std::string* out) const;

  CompletionApi api_ = CompletionApi::kChat;
  bool chunked_ = true;
  bool include_usage_ = false;
  std::string id_model_;      // "id":"..","object":"<non-stream>","created":N,"model":..,...
  std::string chunk_head_;    // {"id":..,"object":"<chunk object>",...,"choices":[
  std::string token_prefix_;  // chunk_head_ + {"index":0,"delta":{"content":"  (or "text":")
  std::string choice_tail_;   // "logprobs":null,"finish_reason":null}]<,"usage":null>}
  std::string token_suffix_;  // "}, + choice_tail_    (closes content/delta)
  std::string usage_null_;    // ,"usage":null or empty
};

}  // namespace llmload::mock

#endif  // LLMLOAD_MOCK_DIALECTS_OPENAI_WRITER_H_
