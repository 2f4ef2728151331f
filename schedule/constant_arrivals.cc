#include "schedule/constant_arrivals.h"

namespace llmload::schedule {

int64_t ConstantArrivals::NextGapNs(double rate) {
  if (!(rate > 0)) return kMaxGapNs;
  return rounder_.Round(1e9 / rate);
}

}  // namespace llmload::schedule
