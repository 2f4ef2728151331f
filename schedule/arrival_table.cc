#include "schedule/arrival_table.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/splitmix64.h"
#include "schedule/constant_arrivals.h"
#include "schedule/gamma_arrivals.h"
#include "schedule/poisson_arrivals.h"

namespace llmload::schedule {
namespace {

constexpr ArrivalEntry kArrivals[] = {
    {"poisson", "exponential gaps, mean 1/rate (memoryless arrivals)", false,
     [](double, uint64_t seed) -> std::unique_ptr<ArrivalProcess> {
       return std::make_unique<PoissonArrivals>(seed);
     }},
    {"constant", "evenly spaced sends, one every 1/rate", false,
     [](double, uint64_t) -> std::unique_ptr<ArrivalProcess> {
       return std::make_unique<ConstantArrivals>();
     }},
    {"gamma", "gamma gaps of shape --burstiness, mean 1/rate (1 = poisson, below 1 burstier)", true,
     [](double burstiness, uint64_t seed) -> std::unique_ptr<ArrivalProcess> {
       return std::make_unique<GammaArrivals>(burstiness, seed);
     }},
};

}  // namespace

const ArrivalEntry* FindArrival(absl::string_view name) {
  for (const ArrivalEntry& entry : kArrivals) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

std::vector<std::string> ArrivalNames() {
  std::vector<std::string> names;
  for (const ArrivalEntry& entry : kArrivals) names.emplace_back(entry.name);
  return names;
}

absl::StatusOr<std::unique_ptr<ArrivalProcess>> CreateArrivalProcess(absl::string_view name,
                                                                     double burstiness,
                                                                     uint64_t seed) {
  const ArrivalEntry* entry = FindArrival(name);
  if (entry == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown arrival process '", name, "' (known: ", absl::StrJoin(ArrivalNames(), ", "), ")"));
  }
  if (!(burstiness > 0) || !std::isfinite(burstiness)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "burstiness must be a finite number > 0 (the gamma shape; 1 = poisson), got ", burstiness));
  }
  return entry->create(burstiness, seed);
}

uint64_t StreamSeed(uint64_t run_seed, uint64_t agent_index, uint64_t thread_index) {
  return SplitMix64(SplitMix64(SplitMix64(run_seed) ^ agent_index) ^ thread_index);
}

}  // namespace llmload::schedule
