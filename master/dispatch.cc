#include "master/dispatch.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace llmload::master {

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

std::vector<AgentShare> SplitLoad(int64_t users, double spawn_rate, int64_t max_requests,
                                  const std::vector<double>& weights) {
  std::vector<AgentShare> shares(weights.size());
  const std::vector<int64_t> user_shares = SplitLargestRemainder(users, weights);
  const std::vector<int64_t> request_shares = max_requests > 0
                                                  ? SplitLargestRemainder(max_requests, weights)
                                                  : std::vector<int64_t>(weights.size(), 0);
  double rate_given = 0;
  int last_with_users = -1;
  for (size_t i = 0; i < shares.size(); ++i) {
    shares[i].users = user_shares[i];
    shares[i].max_requests = request_shares[i];
    if (users > 0 && user_shares[i] > 0) {
      shares[i].spawn_rate = spawn_rate * static_cast<double>(user_shares[i]) / users;
      rate_given += shares[i].spawn_rate;
      last_with_users = static_cast<int>(i);
    }
  }
  if (last_with_users >= 0) shares[last_with_users].spawn_rate += spawn_rate - rate_given;
  return shares;
}

}  // namespace llmload::master
