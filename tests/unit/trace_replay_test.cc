#include "schedule/trace_replay.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace llmload::schedule {
namespace {

using ::testing::ElementsAre;

constexpr int64_t kMs = 1'000'000;

std::vector<TraceRequest> Lines(std::vector<int64_t> offsets_ms) {
  std::vector<TraceRequest> out;
  int64_t line = 1;
  for (int64_t ms : offsets_ms) {
    TraceRequest t;
    t.offset_ns = ms * kMs;
    t.line = line++;
    t.prompt = "hi";
    out.push_back(t);
  }
  return out;
}

// Every send of a stream, as offsets from its start: the first, then the sum of the gaps.
std::vector<int64_t> Sends(TraceArrivals& a, size_t at_most, std::vector<int64_t>* prompts) {
  std::vector<int64_t> out;
  int64_t t = a.FirstSendOffsetNs();
  if (t >= kNoMoreArrivals) return out;
  out.push_back(t);
  prompts->push_back(a.PromptOfNextSend());
  while (out.size() < at_most) {
    const int64_t gap = a.NextGapNs(/*rate=*/12345);  // ignored: the file times the sends
    if (gap >= kNoMoreArrivals) break;
    EXPECT_GE(gap, 0);
    t += gap;
    out.push_back(t);
    prompts->push_back(a.PromptOfNextSend());
  }
  return out;
}

TEST(TraceReplayTest, StripesTakeEveryNthLineAndCoverTheTraceOnce) {
  EXPECT_THAT(StripeLines(10, 0, 3), ElementsAre(0, 3, 6, 9));
  EXPECT_THAT(StripeLines(10, 1, 3), ElementsAre(1, 4, 7));
  EXPECT_THAT(StripeLines(10, 2, 3), ElementsAre(2, 5, 8));
  EXPECT_EQ(StripeSize(10, 0, 3), 4);
  EXPECT_EQ(StripeSize(10, 2, 3), 3);
  EXPECT_EQ(StripeSize(2, 2, 3), 0);  // more stripes than lines
  EXPECT_TRUE(StripeLines(10, 0, 0).empty());
  EXPECT_TRUE(StripeLines(10, 3, 3).empty());
  EXPECT_TRUE(StripeLines(10, -1, 3).empty());
  int64_t total = 0;
  for (int64_t s = 0; s < 7; ++s) {
    EXPECT_EQ(StripeSize(100, s, 7), static_cast<int64_t>(StripeLines(100, s, 7).size()));
    total += StripeSize(100, s, 7);
  }
  EXPECT_EQ(total, 100);
}

TEST(TraceReplayTest, LoopPeriodAddsOneMeanGap) {
  EXPECT_EQ(TraceLoopPeriodNs(Lines({0, 100, 300})), 450 * kMs);  // 300 + 300/2
  EXPECT_EQ(TraceLoopPeriodNs(Lines({50})), 50 * kMs + 1'000 * kMs);
  EXPECT_EQ(TraceLoopPeriodNs(Lines({7, 7})), 7 * kMs + 1'000 * kMs);
  // 3 lines per 450 ms at double speed: 13.33 req/s.
  EXPECT_NEAR(TraceMeanRate(Lines({0, 100, 300}), 2), 3 * 2 / 0.45, 1e-9);
}

TEST(TraceReplayTest, SendsAtTheRecordedOffsetsWithTheirPrompts) {
  TraceArrivals a({10 * kMs, 10 * kMs, 25 * kMs, 1000 * kMs}, {4, 5, 6, 7}, 2000 * kMs, 1, false);
  EXPECT_FALSE(a.FollowsRate());
  std::vector<int64_t> prompts;
  EXPECT_THAT(Sends(a, 100, &prompts), ElementsAre(10 * kMs, 10 * kMs, 25 * kMs, 1000 * kMs));
  EXPECT_THAT(prompts, ElementsAre(4, 5, 6, 7));
  EXPECT_EQ(a.NextGapNs(1), kNoMoreArrivals);  // ended, and stays ended
}

TEST(TraceReplayTest, SpeedDividesTimeAndLoopRepeatsAPeriodLater) {
  TraceArrivals a({0, 30 * kMs}, {0, 1}, 100 * kMs, 2, true);
  std::vector<int64_t> prompts;
  EXPECT_THAT(Sends(a, 6, &prompts),
              ElementsAre(0, 15 * kMs, 50 * kMs, 65 * kMs, 100 * kMs, 115 * kMs));
  EXPECT_THAT(prompts, ElementsAre(0, 1, 0, 1, 0, 1));
}

TEST(TraceReplayTest, SlowSpeedAndAFirstOffset) {
  TraceArrivals a({40 * kMs, 41 * kMs}, {0, 1}, 100 * kMs, 0.5, false);
  std::vector<int64_t> prompts;
  EXPECT_THAT(Sends(a, 10, &prompts), ElementsAre(80 * kMs, 82 * kMs));
}

TEST(TraceReplayTest, ASkippedStreamResumesAfterItsSends) {
  std::vector<int64_t> prompts;
  TraceArrivals unlooped({10 * kMs, 20 * kMs, 30 * kMs}, {0, 1, 2}, 100 * kMs, 1, false, 2);
  EXPECT_THAT(Sends(unlooped, 10, &prompts), ElementsAre(30 * kMs));
  EXPECT_THAT(prompts, ElementsAre(2));
  TraceArrivals done({10 * kMs, 20 * kMs}, {0, 1}, 100 * kMs, 1, false, 2);
  EXPECT_EQ(done.FirstSendOffsetNs(), kNoMoreArrivals);
  EXPECT_EQ(done.PromptOfNextSend(), -1);
  EXPECT_EQ(done.NextGapNs(1), kNoMoreArrivals);
  prompts.clear();
  TraceArrivals looped({10 * kMs, 20 * kMs}, {0, 1}, 100 * kMs, 2, true, 3);  // pass 1, send 1
  EXPECT_THAT(Sends(looped, 3, &prompts), ElementsAre(60 * kMs, 105 * kMs, 110 * kMs));
  EXPECT_THAT(prompts, ElementsAre(1, 0, 1));
}

TEST(TraceReplayTest, ThreadSharesOfSentLinesSumToTheSentLines) {
  // A stripe of 10 lines over 3 threads: thread 0 sends lines 0, 3, 6, 9; 1: 1, 4, 7; 2: 2, 5, 8.
  EXPECT_EQ(ThreadShareOfSends(5, 10, 0, 3), 2);           // lines 0 and 3
  EXPECT_EQ(ThreadShareOfSends(5, 10, 1, 3), 2);           // 1 and 4
  EXPECT_EQ(ThreadShareOfSends(5, 10, 2, 3), 1);           // 2
  EXPECT_EQ(ThreadShareOfSends(23, 10, 0, 3), 2 * 4 + 1);  // two passes, then line 0
  EXPECT_EQ(ThreadShareOfSends(0, 10, 0, 3), 0);
  EXPECT_EQ(ThreadShareOfSends(5, 0, 0, 3), 0);
  for (int64_t sent = 0; sent < 40; ++sent) {
    int64_t sum = 0;
    for (int t = 0; t < 4; ++t) sum += ThreadShareOfSends(sent, 7, t, 4);
    EXPECT_EQ(sum, sent) << sent;
  }
}

TEST(TraceReplayTest, SendsDueBeforeCountsOnTheRunsTimeLine) {
  const std::vector<int64_t> offsets = {10 * kMs, 20 * kMs, 30 * kMs};
  EXPECT_EQ(SendsDueBefore(offsets, 100 * kMs, 1, false, 0), 0);
  EXPECT_EQ(SendsDueBefore(offsets, 100 * kMs, 1, false, 20 * kMs), 1);  // 20 ms is not before
  EXPECT_EQ(SendsDueBefore(offsets, 100 * kMs, 1, false, 1'000 * kMs), 3);
  EXPECT_EQ(SendsDueBefore(offsets, 100 * kMs, 2, false, 11 * kMs), 2);  // due at 5, 10 ms
  // Looped: 2 whole passes (200 ms) and the first line of the third.
  EXPECT_EQ(SendsDueBefore(offsets, 100 * kMs, 1, true, 215 * kMs), 7);
  // Resuming there sends what comes next.
  TraceArrivals a(offsets, {0, 1, 2}, 100 * kMs, 1, true,
                  SendsDueBefore(offsets, 100 * kMs, 1, true, 215 * kMs));
  EXPECT_EQ(a.FirstSendOffsetNs(), 220 * kMs);
  EXPECT_EQ(a.PromptOfNextSend(), 1);
}

TEST(TraceReplayTest, AnEmptyStreamHasNoSend) {
  TraceArrivals a({}, {}, 100 * kMs, 1, true);
  EXPECT_EQ(a.FirstSendOffsetNs(), kNoMoreArrivals);
  EXPECT_EQ(a.NextGapNs(1), kNoMoreArrivals);
  EXPECT_EQ(a.PromptOfNextSend(), -1);
}

TEST(TraceReplayTest, PromptOfALineIsItsTextOrASyntheticPromptWithItsMaxTokens) {
  TraceRequest own;
  own.line = 3;
  own.prompt = "tell me a story";
  own.output_length = 40;
  Prompt p = TracePrompt(own, "t.jsonl", 512);
  EXPECT_EQ(p.id, "t.jsonl:3");
  EXPECT_EQ(p.text, "tell me a story");
  EXPECT_EQ(p.max_tokens, 40);

  TraceRequest synthetic;
  synthetic.line = 9;
  synthetic.input_length = 50;
  synthetic.hash_ids = {1, 2};
  p = TracePrompt(synthetic, "t.jsonl", 16);
  EXPECT_EQ(p.id, "t.jsonl:9");
  EXPECT_FALSE(p.max_tokens.has_value());
  EXPECT_EQ(std::count(p.text.begin(), p.text.end(), ' ') + 1, 50);  // 50 words
}

}  // namespace
}  // namespace llmload::schedule
