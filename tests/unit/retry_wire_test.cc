// The retry policy and the attempt counters travel between master and agents unchanged.
#include "common/interval_stats.h"
#include "common/wire_codec.h"
#include "gtest/gtest.h"

namespace llmload {
namespace {

TEST(RetryWireTest, ThePolicyReachesTheAgentAsTheMasterParsedIt) {
  WorkloadSpec spec;
  spec.url = "http://127.0.0.1:1/v1/chat/completions";
  spec.prompts.push_back(Prompt{"p", "hello"});
  spec.retry.max_retries = 3;
  spec.retry.retry_on = ErrorClassBit(ErrorClass::kHttp429) | ErrorClassBit(ErrorClass::kReset);
  spec.retry.backoff = absl::Milliseconds(20);
  spec.retry.backoff_max = absl::Seconds(2);
  spec.retry.respect_retry_after = false;
  proto::WorkloadSpec wire;
  SpecToProto(spec, &wire);
  absl::StatusOr<WorkloadSpec> back = SpecFromProto(wire);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->retry.max_retries, 3);
  EXPECT_EQ(back->retry.retry_on, spec.retry.retry_on);
  EXPECT_EQ(back->retry.backoff, absl::Milliseconds(20));
  EXPECT_EQ(back->retry.backoff_max, absl::Seconds(2));
  EXPECT_FALSE(back->retry.respect_retry_after);

  wire.set_max_retries(-1);
  EXPECT_FALSE(SpecFromProto(wire).ok());
}

TEST(RetryWireTest, AttemptsAndRetriesMergeExactly) {
  IntervalStats s;
  s.attempts = 7;
  s.retries[static_cast<size_t>(ErrorClass::kHttp5xx)] = 4;
  proto::StatsDelta delta;
  StatsToProto(s, &delta);
  IntervalStats merged;
  merged.attempts = 1;
  ASSERT_TRUE(MergeStatsFromProto(delta, &merged).ok());
  ASSERT_TRUE(MergeStatsFromProto(delta, &merged).ok());
  EXPECT_EQ(merged.attempts, 15u);
  EXPECT_EQ(merged.retries[static_cast<size_t>(ErrorClass::kHttp5xx)], 8u);

  // A class this build does not know (a newer agent's) is counted as other, never dropped.
  delta.clear_retries();
  for (int i = 0; i <= kErrorClassCount; ++i) delta.add_retries(1);
  IntervalStats newer;
  ASSERT_TRUE(MergeStatsFromProto(delta, &newer).ok());
  EXPECT_EQ(newer.retries[static_cast<size_t>(ErrorClass::kOther)], 2u);
}

}  // namespace
}  // namespace llmload
