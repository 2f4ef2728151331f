#include "api/openai_api.h"

#include "absl/strings/str_cat.h"

namespace llmload {

absl::string_view OpenAiApiName(OpenAiApi api) {
  return api == OpenAiApi::kChat ? "openai-chat" : "openai-completions";
}

absl::StatusOr<OpenAiApi> ParseOpenAiApi(absl::string_view text) {
  if (text == "chat" || text == "openai-chat") return OpenAiApi::kChat;
  if (text == "completions" || text == "openai-completions") return OpenAiApi::kCompletions;
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown api '", text, "' (use chat, completions, openai-chat or openai-completions)"));
}

}  // namespace llmload
