#include "schedule/largest_remainder.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace llmload::schedule {

std::vector<int64_t> SplitLargestRemainder(int64_t total, const std::vector<double>& weights) {
  std::vector<int64_t> shares(weights.size(), 0);
  double sum = 0;
  for (double w : weights) sum += std::max(0.0, w);
  if (total <= 0 || sum <= 0) return shares;
  std::vector<double> remainders(weights.size(), 0);
  int64_t given = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    const double exact = static_cast<double>(total) * std::max(0.0, weights[i]) / sum;
    shares[i] = static_cast<int64_t>(std::floor(exact));
    remainders[i] = exact - static_cast<double>(shares[i]);
    given += shares[i];
  }
  std::vector<size_t> order(weights.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return remainders[a] > remainders[b]; });
  // Floating-point floors can leave more than weights.size() over in pathological cases;
  // cycle until the sum is exact.
  for (size_t k = 0; given < total; k = (k + 1) % order.size()) {
    if (weights[order[k]] <= 0) continue;
    ++shares[order[k]];
    ++given;
  }
  return shares;
}

}  // namespace llmload::schedule
