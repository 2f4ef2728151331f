#include "schedule/rate_split.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <random>
#include <tuple>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "schedule/arrival_table.h"
#include "schedule/constant_arrivals.h"
#include "schedule/poisson_arrivals.h"

namespace llmload::schedule {
namespace {

using ::testing::ElementsAre;

double SumInOrder(const std::vector<RateShare>& shares) {
  double sum = 0;
  for (const RateShare& s : shares) sum += s.rate;
  return sum;
}

// One field of every share, for comparing a split at a glance.
template <typename Field>
auto Column(const std::vector<RateShare>& shares, Field RateShare::*field) {
  std::vector<Field> column;
  for (const RateShare& s : shares) column.push_back(s.*field);
  return column;
}

TEST(RateSplitTest, RateFollowsWeightsAndPhasesFollowTheTotalRate) {
  const std::vector<RateShare> shares = SplitRate(300, 0, 0, {2, 1, 1, 2});
  EXPECT_THAT(Column(shares, &RateShare::rate), ElementsAre(100, 50, 50, 100));
  EXPECT_EQ(SumInOrder(shares), 300);
  EXPECT_THAT(Column(shares, &RateShare::phase_ns),
              ElementsAre(0, 3'333'333, 6'666'667, 10'000'000));
  EXPECT_THAT(Column(shares, &RateShare::max_concurrency), ElementsAre(0, 0, 0, 0));
  EXPECT_THAT(Column(shares, &RateShare::max_queue), ElementsAre(0, 0, 0, 0));
}

TEST(RateSplitTest, ASharelessAgentGetsNothingAndDoesNotTakeAPhase) {
  const std::vector<RateShare> shares = SplitRate(10, 0, 0, {1, 0, 1});
  EXPECT_THAT(Column(shares, &RateShare::rate), ElementsAre(5, 0, 5));
  // The third is the second share with a rate.
  EXPECT_THAT(Column(shares, &RateShare::phase_ns), ElementsAre(0, 0, 100'000'000));
}

TEST(RateSplitTest, TheCapIsSplitByLargestRemainderAndTheRateFollowsIt) {
  const std::vector<RateShare> shares = SplitRate(100, 10, 20, {1, 1, 1});
  EXPECT_THAT(Column(shares, &RateShare::max_concurrency), ElementsAre(4, 3, 3));
  EXPECT_THAT(Column(shares, &RateShare::rate), ElementsAre(40, 30, 30));
  EXPECT_EQ(SumInOrder(shares), 100);
  // The queue goes with the cap: 20 in proportion 4:3:3 is 8, 6, 6.
  EXPECT_THAT(Column(shares, &RateShare::max_queue), ElementsAre(8, 6, 6));
}

TEST(RateSplitTest, ACapSmallerThanTheAgentsLeavesSomeIdleNotUncapped) {
  // A cap of 2 over three agents: the third gets no concurrency, so it must get no rate (with
  // max_concurrency 0 it would be uncapped) and no queue.
  const std::vector<RateShare> shares = SplitRate(90, 2, 6, {1, 1, 1});
  EXPECT_THAT(Column(shares, &RateShare::max_concurrency), ElementsAre(1, 1, 0));
  EXPECT_THAT(Column(shares, &RateShare::rate), ElementsAre(45, 45, 0));
  EXPECT_THAT(Column(shares, &RateShare::max_queue), ElementsAre(3, 3, 0));
  EXPECT_THAT(Column(shares, &RateShare::phase_ns), ElementsAre(0, 11'111'111, 0));
}

TEST(RateSplitTest, NoRateStillSplitsTheCap) {
  // `--rate 0 --stages ...` starts at rate 0: the caps are in place before the first send.
  // (An infinite rate with a cap keeps the slots busy instead: see below.)
  for (double rate : {0.0, -1.0, std::numeric_limits<double>::quiet_NaN(),
                      -std::numeric_limits<double>::infinity()}) {
    const std::vector<RateShare> shares = SplitRate(rate, 5, 5, {1, 1});
    EXPECT_EQ(shares[0].rate, 0);
    EXPECT_EQ(shares[1].rate, 0);
    EXPECT_EQ(shares[1].phase_ns, 0);
    EXPECT_EQ(shares[0].max_concurrency + shares[1].max_concurrency, 5);
    EXPECT_EQ(shares[0].max_queue + shares[1].max_queue, 5);
  }
  EXPECT_TRUE(SplitRate(10, 0, 0, {}).empty());
  for (const RateShare& s : SplitRate(10, 0, 0, {0, 0})) EXPECT_EQ(s.rate, 0);
}

TEST(RateSplitTest, ATinyRateSaturatesThePhase) {
  const std::vector<RateShare> shares = SplitRate(1e-12, 0, 0, {1, 1});
  EXPECT_EQ(shares[0].phase_ns, 0);
  EXPECT_EQ(shares[1].phase_ns, kMaxGapNs);
}

TEST(RateSplitTest, SharesAlwaysSumExactly) {
  std::mt19937_64 rng(17);
  std::uniform_real_distribution<double> rates(0.001, 1e6);
  for (int trial = 0; trial < 20000; ++trial) {
    const int agents = 1 + static_cast<int>(rng() % 40);
    std::vector<double> weights(agents);
    for (double& w : weights) w = static_cast<double>(rng() % 64);  // some get 0
    const double rate = rates(rng);
    const int64_t cap = rng() % 3 == 0 ? 0 : static_cast<int64_t>(rng() % 1000);
    const int64_t queue = static_cast<int64_t>(rng() % 1000);
    const std::vector<RateShare> shares = SplitRate(rate, cap, queue, weights);
    if (std::all_of(weights.begin(), weights.end(), [](double w) { return w == 0; })) continue;
    if (cap > 0) {
      int64_t caps = 0;
      for (const RateShare& s : shares) caps += s.max_concurrency;
      ASSERT_EQ(caps, cap);
    }
    int64_t queues = 0;
    for (const RateShare& s : shares) {
      ASSERT_GE(s.rate, 0);
      if (cap > 0 && s.max_concurrency == 0) {
        ASSERT_EQ(s.rate, 0);
      }
      queues += s.max_queue;
    }
    ASSERT_EQ(queues, queue);
    ASSERT_EQ(SumInOrder(shares), rate) << "trial " << trial;
    double backwards = 0;
    for (auto it = shares.rbegin(); it != shares.rend(); ++it) backwards += it->rate;
    ASSERT_EQ(backwards, rate) << "trial " << trial;
    // Each share is within a few ulps of its exact part of the rate.
    double split_sum = 0;
    for (size_t i = 0; i < shares.size(); ++i) {
      split_sum += cap > 0 ? static_cast<double>(shares[i].max_concurrency) : weights[i];
    }
    for (size_t i = 0; i < shares.size(); ++i) {
      const double part = cap > 0 ? static_cast<double>(shares[i].max_concurrency) : weights[i];
      ASSERT_NEAR(shares[i].rate, rate * part / split_sum, 1e-12 * rate) << "trial " << trial;
    }
  }
}

struct Send {
  int64_t at_ns;
  int agent;
  int thread;
  bool operator<(const Send& o) const {
    return std::tie(at_ns, agent, thread) < std::tie(o.at_ns, o.agent, o.thread);
  }
};

// Splits `rate` over `agents` equal agents and each agent's share over `threads` equal threads,
// as the master and the engine do, and runs each thread's stream (its first send at the
// agent's phase plus its own, then one gap after another) for `sends_per_thread` sends.
template <typename MakeProcess>
std::vector<Send> MergedStreams(double rate, int agents, int threads, int sends_per_thread,
                                MakeProcess make) {
  std::vector<Send> sends;
  const std::vector<RateShare> agent_shares = SplitRate(rate, 0, 0, std::vector<double>(agents, 1));
  for (int a = 0; a < agents; ++a) {
    const std::vector<RateShare> thread_shares =
        SplitRate(agent_shares[a].rate, 0, 0, std::vector<double>(threads, 1));
    for (int i = 0; i < threads; ++i) {
      std::unique_ptr<ArrivalProcess> process = make(a, i);
      int64_t at = agent_shares[a].phase_ns + thread_shares[i].phase_ns;
      for (int m = 0; m < sends_per_thread; ++m) {
        sends.push_back({at, a, i});
        at += process->NextGapNs(thread_shares[i].rate);
      }
    }
  }
  std::sort(sends.begin(), sends.end());
  return sends;
}

TEST(RateSplitTest, ConstantSharesOfAgentsAndThreadsInterleaveExactly) {
  // A = 3 agents x N = 2 threads: agent a's thread i sends at (a + A*(i + N*m)) / R.
  constexpr int kAgents = 3;
  constexpr int kThreads = 2;
  const auto constant = [](int, int) { return std::make_unique<ConstantArrivals>(); };
  // 1000/s: every time a whole number of nanoseconds, so the merged stream is exact.
  std::vector<Send> sends = MergedStreams(1000, kAgents, kThreads, 1000, constant);
  ASSERT_EQ(sends.size(), 6000u);
  for (size_t j = 0; j < sends.size(); ++j) {
    ASSERT_EQ(sends[j].at_ns, static_cast<int64_t>(j) * 1'000'000) << j;
    ASSERT_EQ(sends[j].agent, static_cast<int>(j % kAgents)) << j;
    ASSERT_EQ(sends[j].thread, static_cast<int>((j / kAgents) % kThreads)) << j;
  }
  // 7/s: no time is whole; each is within rounding (the agent's phase, the thread's phase and
  // the stream's carried remainder, half a nanosecond each) of j / R, in the same order.
  sends = MergedStreams(7, kAgents, kThreads, 1000, constant);
  for (size_t j = 0; j < sends.size(); ++j) {
    ASSERT_NEAR(static_cast<double>(sends[j].at_ns), static_cast<double>(j) * 1e9 / 7, 1.5) << j;
    ASSERT_EQ(sends[j].agent, static_cast<int>(j % kAgents)) << j;
    ASSERT_EQ(sends[j].thread, static_cast<int>((j / kAgents) % kThreads)) << j;
  }
}

TEST(RateSplitTest, PoissonSharesSeededPerStreamMergeIntoPoisson) {
  // Six independent Poisson streams of R/6 merge into one Poisson stream of rate R: gaps with
  // mean 1/R and CV 1 (bounds five standard errors wide, as in arrivals_test.cc).
  constexpr double kRate = 1000;
  const auto poisson = [](int agent, int thread) {
    return std::make_unique<PoissonArrivals>(StreamSeed(2026, agent, thread));
  };
  std::vector<Send> sends = MergedStreams(kRate, 3, 2, 20'000, poisson);
  // Only up to the first stream's end is the merge complete.
  int64_t horizon = INT64_MAX;
  for (int a = 0; a < 3; ++a) {
    for (int i = 0; i < 2; ++i) {
      int64_t last = 0;
      for (const Send& s : sends) {
        if (s.agent == a && s.thread == i) last = s.at_ns;
      }
      horizon = std::min(horizon, last);
    }
  }
  double sum = 0;
  double sum_sq = 0;
  int gaps = 0;
  for (size_t j = 1; j < sends.size() && sends[j].at_ns <= horizon; ++j) {
    const double gap = static_cast<double>(sends[j].at_ns - sends[j - 1].at_ns);
    sum += gap;
    sum_sq += gap * gap;
    ++gaps;
  }
  ASSERT_GT(gaps, 100'000);
  const double mean = sum / gaps;
  const double cv = std::sqrt((sum_sq - sum * mean) / (gaps - 1)) / mean;
  const double mean_rel = 1 / std::sqrt(gaps);
  const double variance_rel = std::sqrt(8.0 / gaps);
  EXPECT_NEAR(mean, 1e9 / kRate, 5 * mean_rel * 1e9 / kRate);
  EXPECT_NEAR(cv, 1, 5 * (mean_rel + variance_rel / 2));
}

TEST(RateSplitTest, AnInfiniteRateGoesToEveryShareWithSlots) {
  const double inf = std::numeric_limits<double>::infinity();
  // A cap of 3 over 4 equal shares: one share gets no slot, and then no rate either (never an
  // uncapped share kept busy).
  const std::vector<RateShare> shares = SplitRate(inf, 3, 0, {1, 1, 1, 1});
  int with_slots = 0;
  for (const RateShare& s : shares) {
    if (s.max_concurrency > 0) {
      ++with_slots;
      EXPECT_TRUE(std::isinf(s.rate));
    } else {
      EXPECT_EQ(s.rate, 0);
    }
    EXPECT_EQ(s.phase_ns, 0);
    EXPECT_EQ(s.max_queue, 0);
  }
  EXPECT_EQ(with_slots, 3);
  // Without a cap an infinite rate has nothing to keep busy: no share sends.
  for (const RateShare& s : SplitRate(inf, 0, 0, {1, 1})) EXPECT_EQ(s.rate, 0);
}

}  // namespace
}  // namespace llmload::schedule
