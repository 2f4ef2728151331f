// Which of the two OpenAI APIs an openai-* adapter speaks (api/openai_adapter.h).
#ifndef LLMLOAD_API_OPENAI_API_H_
#define LLMLOAD_API_OPENAI_API_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace llmload {

enum class OpenAiApi {
  kChat,         // POST /v1/chat/completions, "messages"
  kCompletions,  // POST /v1/completions, "prompt"
};

// "openai-chat" / "openai-completions", as in the JSON summary's "api" field.
absl::string_view OpenAiApiName(OpenAiApi api);

// Accepts "chat", "completions", "openai-chat", "openai-completions".
absl::StatusOr<OpenAiApi> ParseOpenAiApi(absl::string_view text);

}  // namespace llmload

#endif  // LLMLOAD_API_OPENAI_API_H_
