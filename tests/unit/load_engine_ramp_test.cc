// The engine's spawn ramp when the target changes mid-ramp (a master rebalancing after an
// agent joins or leaves): users not started yet follow the new schedule only, so the engine
// never starts users faster than the spawn rate. The endpoint is a closed loopback port: users
// count as running whether or not their requests connect.
#include <chrono>
#include <thread>

#include "agent/load_engine.h"
#include "common/clock.h"
#include "gtest/gtest.h"

namespace llmload::agent {
namespace {

WorkloadSpec RefusedEndpointSpec() {
  WorkloadSpec spec;
  spec.url = "http://127.0.0.1:1/v1/chat/completions";  // nothing listens: refused at once
  spec.model = "m";
  spec.prompts = {{"p", "hello"}};
  return spec;
}

// At most one user at once plus one per 1/rate since the ramp began, and a little slack for
// a user whose timer is due as we look.
void ExpectWithinRate(const LoadEngine& engine, int64_t ramp_start_ns, double rate) {
  const int64_t users = engine.running_users();
  const double elapsed_s = static_cast<double>(MonotonicNowNs() - ramp_start_ns) / 1e9;
  EXPECT_LE(users, 1 + static_cast<int64_t>(rate * elapsed_s) + 1) << "after " << elapsed_s << " s";
}

TEST(LoadEngineRampTest, RetargetMidRampKeepsTheSpawnRate) {
  EngineOptions options;
  options.threads = 2;
  auto engine = LoadEngine::Create(RefusedEndpointSpec(), options);
  ASSERT_TRUE(engine.ok()) << engine.status();
  const int64_t start = MonotonicNowNs();
  (*engine)->Start(start);
  constexpr double kRate = 10;
  (*engine)->SetTarget({.users = 10, .spawn_rate = kRate, .open = {}});
  std::this_thread::sleep_for(std::chrono::milliseconds(350));
  // A rebalance: more users, same rate. Before the fix the 6 users still waiting kept their
  // old timers while the 10 new ones started a second schedule: ~20 users/s for a while.
  (*engine)->SetTarget({.users = 20, .spawn_rate = kRate, .open = {}});
  for (int i = 0; i < 8; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    ExpectWithinRate(**engine, start, kRate);
  }
  EXPECT_GT((*engine)->running_users(), 4);  // the ramp did go on
  (*engine)->Stop(absl::ZeroDuration());
  (*engine)->Join();
}

}  // namespace
}  // namespace llmload::agent
