#include "master/prompt_breakdown.h"

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

TEST(PromptBreakdownTest, StatisticsPerPromptInPromptOrder) {
  PromptBreakdown b;
  b.Add({Record(1, ErrorClass::kSuccess, 100), Record(0, ErrorClass::kSuccess, 200, 20),
         Record(1, ErrorClass::kSuccess, 300), Record(1, ErrorClass::kHttp5xx, 5),
         Record(1, ErrorClass::kCancelled, 7)});
  b.Add({Record(0, ErrorClass::kSuccess, 400, 40)});
  const std::vector<PromptResult> r = b.Summarize({{"short", "a"}, {"long", "b"}});
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

TEST(PromptBreakdownTest, UnknownIndexIsNamedByNumberAndNoSuccessMeansNoLatency) {
  PromptBreakdown b;
  b.Add({Record(5, ErrorClass::kTimeout, 1000)});
  const std::vector<PromptResult> r = b.Summarize({{"only", "x"}});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].id, "5");
  EXPECT_EQ(r[0].failed, 1u);
  EXPECT_EQ(r[0].latency.count, 0u);
  EXPECT_EQ(r[0].ttft.count, 0u);
}

}  // namespace
}  // namespace llmload::master
