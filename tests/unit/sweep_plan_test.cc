#include "schedule/sweep_plan.h"

#include <cmath>
#include <vector>

#include "gtest/gtest.h"

namespace llmload::schedule {
namespace {

// A simulated endpoint: one request takes `service_s` alone, at most `capacity` requests/s get
// served, and the SLOs hold up to `slo_rate` (queueing breaks them before the server is full).
struct SimulatedEndpoint {
  double service_s = 0.1;
  double capacity = 40;
  double slo_rate = 30;

  StepMeasure Measure(const SweepStep& step) const {
    StepMeasure m;
    if (step.kind == SweepStep::Kind::kSynchronous) {
      m.achieved_rate = m.completed_rate = 1 / service_s;
      m.within_slo = 1;
      return m;
    }
    if (step.kind == SweepStep::Kind::kThroughput) {
      m.achieved_rate = m.completed_rate = capacity;
      m.within_slo = 0.2;
      return m;
    }
    m.achieved_rate = step.rate;
    m.completed_rate = std::min(step.rate, capacity);
    m.kept_up = step.rate <= capacity;
    m.within_slo = step.rate <= slo_rate ? 1.0 : 0.5;
    return m;
  }
};

std::vector<SweepStep> RunAll(SweepPlan& plan, const SimulatedEndpoint& endpoint) {
  std::vector<SweepStep> steps;
  while (std::optional<SweepStep> step = plan.Next()) {
    steps.push_back(*step);
    plan.Record(endpoint.Measure(*step));
    if (steps.size() > 100) break;  // the plan must end by itself
  }
  return steps;
}

TEST(SweepPlan, ParsesModes) {
  EXPECT_EQ(*ParseSweepMode("rates"), SweepMode::kRates);
  EXPECT_EQ(*ParseSweepMode("find-max"), SweepMode::kFindMax);
  absl::StatusOr<SweepMode> bad = ParseSweepMode("fastest");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'fastest'"), std::string::npos);
}

TEST(SweepPlan, RatesRunsSynchronousThroughputThenEvenlySpacedRates) {
  SweepOptions options;
  options.mode = SweepMode::kRates;
  options.steps = 3;
  options.max_users = 64;
  options.max_concurrency = 16;
  SweepPlan plan(options);
  const std::vector<SweepStep> steps = RunAll(plan, SimulatedEndpoint{});
  ASSERT_EQ(steps.size(), 5u);
  EXPECT_EQ(steps[0].kind, SweepStep::Kind::kSynchronous);
  EXPECT_TRUE(std::isinf(steps[0].rate));
  EXPECT_EQ(steps[0].max_concurrency, 1);
  EXPECT_EQ(steps[1].kind, SweepStep::Kind::kThroughput);
  EXPECT_EQ(steps[1].max_concurrency, 64);
  // Strictly between 10 (synchronous) and 40 (throughput): 17.5, 25, 32.5.
  EXPECT_DOUBLE_EQ(steps[2].rate, 17.5);
  EXPECT_DOUBLE_EQ(steps[3].rate, 25);
  EXPECT_DOUBLE_EQ(steps[4].rate, 32.5);
  for (size_t i = 2; i < steps.size(); ++i) {
    EXPECT_EQ(steps[i].kind, SweepStep::Kind::kRate);
    EXPECT_EQ(steps[i].max_concurrency, 16);
  }
  EXPECT_DOUBLE_EQ(plan.synchronous_rate(), 10);
  EXPECT_DOUBLE_EQ(plan.max_throughput(), 40);
  EXPECT_FALSE(plan.max_rate_under_slo().has_value());
  for (const std::optional<bool>& v : plan.verdicts()) EXPECT_FALSE(v.has_value());
  EXPECT_NE(plan.ResultLine().find("3 rate step(s)"), std::string::npos) << plan.ResultLine();
}

TEST(SweepPlan, FindMaxBracketsThenBisectsToTheSloRate) {
  SweepOptions options;
  options.mode = SweepMode::kFindMax;
  options.precision = 0.02;
  SweepPlan plan(options);
  SimulatedEndpoint endpoint;  // SLOs hold up to 30 req/s
  const std::vector<SweepStep> steps = RunAll(plan, endpoint);
  ASSERT_TRUE(plan.max_rate_under_slo().has_value());
  const double found = *plan.max_rate_under_slo();
  EXPECT_LE(found, endpoint.slo_rate);
  EXPECT_GE(found, endpoint.slo_rate * (1 - options.precision));
  // Bracketing doubles from the synchronous rate: 20, then 40 (capped at the maximum) fails.
  ASSERT_GE(steps.size(), 4u);
  EXPECT_DOUBLE_EQ(steps[2].rate, 20);
  EXPECT_DOUBLE_EQ(steps[3].rate, 40);
  // Bisection then stays inside the bracket, and the search is short.
  for (size_t i = 4; i < steps.size(); ++i) {
    EXPECT_GT(steps[i].rate, 20);
    EXPECT_LT(steps[i].rate, 40);
  }
  EXPECT_LE(steps.size(), 12u);
  ASSERT_EQ(plan.verdicts().size(), steps.size());
  EXPECT_EQ(plan.verdicts()[0], std::optional<bool>(true));
  EXPECT_FALSE(plan.verdicts()[1].has_value());  // the throughput step is not judged
  EXPECT_EQ(plan.verdicts()[3], std::optional<bool>(false));
  EXPECT_NE(plan.ResultLine().find("max rate under SLO: "), std::string::npos);
}

TEST(SweepPlan, FindMaxFailsAStepThatDoesNotKeepUpEvenWithinSlo) {
  SweepOptions options;
  options.mode = SweepMode::kFindMax;
  options.precision = 0.01;
  SweepPlan plan(options);
  SimulatedEndpoint endpoint;
  endpoint.slo_rate = 1000;  // only keeping up limits the rate: the capacity, 40
  RunAll(plan, endpoint);
  ASSERT_TRUE(plan.max_rate_under_slo().has_value());
  EXPECT_DOUBLE_EQ(*plan.max_rate_under_slo(), 40);  // passes at the maximum itself: done
}

TEST(SweepPlan, FindMaxWithTheSloMissedAtOneRequestEndsAtOnce) {
  SweepOptions options;
  options.mode = SweepMode::kFindMax;
  SweepPlan plan(options);
  ASSERT_TRUE(plan.Next().has_value());
  plan.Record(StepMeasure{.achieved_rate = 10, .completed_rate = 10, .within_slo = 0.5});
  EXPECT_FALSE(plan.Next().has_value());
  EXPECT_FALSE(plan.max_rate_under_slo().has_value());
  EXPECT_NE(plan.ResultLine().find("none"), std::string::npos);
}

TEST(SweepPlan, NothingSucceedingEndsAfterTheThroughputStep) {
  SweepPlan plan(SweepOptions{});
  plan.Record(StepMeasure{});  // synchronous: 0 req/s
  ASSERT_TRUE(plan.Next().has_value());
  EXPECT_EQ(plan.Next()->kind, SweepStep::Kind::kThroughput);
  plan.Record(StepMeasure{});
  EXPECT_FALSE(plan.Next().has_value());
  EXPECT_NE(plan.ResultLine().find("no request succeeded"), std::string::npos);
}

TEST(SweepPlan, FindMaxSearchIsBounded) {
  SweepOptions options;
  options.mode = SweepMode::kFindMax;
  options.precision = 0;  // would bisect forever
  options.max_search_steps = 6;
  SweepPlan plan(options);
  const std::vector<SweepStep> steps = RunAll(plan, SimulatedEndpoint{});
  EXPECT_EQ(steps.size(), 2u + 6u);
}

}  // namespace
}  // namespace llmload::schedule
