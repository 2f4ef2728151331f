#include "schedule/poisson_arrivals.h"

namespace llmload::schedule {

int64_t PoissonArrivals::NextGapNs(double rate) {
  if (!(rate > 0)) return kMaxGapNs;
  return rounder_.Round(unit_(rng_) * 1e9 / rate);
}

}  // namespace llmload::schedule
