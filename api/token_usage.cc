#include "api/token_usage.h"

#include <initializer_list>

namespace llmload {

UsageVerdict CheckUsage(const TokenUsage& usage, int64_t response_bytes) {
  for (int64_t n : {usage.prompt_tokens, usage.completion_tokens}) {
    if (n < 0) return UsageVerdict::kNegative;
    if (n > kMaxReportedTokens) return UsageVerdict::kTooLarge;
  }
  if (usage.completion_tokens > response_bytes) return UsageVerdict::kMoreThanBytes;
  return UsageVerdict::kValid;
}

}  // namespace llmload
