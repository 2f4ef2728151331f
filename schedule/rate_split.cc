#include "schedule/rate_split.h"

#include <algorithm>
#include <cmath>

#include "schedule/arrival_process.h"
#include "schedule/largest_remainder.h"

namespace llmload::schedule {
namespace {

// round(k * 1e9 / rate) ns, saturated like a gap so that the engine can add it to a time.
int64_t PhaseNs(int64_t k, double rate) {
  const double ns = static_cast<double>(k) * 1e9 / rate;
  if (!(ns < static_cast<double>(kMaxGapNs))) return kMaxGapNs;
  return std::llround(ns);
}

}  // namespace

std::vector<RateShare> SplitRate(double rate, int64_t max_concurrency, int64_t max_queue,
                                 const std::vector<double>& weights) {
  std::vector<RateShare> shares(weights.size());
  // What the rate and the queue are split by: the weights, or each share's part of the cap.
  std::vector<double> split_weights(weights.size());
  double weight_sum = 0;
  if (max_concurrency > 0) {
    const std::vector<int64_t> caps = SplitLargestRemainder(max_concurrency, weights);
    for (size_t i = 0; i < shares.size(); ++i) {
      shares[i].max_concurrency = caps[i];
      split_weights[i] = static_cast<double>(caps[i]);
    }
  } else {
    for (size_t i = 0; i < shares.size(); ++i) split_weights[i] = std::max(0.0, weights[i]);
  }
  for (double w : split_weights) weight_sum += w;
  if (max_queue > 0) {
    const std::vector<int64_t> queues = SplitLargestRemainder(max_queue, split_weights);
    for (size_t i = 0; i < shares.size(); ++i) shares[i].max_queue = queues[i];
  }
  if (std::isinf(rate) && rate > 0 && max_concurrency > 0) {
    // No schedule to split: every share with slots keeps them busy, and needs no phase.
    for (size_t i = 0; i < shares.size(); ++i) {
      if (split_weights[i] > 0) shares[i].rate = rate;
    }
    return shares;
  }
  if (!(rate > 0) || !std::isfinite(rate) || weight_sum <= 0) return shares;
  // Every share is a whole multiple of `quantum`, the spacing of doubles just below `rate`:
  // then every partial sum up to `rate` is a double, so the shares sum to `rate` exactly, in
  // any order (plain remainders can miss it by an ulp through a rounding tie). The rounding
  // moves a share by at most half an ulp of the rate.
  const double quantum = rate - std::nextafter(rate, 0.0);
  RateShare* last_with_rate = nullptr;
  int64_t with_rate = 0;
  for (size_t i = 0; i < shares.size(); ++i) {
    if (split_weights[i] <= 0) continue;
    shares[i].rate = std::round(rate * split_weights[i] / weight_sum / quantum) * quantum;
    shares[i].phase_ns = PhaseNs(with_rate++, rate);
    last_with_rate = &shares[i];
  }
  // The last share with a rate takes what is left.
  double others = 0;
  for (const RateShare& share : shares) {
    if (&share != last_with_rate) others += share.rate;
  }
  last_with_rate->rate = std::max(0.0, rate - others);
  return shares;
}

}  // namespace llmload::schedule
