#include "master/dispatch.h"

#include <cstddef>

#include "schedule/largest_remainder.h"

namespace llmload::master {

std::vector<AgentShare> SplitLoad(int64_t users, double spawn_rate, int64_t max_requests,
                                  const std::vector<double>& weights) {
  std::vector<AgentShare> shares(weights.size());
  const std::vector<int64_t> user_shares = schedule::SplitLargestRemainder(users, weights);
  const std::vector<int64_t> request_shares =
      max_requests > 0 ? schedule::SplitLargestRemainder(max_requests, weights)
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
