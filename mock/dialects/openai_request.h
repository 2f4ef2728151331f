// CompletionRequestParser (the OpenAI dialect's request parsing): reads and validates the JSON body
// of POST /v1/chat/completions and POST /v1/completions (simdjson DOM, one parser reused per event
// loop), extracting only what the mock needs: model, stream, stream_options.include_usage, the
// output-token limit and an estimate of the prompt's token count. Invalid bodies yield the ApiError
// OpenAI would return.
#ifndef LLMLOAD_MOCK_DIALECTS_OPENAI_REQUEST_H_
#define LLMLOAD_MOCK_DIALECTS_OPENAI_REQUEST_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "mock/api_error.h"
#include "mock/dialects/mock_dialect.h"

namespace llmload::mock {

enum class CompletionApi { kChat, kCompletions };

// The OpenAI dialect's requests are MockRequests whose variant is a CompletionApi.
using CompletionRequest = MockRequest;

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

#endif  // LLMLOAD_MOCK_DIALECTS_OPENAI_REQUEST_H_
