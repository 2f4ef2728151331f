// Gamma arrivals: gamma-distributed gaps of shape k (the burstiness) and scale 1/(k*rate), so
// the mean gap is 1/rate whatever k is and the coefficient of variation is 1/sqrt(k): k = 1 is
// Poisson, k < 1 burstier, k > 1 more even. The same semantics as vLLM's `--burstiness`.
#ifndef LLMLOAD_SCHEDULE_GAMMA_ARRIVALS_H_
#define LLMLOAD_SCHEDULE_GAMMA_ARRIVALS_H_

#include <cstdint>
#include <random>

#include "schedule/arrival_process.h"
#include "schedule/gap_rounder.h"

namespace llmload::schedule {

class GammaArrivals : public ArrivalProcess {
 public:
  // `burstiness` must be finite and > 0 (CreateArrivalProcess checks it).
  GammaArrivals(double burstiness, uint64_t seed)
      : rng_(seed), burstiness_(burstiness), unit_scale_(burstiness, 1.0) {}
  int64_t NextGapNs(double rate) override;

 private:
  std::mt19937_64 rng_;
  double burstiness_;
  // Shape k, scale 1: scaled by 1/(k*rate) on each draw, so that the rate may change.
  std::gamma_distribution<double> unit_scale_;
  GapRounder rounder_;
};

}  // namespace llmload::schedule

#endif  // LLMLOAD_SCHEDULE_GAMMA_ARRIVALS_H_
