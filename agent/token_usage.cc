#include "agent/token_usage.h"

namespace llmload {

absl::string_view UsageVerdictName(UsageVerdict verdict) {
  switch (verdict) {
    case UsageVerdict::kValid:
      return "valid";
    case UsageVerdict::kNotInteger:
      return "not an integer";
    case UsageVerdict::kNegative:
      return "negative";
    case UsageVerdict::kTooLarge:
      return "too large";
    case UsageVerdict::kMoreThanBytes:
      return "more completion tokens than response bytes";
  }
  return "unknown";
}

UsageVerdict CheckUsage(const TokenUsage& usage, int64_t response_bytes) {
  for (int64_t n : {usage.prompt_tokens, usage.completion_tokens}) {
    if (n < 0) return UsageVerdict::kNegative;
    if (n > kMaxReportedTokens) return UsageVerdict::kTooLarge;
  }
  if (usage.completion_tokens > response_bytes) return UsageVerdict::kMoreThanBytes;
  return UsageVerdict::kValid;
}

}  // namespace llmload
