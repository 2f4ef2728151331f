// Per-request timing, exactly as METRICS.md defines it: TTFT, ITL samples, TPOT and end-to-end
// latency from monotonic timestamps (int64 nanoseconds) that the event loop feeds as the
// response arrives. Pure arithmetic with no clock and no allocation, so that every definition is
// unit-tested on synthetic times.
//
// Send time: in open-loop (rate) mode latency is measured from the *scheduled* send time so that
// queuing in the load generator cannot hide (coordinated omission); the figures from the actual
// send time are kept as the "uncorrected" ones. In closed loop both are the same.
//
// ITL samples are returned one by one from OnContentChunk() for the caller to record into its
// histogram; the request itself keeps only their count, sum, min and max. Note that chunks that
// arrive in the same read get the same timestamp and hence zero gaps, and a chunk may carry more
// than one token (speculative decoding): ITL is per chunk, TPOT per token.
#ifndef LLMLOAD_AGENT_REQUEST_METRICS_H_
#define LLMLOAD_AGENT_REQUEST_METRICS_H_

#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"
#include "api/token_usage.h"

namespace llmload {

// Where output_tokens came from (the JSON summary's "token_source").
enum class TokenSource : uint8_t {
  kUsage,   // the server's `usage`
  kChunks,  // counted content chunks: an approximation when chunks carry several tokens
};

// "usage" or "chunks".
absl::string_view TokenSourceName(TokenSource source);

class RequestTiming {
 public:
  // Starts a request. `send_ns` is the time latency is measured from (the scheduled time in open
  // loop); `actual_send_ns` is when it really went out. Clears any previous request.
  void Start(int64_t send_ns, int64_t actual_send_ns);
  void Start(int64_t send_ns) { Start(send_ns, send_ns); }

  // A chunk carrying generated content arrived at `now_ns`. The first one sets TTFT and returns
  // nullopt; each later one returns the gap from the previous content chunk: one ITL sample.
  std::optional<int64_t> OnContentChunk(int64_t now_ns);

  // The response's last byte arrived (or the request ended otherwise) at `now_ns`.
  void OnEnd(int64_t now_ns);

  int64_t send_ns() const { return send_ns_; }
  int64_t actual_send_ns() const { return actual_send_ns_; }
  bool has_first_chunk() const { return content_chunks_ > 0; }
  int64_t first_chunk_ns() const { return first_chunk_ns_; }
  int64_t last_chunk_ns() const { return last_chunk_ns_; }
  int64_t content_chunks() const { return content_chunks_; }
  bool ended() const { return ended_; }
  int64_t end_ns() const { return end_ns_; }
  int64_t itl_count() const { return itl_count_; }
  int64_t itl_sum_ns() const { return itl_sum_ns_; }
  int64_t itl_min_ns() const { return itl_min_ns_; }  // 0 when there is no sample
  int64_t itl_max_ns() const { return itl_max_ns_; }

 private:
  int64_t send_ns_ = 0;
  int64_t actual_send_ns_ = 0;
  int64_t first_chunk_ns_ = 0;
  int64_t last_chunk_ns_ = 0;
  int64_t end_ns_ = 0;
  int64_t content_chunks_ = 0;
  int64_t itl_count_ = 0;
  int64_t itl_sum_ns_ = 0;
  int64_t itl_min_ns_ = 0;
  int64_t itl_max_ns_ = 0;
  bool ended_ = false;
};

// The per-request figures that go into the histograms and the per-request records.
struct RequestMetrics {
  int64_t e2e_ns = 0;              // send -> end
  int64_t e2e_uncorrected_ns = 0;  // actual send -> end
  std::optional<int64_t> ttft_ns;  // send -> first content chunk; absent without content
  std::optional<int64_t> ttft_uncorrected_ns;
  // (end - first content chunk) / (output_tokens - 1); absent unless TTFT exists and
  // output_tokens > 1. Truncated to whole nanoseconds.
  std::optional<int64_t> tpot_ns;
  int64_t output_tokens = 0;
  std::optional<int64_t> input_tokens;  // only the server knows it (no tokenizer here)
  TokenSource token_source = TokenSource::kChunks;
  int64_t content_chunks = 0;
  int64_t itl_count = 0;
  int64_t itl_sum_ns = 0;
  int64_t itl_min_ns = 0;
  int64_t itl_max_ns = 0;
};

// Combines the timing with the server's usage, when it sent one: output_tokens comes from usage
// if present, else from the counted content chunks. Call after OnEnd(); before it, e2e is 0.
RequestMetrics ComputeRequestMetrics(const RequestTiming& timing,
                                     const std::optional<TokenUsage>& usage);

}  // namespace llmload

#endif  // LLMLOAD_AGENT_REQUEST_METRICS_H_
