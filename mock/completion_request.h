// CompletionRequestParser: reads and validates the JSON body of POST /v1/chat/completions and
// POST /v1/completions (simdjson DOM, one parser reused per event loop), extracting only what
// the mock needs: model, stream, stream_options.include_usage, the output-token limit and an
// estimate of the prompt's token count. Invalid bodies yield the ApiError OpenAI would return.
#ifndef LLMLOAD_MOCK_COMPLETION_REQUEST_H_
#define LLMLOAD_MOCK_COMPLETION_REQUEST_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "mock/api_error.h"

namespace llmload::mock {

enum class CompletionApi { kChat, kCompletions };

// Requests asking for more output tokens than this are refused, as a real model would,
// so that one request cannot make the mock build a gigantic response.
inline constexpr int64_t kMaxOutputTokenLimit = 1 << 20;

struct CompletionRequest {
  CompletionApi api = CompletionApi::kChat;
  std::string model;
  bool stream = false;
  bool include_usage = false;         // stream_options.include_usage
  std::optional<int64_t> max_tokens;  // max_completion_tokens, else max_tokens
  int64_t prompt_tokens = 1;          // EstimatePromptTokens over the prompt text
};

// The prompt-token estimate: ceil(UTF-8 bytes / 4), at least 1 (OpenAI's rule of thumb of
// about four characters of English per token).
int64_t EstimatePromptTokens(uint64_t utf8_bytes);

class CompletionRequestParser {
 public:
  CompletionRequestParser();
  ~CompletionRequestParser();
  CompletionRequestParser(const CompletionRequestParser&) = delete;
  CompletionRequestParser& operator=(const CompletionRequestParser&) = delete;

  // Parses `body`; fills `*out` and returns nullopt, or returns the error to answer with.
  std::optional<ApiError> Parse(CompletionApi api, absl::string_view body, CompletionRequest* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace llmload::mock

#endif  // LLMLOAD_MOCK_COMPLETION_REQUEST_H_
