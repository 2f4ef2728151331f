#include "agent/request_metrics.h"

#include <algorithm>

namespace llmload {

absl::string_view TokenSourceName(TokenSource source) {
  return source == TokenSource::kUsage ? "usage" : "chunks";
}

void RequestTiming::Start(int64_t send_ns, int64_t actual_send_ns) {
  *this = RequestTiming();
  send_ns_ = send_ns;
  actual_send_ns_ = actual_send_ns;
}

std::optional<int64_t> RequestTiming::OnContentChunk(int64_t now_ns) {
  if (content_chunks_++ == 0) {
    first_chunk_ns_ = last_chunk_ns_ = now_ns;
    return std::nullopt;
  }
  // A monotonic clock never goes back; clamping keeps a caller's mistake from giving a negative
  // sample that a histogram would reject.
  const int64_t gap = std::max<int64_t>(0, now_ns - last_chunk_ns_);
  last_chunk_ns_ = std::max(last_chunk_ns_, now_ns);
  itl_min_ns_ = itl_count_ == 0 ? gap : std::min(itl_min_ns_, gap);
  itl_max_ns_ = std::max(itl_max_ns_, gap);
  itl_sum_ns_ += gap;
  ++itl_count_;
  return gap;
}

void RequestTiming::OnEnd(int64_t now_ns) {
  end_ns_ = now_ns;
  ended_ = true;
}

RequestMetrics ComputeRequestMetrics(const RequestTiming& t,
                                     const std::optional<TokenUsage>& usage) {
  RequestMetrics m;
  if (t.ended()) {
    m.e2e_ns = std::max<int64_t>(0, t.end_ns() - t.send_ns());
    m.e2e_uncorrected_ns = std::max<int64_t>(0, t.end_ns() - t.actual_send_ns());
  }
  m.content_chunks = t.content_chunks();
  if (usage.has_value()) {
    m.output_tokens = usage->completion_tokens;
    m.input_tokens = usage->prompt_tokens;
    m.token_source = TokenSource::kUsage;
  } else {
    m.output_tokens = t.content_chunks();
    m.token_source = TokenSource::kChunks;
  }
  if (t.has_first_chunk()) {
    m.ttft_ns = std::max<int64_t>(0, t.first_chunk_ns() - t.send_ns());
    m.ttft_uncorrected_ns = std::max<int64_t>(0, t.first_chunk_ns() - t.actual_send_ns());
    if (m.output_tokens > 1 && t.ended()) {
      // e2e - TTFT, from the same base, is end - first chunk.
      const int64_t decode_ns = std::max<int64_t>(0, t.end_ns() - t.first_chunk_ns());
      m.tpot_ns = decode_ns / (m.output_tokens - 1);
    }
  }
  m.itl_count = t.itl_count();
  m.itl_sum_ns = t.itl_sum_ns();
  m.itl_min_ns = t.itl_min_ns();
  m.itl_max_ns = t.itl_max_ns();
  return m;
}

}  // namespace llmload
