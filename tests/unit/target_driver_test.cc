#include "master/target_driver.h"

#include "gtest/gtest.h"

namespace llmload::master {
namespace {

WorkloadSpec ClosedLoop(const char* stages) {
  WorkloadSpec spec;
  spec.users = 10;
  spec.spawn_rate = 2;
  spec.stages = stages;
  return spec;
}

TEST(TargetDriverTest, WithoutStagesTheFlagsTargetStandsAlone) {
  WorkloadSpec spec = ClosedLoop("");
  absl::StatusOr<TargetDriver> d = TargetDriver::Create(spec);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->current().users, 10);
  EXPECT_EQ(d->current().spawn_rate, 2);
  EXPECT_FALSE(d->has_shape());
  EXPECT_EQ(d->stage(), -1);
  EXPECT_FALSE(d->Tick(absl::Seconds(100)).has_value());
  EXPECT_FALSE(d->done());
}

TEST(TargetDriverTest, AUserRampStartsFromNoneAndSpacesUsersAtTheSlope) {
  absl::StatusOr<TargetDriver> d = TargetDriver::Create(ClosedLoop("10s:10,5s:10,5s:0"));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->current().users, 0);
  EXPECT_EQ(d->stage(), 0);
  std::optional<schedule::LoadTarget> t = d->Tick(absl::Seconds(5));
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->users, 5);
  EXPECT_DOUBLE_EQ(t->spawn_rate, 1.0);                 // 10 users over 10 s
  EXPECT_FALSE(d->Tick(absl::Seconds(5)).has_value());  // unchanged
  t = d->Tick(absl::Seconds(12));
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->users, 10);
  EXPECT_EQ(d->stage(), 1);
  t = d->Tick(absl::Seconds(17.5));
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->users, 5);  // ramping down: users retire, none spawn
  EXPECT_EQ(t->spawn_rate, 0);
  EXPECT_FALSE(d->Tick(absl::Seconds(21)).has_value());
  EXPECT_TRUE(d->done());
}

TEST(TargetDriverTest, RateUpdatesAreSpacedWithinAStageButNotAcrossOne) {
  WorkloadSpec spec;
  spec.open_loop = true;
  spec.rate = 0;
  spec.max_concurrency = 8;
  spec.max_queue = 4;
  spec.stages = "10s:100,10s:100";
  absl::StatusOr<TargetDriver> d = TargetDriver::Create(spec);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->current().open.rate, 0);
  EXPECT_EQ(d->current().open.max_concurrency, 8);
  std::optional<schedule::LoadTarget> t = d->Tick(absl::Milliseconds(300));
  ASSERT_TRUE(t.has_value());
  EXPECT_DOUBLE_EQ(t->open.rate, 3.0);
  EXPECT_EQ(t->open.max_queue, 4);
  // 100 ms later the rate moved, but too soon to send again.
  EXPECT_FALSE(d->Tick(absl::Milliseconds(400)).has_value());
  t = d->Tick(absl::Milliseconds(600));
  ASSERT_TRUE(t.has_value());
  EXPECT_DOUBLE_EQ(t->open.rate, 6.0);
  t = d->Tick(absl::Milliseconds(10'050));  // a new stage is sent at once
  ASSERT_TRUE(t.has_value());
  EXPECT_DOUBLE_EQ(t->open.rate, 100.0);
  EXPECT_EQ(d->stage(), 1);
  EXPECT_FALSE(d->Tick(absl::Seconds(15)).has_value());
  EXPECT_FALSE(d->Tick(absl::Seconds(20.5)).has_value());
  EXPECT_TRUE(d->done());
}

}  // namespace
}  // namespace llmload::master
