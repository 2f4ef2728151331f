// Token counts a server reported for one request (OpenAI `usage`), shared by the API decoders
// that read them and the request metrics that prefer them over counted chunks.
#ifndef LLMLOAD_AGENT_TOKEN_USAGE_H_
#define LLMLOAD_AGENT_TOKEN_USAGE_H_

#include <cstdint>

namespace llmload {

struct TokenUsage {
  int64_t prompt_tokens = 0;  // 0 when the server left it out
  int64_t completion_tokens = 0;
  friend bool operator==(const TokenUsage&, const TokenUsage&) = default;
};

}  // namespace llmload

#endif  // LLMLOAD_AGENT_TOKEN_USAGE_H_
