#include "master/record_breakdown.h"

#include "gtest/gtest.h"

namespace llmload::master {
namespace {

RequestRecord Record(uint32_t prompt, ErrorClass status, int64_t e2e_ms, int64_t ttft_ms = 10) {
  RequestRecord r;
  r.prompt_index = prompt;
  r.status = status;
  r.e2e_ns = e2e_ms * 1'000'000;
  r.ttft_ns = ttft_ms * 1'000'000;
  r.input_tokens = 10 * (prompt + 1);
  r.output_tokens = 16;
  return r;
}

TEST(RecordBreakdownTest, StatisticsPerPromptInPromptOrder) {
  RecordBreakdown b(BreakdownKey::kPrompt);
  b.Add({Record(1, ErrorClass::kSuccess, 100), Record(0, ErrorClass::kSuccess, 200, 20),
         Record(1, ErrorClass::kSuccess, 300), Record(1, ErrorClass::kHttp5xx, 5),
         Record(1, ErrorClass::kCancelled, 7)});
  b.Add({Record(0, ErrorClass::kSuccess, 400, 40)});
  const std::vector<BreakdownRow> r = b.Summarize({{"short", "a"}, {"long", "b"}});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].id, "short");
  EXPECT_EQ(r[0].requests, 2u);
  EXPECT_EQ(r[0].failed, 0u);
  EXPECT_NEAR(r[0].latency.mean, 0.3, 1e-9);
  EXPECT_NEAR(r[0].ttft.max, 0.04, 0.04 * 0.001);
  EXPECT_DOUBLE_EQ(r[0].input_mean, 10);
  EXPECT_EQ(r[1].id, "long");
  EXPECT_EQ(r[1].requests, 3u);  // the cancelled one is not a request of the run
  EXPECT_EQ(r[1].succeeded, 2u);
  EXPECT_EQ(r[1].failed, 1u);
  EXPECT_EQ(r[1].latency.count, 2u);  // failures have no latency sample
  EXPECT_NEAR(r[1].latency.min, 0.1, 0.1 * 0.001);
  EXPECT_NEAR(r[1].latency.max, 0.3, 0.3 * 0.001);
  EXPECT_DOUBLE_EQ(r[1].output_mean, 16);
}

TEST(RecordBreakdownTest, UnknownIndexIsNamedByNumberAndNoSuccessMeansNoLatency) {
  RecordBreakdown b(BreakdownKey::kPrompt);
  b.Add({Record(5, ErrorClass::kTimeout, 1000)});
  const std::vector<BreakdownRow> r = b.Summarize({{"only", "x"}});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].id, "5");
  EXPECT_EQ(r[0].failed, 1u);
  EXPECT_EQ(r[0].latency.count, 0u);
  EXPECT_EQ(r[0].ttft.count, 0u);
}

TEST(RecordBreakdownTest, TurnsAreGroupedByTurnAndNamedFromOne) {
  RecordBreakdown b(BreakdownKey::kTurn);
  std::vector<RequestRecord> records;
  for (uint32_t turn = 0; turn < 3; ++turn) {
    for (uint32_t prompt = 0; prompt < 2; ++prompt) {
      RequestRecord r = Record(prompt, ErrorClass::kSuccess, 100 * (turn + 1));
      r.turn = turn;
      r.input_tokens = 50 * (turn + 1);
      records.push_back(r);
    }
  }
  records.back().status = ErrorClass::kTimeout;  // turn 3 of the second conversation failed
  b.Add(records);
  const std::vector<BreakdownRow> r = b.Summarize();
  ASSERT_EQ(r.size(), 3u);
  for (uint32_t turn = 0; turn < 3; ++turn) {
    EXPECT_EQ(r[turn].index, turn);
    EXPECT_EQ(r[turn].id, std::to_string(turn + 1));
    EXPECT_EQ(r[turn].requests, 2u);
    EXPECT_DOUBLE_EQ(r[turn].input_mean, 50.0 * (turn + 1));
    EXPECT_NEAR(r[turn].latency.mean, 0.1 * (turn + 1), 0.1 * (turn + 1) * 0.001);
  }
  EXPECT_EQ(r[2].failed, 1u);
  EXPECT_EQ(r[2].latency.count, 1u);
}

}  // namespace
}  // namespace llmload::master
