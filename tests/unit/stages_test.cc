#include "schedule/stages.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace llmload::schedule {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

absl::Duration S(double seconds) { return absl::Seconds(seconds); }

MATCHER_P2(IsStage, duration, target, "") {
  return arg.duration == duration && arg.target == target;
}

TEST(ParseStagesTest, ReadsK6Stages) {
  absl::StatusOr<std::vector<Stage>> stages = ParseStages("30s:10,2m:100,30s:0");
  ASSERT_TRUE(stages.ok()) << stages.status();
  EXPECT_THAT(*stages,
              ElementsAre(IsStage(S(30), 10), IsStage(absl::Minutes(2), 100), IsStage(S(30), 0)));
}

TEST(ParseStagesTest, AcceptsSpacesFractionsAndZeroDurations) {
  absl::StatusOr<std::vector<Stage>> stages = ParseStages(" 1m30s : 2.5 , 0s:40,500ms:0 ");
  ASSERT_TRUE(stages.ok()) << stages.status();
  EXPECT_THAT(*stages, ElementsAre(IsStage(S(90), 2.5), IsStage(absl::ZeroDuration(), 40),
                                   IsStage(absl::Milliseconds(500), 0)));
}

void ExpectError(absl::string_view text, const std::vector<std::string>& parts) {
  absl::StatusOr<std::vector<Stage>> stages = ParseStages(text);
  ASSERT_EQ(stages.status().code(), absl::StatusCode::kInvalidArgument) << text;
  for (const std::string& part : parts) {
    EXPECT_THAT(stages.status().message(), HasSubstr(part)) << text;
  }
}

TEST(ParseStagesTest, ErrorsNameTheItemAndWhatIsWrong) {
  ExpectError("", {"--stages is empty"});
  ExpectError("  ", {"--stages is empty"});
  ExpectError("30s:10,2m:x", {"--stages item 2 '2m:x'", "target 'x' is not a finite number"});
  ExpectError("30s", {"--stages item 1 '30s'", "expected DURATION:TARGET"});
  ExpectError("30s:10,", {"--stages item 2 ''", "expected DURATION:TARGET"});
  ExpectError("1s:2:3", {"--stages item 1 '1s:2:3'", "expected DURATION:TARGET"});
  ExpectError("30:10", {"--stages item 1 '30:10'", "a unit is required"});
  ExpectError("10s:5,soon:10", {"--stages item 2 'soon:10'", "is not a duration"});
  ExpectError("-5s:10", {"--stages item 1 '-5s:10'", "negative"});
  ExpectError("30s:-1", {"--stages item 1 '30s:-1'", "target '-1' is negative"});
  ExpectError("30s:inf", {"--stages item 1", "target 'inf' is not a finite number"});
  ExpectError("30s:nan", {"target 'nan' is not a finite number"});
  ExpectError("30s:", {"target '' is not a finite number"});
  ExpectError("9000h:1", {"--stages item 1", "too long"});
}

// The target, its slope and its stage at `seconds`, which must be inside the shape.
ShapeTarget At(const StagesShape& shape, double seconds) {
  const std::optional<ShapeTarget> target = shape.TargetAt(S(seconds));
  EXPECT_TRUE(target.has_value()) << seconds << "s";
  return target.value_or(ShapeTarget{-1, -1, -1});
}

TEST(StagesShapeTest, RampsLinearlyBetweenTargets) {
  const StagesShape shape({{S(10), 10}, {S(20), 100}, {S(10), 0}}, 0, false);
  EXPECT_EQ(shape.stage_count(), 3);
  EXPECT_EQ(shape.total_duration(), S(40));
  ShapeTarget t = At(shape, 0);
  EXPECT_DOUBLE_EQ(t.value, 0);
  EXPECT_DOUBLE_EQ(t.slope_per_s, 1);
  EXPECT_EQ(t.stage, 0);
  EXPECT_DOUBLE_EQ(At(shape, 5).value, 5);
  EXPECT_DOUBLE_EQ(At(shape, 2.5).value, 2.5);
  // A boundary belongs to the stage that starts there, and the value is continuous across it.
  t = At(shape, 10);
  EXPECT_DOUBLE_EQ(t.value, 10);
  EXPECT_DOUBLE_EQ(t.slope_per_s, 4.5);
  EXPECT_EQ(t.stage, 1);
  EXPECT_NEAR(At(shape, 9.999).value, 9.999, 1e-9);
  EXPECT_EQ(At(shape, 9.999).stage, 0);
  EXPECT_DOUBLE_EQ(At(shape, 20).value, 55);
  t = At(shape, 30);
  EXPECT_DOUBLE_EQ(t.value, 100);
  EXPECT_DOUBLE_EQ(t.slope_per_s, -10);
  EXPECT_EQ(t.stage, 2);
  EXPECT_DOUBLE_EQ(At(shape, 35).value, 50);
  EXPECT_NEAR(At(shape, 39.999).value, 0.01, 1e-9);
  // The end: the shape is over and the run ends.
  EXPECT_FALSE(shape.TargetAt(S(40)).has_value());
  EXPECT_FALSE(shape.TargetAt(absl::Hours(1)).has_value());
  EXPECT_FALSE(shape.TargetAt(absl::InfiniteDuration()).has_value());
}

TEST(StagesShapeTest, StartsFromTheGivenValue) {
  // A rate already at 20 ramping down to 10 over the first stage.
  const StagesShape shape({{S(10), 10}}, 20, false);
  const ShapeTarget t = At(shape, 5);
  EXPECT_DOUBLE_EQ(t.value, 15);
  EXPECT_DOUBLE_EQ(t.slope_per_s, -1);
  EXPECT_DOUBLE_EQ(At(shape, 0).value, 20);
  // Before the start is the start.
  EXPECT_DOUBLE_EQ(shape.TargetAt(S(-3))->value, 20);
}

TEST(StagesShapeTest, AHoldHasNoSlope) {
  const StagesShape shape({{S(60), 50}, {S(300), 50}}, 0, false);
  const ShapeTarget t = At(shape, 200);
  EXPECT_DOUBLE_EQ(t.value, 50);
  EXPECT_EQ(t.slope_per_s, 0);
  EXPECT_EQ(t.stage, 1);
}

TEST(StagesShapeTest, StepsHoldEachTargetForTheWholeStage) {
  const StagesShape shape({{S(10), 10}, {S(20), 100}, {S(10), 0}}, 5, true);
  for (double s : {0.0, 5.0, 9.999}) {
    const ShapeTarget t = At(shape, s);
    EXPECT_EQ(t.value, 10) << s;
    EXPECT_EQ(t.slope_per_s, 0) << s;
    EXPECT_EQ(t.stage, 0) << s;
  }
  EXPECT_EQ(At(shape, 10).value, 100);
  EXPECT_EQ(At(shape, 10).stage, 1);
  EXPECT_EQ(At(shape, 29.999).value, 100);
  EXPECT_EQ(At(shape, 30).value, 0);
  EXPECT_EQ(At(shape, 30).stage, 2);
  EXPECT_FALSE(shape.TargetAt(S(40)).has_value());
}

TEST(StagesShapeTest, AZeroDurationStageJumps) {
  // Ramp to 10, jump to 50, hold 50: the jump's stage is never in force.
  const StagesShape shape({{S(10), 10}, {S(0), 50}, {S(10), 50}}, 0, false);
  EXPECT_EQ(shape.total_duration(), S(20));
  EXPECT_NEAR(At(shape, 9.5).value, 9.5, 1e-9);
  ShapeTarget t = At(shape, 10);
  EXPECT_DOUBLE_EQ(t.value, 50);
  EXPECT_EQ(t.slope_per_s, 0);
  EXPECT_EQ(t.stage, 2);
  // A leading jump starts the run at its target.
  const StagesShape leading({{S(0), 30}, {S(10), 0}}, 0, false);
  t = At(leading, 0);
  EXPECT_DOUBLE_EQ(t.value, 30);
  EXPECT_DOUBLE_EQ(t.slope_per_s, -3);
  EXPECT_EQ(t.stage, 1);
  // A trailing jump is where the shape ends anyway.
  const StagesShape trailing({{S(10), 10}, {S(0), 0}}, 0, false);
  EXPECT_FALSE(trailing.TargetAt(S(10)).has_value());
  // In steps, too.
  const StagesShape steps({{S(0), 7}, {S(5), 9}}, 0, true);
  EXPECT_EQ(At(steps, 0).value, 9);
}

TEST(StagesShapeTest, NoStagesIsOverAtOnce) {
  const StagesShape shape({}, 3, false);
  EXPECT_EQ(shape.stage_count(), 0);
  EXPECT_EQ(shape.total_duration(), absl::ZeroDuration());
  EXPECT_FALSE(shape.TargetAt(absl::ZeroDuration()).has_value());
}

TEST(StagesShapeTest, ParsedStagesDriveTheShape) {
  absl::StatusOr<std::vector<Stage>> stages = ParseStages("1m:50,5m:50");
  ASSERT_TRUE(stages.ok()) << stages.status();
  const StagesShape shape(*std::move(stages), 0, false);
  EXPECT_EQ(shape.total_duration(), absl::Minutes(6));
  EXPECT_DOUBLE_EQ(At(shape, 30).value, 25);
  EXPECT_DOUBLE_EQ(At(shape, 30).slope_per_s, 50.0 / 60);
  EXPECT_DOUBLE_EQ(At(shape, 120).value, 50);
}

}  // namespace
}  // namespace llmload::schedule
