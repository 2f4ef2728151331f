#include "agent/request_metrics.h"

#include <vector>

#include "gtest/gtest.h"

namespace llmload {
namespace {

constexpr int64_t kMs = 1'000'000;

TEST(RequestTimingTest, TtftItlTpotE2eOnSyntheticTimes) {
  RequestTiming t;
  t.Start(0);
  std::vector<int64_t> itl;
  for (int64_t at : {20 * kMs, 25 * kMs, 30 * kMs}) {
    if (auto gap = t.OnContentChunk(at)) itl.push_back(*gap);
  }
  t.OnEnd(31 * kMs);
  EXPECT_EQ(itl, (std::vector<int64_t>{5 * kMs, 5 * kMs}));
  RequestMetrics m = ComputeRequestMetrics(t, std::nullopt);
  EXPECT_EQ(m.ttft_ns, 20 * kMs);
  EXPECT_EQ(m.e2e_ns, 31 * kMs);
  EXPECT_EQ(m.output_tokens, 3);
  EXPECT_EQ(m.token_source, TokenSource::kChunks);
  EXPECT_EQ(m.tpot_ns, (31 - 20) * kMs / 2);  // 5.5 ms
  EXPECT_EQ(m.itl_count, 2);
  EXPECT_EQ(m.itl_sum_ns, 10 * kMs);
  EXPECT_EQ(m.itl_min_ns, 5 * kMs);
  EXPECT_EQ(m.itl_max_ns, 5 * kMs);
  EXPECT_EQ(m.content_chunks, 3);
  EXPECT_FALSE(m.input_tokens.has_value());
}

TEST(RequestTimingTest, UsageOverridesChunkCount) {
  RequestTiming t;
  t.Start(1000 * kMs);
  t.OnContentChunk(1100 * kMs);
  t.OnContentChunk(1150 * kMs);  // two chunks, but the server says 11 tokens
  t.OnEnd(1200 * kMs);
  RequestMetrics m =
      ComputeRequestMetrics(t, TokenUsage{.prompt_tokens = 7, .completion_tokens = 11});
  EXPECT_EQ(m.token_source, TokenSource::kUsage);
  EXPECT_EQ(m.output_tokens, 11);
  EXPECT_EQ(m.input_tokens, 7);
  EXPECT_EQ(m.ttft_ns, 100 * kMs);
  EXPECT_EQ(m.tpot_ns, 100 * kMs / 10);
  EXPECT_EQ(m.itl_count, 1);
  EXPECT_EQ(m.content_chunks, 2);
}

TEST(RequestTimingTest, SingleTokenHasNoTpot) {
  RequestTiming t;
  t.Start(0);
  EXPECT_EQ(t.OnContentChunk(40 * kMs), std::nullopt);
  t.OnEnd(41 * kMs);
  RequestMetrics m = ComputeRequestMetrics(t, std::nullopt);
  EXPECT_EQ(m.ttft_ns, 40 * kMs);
  EXPECT_EQ(m.output_tokens, 1);
  EXPECT_FALSE(m.tpot_ns.has_value());
  EXPECT_EQ(m.itl_count, 0);
  EXPECT_EQ(m.itl_min_ns, 0);
  // One token by usage, however many chunks: still no TPOT.
  t.Start(0);
  t.OnContentChunk(1 * kMs);
  t.OnContentChunk(2 * kMs);
  t.OnEnd(3 * kMs);
  EXPECT_FALSE(ComputeRequestMetrics(t, TokenUsage{3, 1}).tpot_ns.has_value());
}

TEST(RequestTimingTest, NoContentMeansNoTtftNorTpot) {
  RequestTiming t;
  t.Start(0);
  t.OnEnd(50 * kMs);
  RequestMetrics m = ComputeRequestMetrics(t, TokenUsage{5, 4});
  EXPECT_FALSE(m.ttft_ns.has_value());
  EXPECT_FALSE(m.tpot_ns.has_value());
  EXPECT_EQ(m.e2e_ns, 50 * kMs);
  EXPECT_EQ(m.output_tokens, 4);  // the server's count stands even without content chunks
  RequestMetrics none = ComputeRequestMetrics(t, std::nullopt);
  EXPECT_EQ(none.output_tokens, 0);
}

TEST(RequestTimingTest, ScheduledAndActualSendTimes) {
  RequestTiming t;
  // Scheduled at 100 ms, sent late at 130 ms (the generator was behind).
  t.Start(100 * kMs, 130 * kMs);
  t.OnContentChunk(150 * kMs);
  t.OnContentChunk(160 * kMs);
  t.OnEnd(170 * kMs);
  RequestMetrics m = ComputeRequestMetrics(t, std::nullopt);
  EXPECT_EQ(m.e2e_ns, 70 * kMs);
  EXPECT_EQ(m.e2e_uncorrected_ns, 40 * kMs);
  EXPECT_EQ(m.ttft_ns, 50 * kMs);
  EXPECT_EQ(m.ttft_uncorrected_ns, 20 * kMs);
  EXPECT_EQ(m.tpot_ns, 20 * kMs);  // independent of the base
}

TEST(RequestTimingTest, ItlMinMaxAndSameReadChunks) {
  RequestTiming t;
  t.Start(0);
  t.OnContentChunk(10);
  EXPECT_EQ(t.OnContentChunk(17), 7);
  EXPECT_EQ(t.OnContentChunk(17), 0);  // same read, same timestamp
  EXPECT_EQ(t.OnContentChunk(40), 23);
  EXPECT_EQ(t.OnContentChunk(35), 0);  // a clock going back is clamped, not negative
  EXPECT_EQ(t.itl_count(), 4);
  EXPECT_EQ(t.itl_min_ns(), 0);
  EXPECT_EQ(t.itl_max_ns(), 23);
  EXPECT_EQ(t.itl_sum_ns(), 30);
  EXPECT_EQ(t.last_chunk_ns(), 40);
}

TEST(RequestTimingTest, StartClearsThePreviousRequest) {
  RequestTiming t;
  t.Start(0);
  t.OnContentChunk(5);
  t.OnContentChunk(9);
  t.OnEnd(10);
  t.Start(100);
  EXPECT_FALSE(t.has_first_chunk());
  EXPECT_FALSE(t.ended());
  EXPECT_EQ(t.itl_count(), 0);
  EXPECT_EQ(t.OnContentChunk(130), std::nullopt);
  t.OnEnd(140);
  RequestMetrics m = ComputeRequestMetrics(t, std::nullopt);
  EXPECT_EQ(m.ttft_ns, 30);
  EXPECT_EQ(m.e2e_ns, 40);
}

TEST(RequestTimingTest, TokenSourceNames) {
  EXPECT_EQ(TokenSourceName(TokenSource::kUsage), "usage");
  EXPECT_EQ(TokenSourceName(TokenSource::kChunks), "chunks");
}

}  // namespace
}  // namespace llmload
