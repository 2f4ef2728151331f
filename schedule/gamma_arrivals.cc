#include "schedule/gamma_arrivals.h"

namespace llmload::schedule {

int64_t GammaArrivals::NextGapNs(double rate) {
  if (!(rate > 0)) return kMaxGapNs;
  return rounder_.Round(unit_scale_(rng_) * 1e9 / (burstiness_ * rate));
}

}  // namespace llmload::schedule
