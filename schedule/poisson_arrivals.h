// Poisson arrivals: exponentially distributed gaps with mean 1/rate (vLLM's --request-rate
// with burstiness 1, guidellm's "poisson", seed 002's --rate). Independent Poisson streams
// merge into one Poisson stream of the summed rate, so each agent and thread draws its own
// share from its own seed (schedule/arrival_table.h's StreamSeed) with no coordination.
#ifndef LLMLOAD_SCHEDULE_POISSON_ARRIVALS_H_
#define LLMLOAD_SCHEDULE_POISSON_ARRIVALS_H_

#include <cstdint>
#include <random>

#include "schedule/arrival_process.h"
#include "schedule/gap_rounder.h"

namespace llmload::schedule {

class PoissonArrivals : public ArrivalProcess {
 public:
  explicit PoissonArrivals(uint64_t seed) : rng_(seed) {}
  int64_t NextGapNs(double rate) override;

 private:
  std::mt19937_64 rng_;
  // Unit mean, scaled by 1/rate on each draw, so that the rate may change between draws.
  std::exponential_distribution<double> unit_{1.0};
  GapRounder rounder_;
};

}  // namespace llmload::schedule

#endif  // LLMLOAD_SCHEDULE_POISSON_ARRIVALS_H_
