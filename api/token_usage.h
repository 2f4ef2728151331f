// Token counts a server reported for one request (OpenAI `usage`), shared by the API decoders
// that read them and the request metrics that prefer them over counted chunks, and the one
// check that decides whether a reported usage may be summed: a hostile or broken server must
// not be able to put a negative or absurd count into the run's totals.
#ifndef LLMLOAD_AGENT_TOKEN_USAGE_H_
#define LLMLOAD_AGENT_TOKEN_USAGE_H_

#include <cstdint>

namespace llmload {

struct TokenUsage {
  int64_t prompt_tokens = 0;  // 0 when the server left it out
  int64_t completion_tokens = 0;
  friend bool operator==(const TokenUsage&, const TokenUsage&) = default;
};

// The largest token count believed: no request has a billion tokens of either kind.
inline constexpr int64_t kMaxReportedTokens = 1'000'000'000;

enum class UsageVerdict : uint8_t {
  kValid,
  kNegative,       // a negative count
  kTooLarge,       // a count above kMaxReportedTokens
  kMoreThanBytes,  // more completion tokens than response bytes: each token takes a byte
};

// Whether `usage` may be summed, for a response of `response_bytes` body bytes. Only kValid
// is; any other verdict makes the request malformed_usage (error_class.h), as does a count
// that is not a JSON integer (1.5, "12", true), which the decoder reports before a TokenUsage
// exists (OpenAiStreamDecoder::usage_invalid()).
UsageVerdict CheckUsage(const TokenUsage& usage, int64_t response_bytes);

}  // namespace llmload

#endif  // LLMLOAD_AGENT_TOKEN_USAGE_H_
