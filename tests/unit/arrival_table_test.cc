#include "schedule/arrival_table.h"

#include <limits>
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "schedule/gamma_arrivals.h"

namespace llmload::schedule {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ArrivalTableTest, NamesPoissonFirstThenConstantAndGamma) {
  EXPECT_THAT(ArrivalNames(), ElementsAre("poisson", "constant", "gamma"));
  ASSERT_NE(FindArrival("gamma"), nullptr);
  EXPECT_TRUE(FindArrival("gamma")->uses_burstiness);
  EXPECT_FALSE(FindArrival("poisson")->uses_burstiness);
  EXPECT_FALSE(FindArrival("constant")->uses_burstiness);
  EXPECT_EQ(FindArrival("Poisson"), nullptr);
  EXPECT_EQ(FindArrival(""), nullptr);
  for (const std::string& name : ArrivalNames()) {
    EXPECT_FALSE(FindArrival(name)->description.empty()) << name;
  }
}

TEST(ArrivalTableTest, EveryEntryMakesAStreamAtTheRequestedRate) {
  for (const std::string& name : ArrivalNames()) {
    absl::StatusOr<std::unique_ptr<ArrivalProcess>> process = CreateArrivalProcess(name, 1, 9);
    ASSERT_TRUE(process.ok()) << process.status();
    double sum = 0;
    constexpr int kDraws = 10'000;
    for (int i = 0; i < kDraws; ++i) sum += static_cast<double>((*process)->NextGapNs(500));
    // Mean 2 ms; CV at most 1 here, so 5 standard errors are 5%.
    EXPECT_NEAR(sum / kDraws, 2e6, 0.05 * 2e6) << name;
  }
}

TEST(ArrivalTableTest, GammaFromTheTableIsTheSeededGammaProcess) {
  absl::StatusOr<std::unique_ptr<ArrivalProcess>> made = CreateArrivalProcess("gamma", 0.3, 77);
  ASSERT_TRUE(made.ok()) << made.status();
  GammaArrivals direct(0.3, 77);
  for (int i = 0; i < 100; ++i) ASSERT_EQ((*made)->NextGapNs(10), direct.NextGapNs(10));
}

TEST(ArrivalTableTest, UnknownNameListsTheKnownOnes) {
  absl::StatusOr<std::unique_ptr<ArrivalProcess>> made = CreateArrivalProcess("uniform", 1, 1);
  ASSERT_EQ(made.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(made.status().message(), HasSubstr("'uniform'"));
  EXPECT_THAT(made.status().message(), HasSubstr("poisson, constant, gamma"));
}

TEST(ArrivalTableTest, BurstinessMustBeFiniteAndPositive) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  for (double bad : {0.0, -1.0, kInf, -kInf, std::numeric_limits<double>::quiet_NaN()}) {
    for (const char* name : {"gamma", "poisson"}) {
      absl::StatusOr<std::unique_ptr<ArrivalProcess>> made = CreateArrivalProcess(name, bad, 1);
      ASSERT_EQ(made.status().code(), absl::StatusCode::kInvalidArgument) << name << " " << bad;
      EXPECT_THAT(made.status().message(), HasSubstr("burstiness")) << name;
    }
  }
  EXPECT_TRUE(CreateArrivalProcess("gamma", 1e-3, 1).ok());
  EXPECT_TRUE(CreateArrivalProcess("gamma", 1e6, 1).ok());
}

TEST(ArrivalStreamSeedTest, EveryStreamOfARunHasItsOwnReproducibleSeed) {
  std::set<uint64_t> seen;
  for (uint64_t run : {0ULL, 1ULL, 12345ULL}) {
    for (uint64_t agent = 0; agent < 64; ++agent) {
      for (uint64_t thread = 0; thread < 64; ++thread) {
        const uint64_t seed = StreamSeed(run, agent, thread);
        EXPECT_TRUE(seen.insert(seed).second) << run << "/" << agent << "/" << thread;
        EXPECT_EQ(seed, StreamSeed(run, agent, thread));
      }
    }
  }
  // Swapping the indices gives another stream.
  EXPECT_NE(StreamSeed(5, 1, 2), StreamSeed(5, 2, 1));
}

TEST(ArrivalStreamSeedTest, NeighbouringSeedsDifferInAboutHalfTheirBits) {
  // splitmix64 mixing: seeds of neighbouring threads are unrelated, not off by one.
  int bits = 0;
  constexpr int kPairs = 1000;
  for (uint64_t thread = 0; thread < kPairs; ++thread) {
    bits += __builtin_popcountll(StreamSeed(7, 0, thread) ^ StreamSeed(7, 0, thread + 1));
  }
  // 32 bits a pair on average, standard deviation 4 a pair: 0.13 over the mean of 1000.
  EXPECT_NEAR(static_cast<double>(bits) / kPairs, 32, 1.0);
}

}  // namespace
}  // namespace llmload::schedule
