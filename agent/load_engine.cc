#include "agent/load_engine.h"

#include <algorithm>
#include <thread>

#include "common/clock.h"
#include "common/usable_cores.h"

namespace llmload::agent {

absl::StatusOr<std::unique_ptr<LoadEngine>> LoadEngine::Create(const WorkloadSpec& spec,
                                                               const EngineOptions& options) {
  absl::StatusOr<std::unique_ptr<EngineShared>> shared =
      MakeEngineShared(spec, options.agent_index);
  if (!shared.ok()) return shared.status();
  auto engine = std::make_unique<LoadEngine>(PrivateTag());
  engine->shared_ = std::move(*shared);
  const int n = options.threads > 0 ? options.threads : UsableCores();
  for (int i = 0; i < n; ++i) {
    engine->threads_.push_back(std::make_unique<EngineThread>(*engine->shared_, i, n));
  }
  return engine;
}

LoadEngine::~LoadEngine() {
  if (!finished()) Stop(absl::ZeroDuration());
  Join();
}

void LoadEngine::Start(int64_t run_start_ns) {
  shared_->run_start_ns = run_start_ns;
  for (auto& t : threads_) t->Start();
}

void LoadEngine::SetTarget(int64_t users, double spawn_rate) {
  const int64_t now = MonotonicNowNs();
  const int64_t spawned = running_users();
  for (auto& t : threads_) t->SetTarget(users, spawn_rate, now, spawned);
}

void LoadEngine::Stop(absl::Duration grace) {
  const int64_t deadline = MonotonicNowNs() + absl::ToInt64Nanoseconds(grace);
  for (auto& t : threads_) t->Stop(deadline);
}

void LoadEngine::Join() {
  for (auto& t : threads_) t->Join();
}

bool LoadEngine::TakeStats(IntervalStats* out) {
  bool any = false;
  for (auto& t : threads_) any = t->TakeStats(out) || any;
  return any;
}

int64_t LoadEngine::running_users() const {
  int64_t n = 0;
  for (const auto& t : threads_) n += t->running_users();
  return n;
}

int64_t LoadEngine::in_flight() const {
  int64_t n = 0;
  for (const auto& t : threads_) n += t->in_flight();
  return n;
}

int64_t LoadEngine::busy_ns(int64_t now_ns) const {
  int64_t n = 0;
  for (const auto& t : threads_) n += t->busy_ns(now_ns);
  return n;
}

int64_t LoadEngine::requests_started() const {
  if (shared_->spec.max_requests <= 0) return 0;
  // A slot is counted even when the take fails at the limit.
  return std::min(shared_->requests_started.load(std::memory_order_relaxed),
                  shared_->spec.max_requests);
}

bool LoadEngine::budget_done() const { return shared_->budget_exhausted() && in_flight() == 0; }

bool LoadEngine::finished() const {
  for (const auto& t : threads_) {
    if (!t->finished()) return false;
  }
  return true;
}

}  // namespace llmload::agent
