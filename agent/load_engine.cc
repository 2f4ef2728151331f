#include "agent/load_engine.h"

#include <algorithm>
#include <optional>
#include <thread>
#include <utility>

#include "common/clock.h"
#include "common/usable_cores.h"
#include "schedule/arrival_table.h"
#include "schedule/rate_split.h"
#include "schedule/trace_replay.h"

namespace llmload::agent {

namespace {

// A trace replay's prompts, one per line of this engine's stripe, in the stripe's order (the
// trace itself is dropped from the engine's copy), and each thread's stream of them: thread t
// of n sends the stripe's lines t, t + n, ... at their offsets.
struct TraceStreams {
  WorkloadSpec spec;
  std::vector<uint32_t> lines;  // by prompt: its line's index in the trace
  std::vector<std::unique_ptr<schedule::ArrivalProcess>> streams;
};

TraceStreams ReplayStripe(const WorkloadSpec& spec, const EngineOptions& options, int threads) {
  TraceStreams out;
  out.spec = spec;
  out.spec.trace.clear();
  out.spec.trace.shrink_to_fit();
  out.spec.prompts.clear();
  const std::vector<size_t> lines =
      schedule::StripeLines(spec.trace.size(), options.trace_stripe, options.trace_stripes);
  for (size_t j : lines) {
    out.lines.push_back(static_cast<uint32_t>(j));
    out.spec.prompts.push_back(
        schedule::TracePrompt(spec.trace[j], spec.trace_name, spec.trace_block_tokens));
  }
  // An engine with no line of its own (it joined after the replay began) sends nothing, but
  // an engine is built from at least one prompt.
  if (out.spec.prompts.empty()) {
    out.spec.prompts.push_back(
        schedule::TracePrompt(spec.trace.front(), spec.trace_name, spec.trace_block_tokens));
  }
  const int64_t period = schedule::TraceLoopPeriodNs(spec.trace);
  for (int t = 0; t < threads; ++t) {
    std::vector<int64_t> offsets, prompts;
    for (size_t k = static_cast<size_t>(t); k < lines.size(); k += static_cast<size_t>(threads)) {
      offsets.push_back(spec.trace[lines[k]].offset_ns);
      prompts.push_back(static_cast<int64_t>(k));
    }
    const int64_t skip =
        options.trace_sent >= 0
            ? schedule::ThreadShareOfSends(options.trace_sent, static_cast<int64_t>(lines.size()),
                                           t, threads)
            : schedule::SendsDueBefore(offsets, period, spec.trace_speed, spec.trace_loop,
                                       options.trace_elapsed_ns);
    out.streams.push_back(std::make_unique<schedule::TraceArrivals>(
        std::move(offsets), std::move(prompts), period, spec.trace_speed, spec.trace_loop, skip));
  }
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<LoadEngine>> LoadEngine::Create(const WorkloadSpec& spec,
                                                               const EngineOptions& options) {
  int n = options.threads > 0 ? options.threads : UsableCores();
  std::optional<TraceStreams> trace;
  if (spec.open_loop && !spec.trace.empty()) {
    // Every thread of a capped replay gets a slot, so none has lines it can only drop.
    if (spec.max_concurrency > 0) {
      const int64_t slots =
          options.max_concurrency_share > 0 ? options.max_concurrency_share : spec.max_concurrency;
      n = static_cast<int>(std::min<int64_t>(n, slots));
    }
    trace = ReplayStripe(spec, options, n);
  }
  absl::StatusOr<std::unique_ptr<EngineShared>> shared =
      MakeEngineShared(trace ? trace->spec : spec, options.agent_index);
  if (!shared.ok()) return shared.status();
  auto engine = std::make_unique<LoadEngine>(PrivateTag());
  engine->shared_ = std::move(*shared);
  if (trace) engine->shared_->record_prompt_index = std::move(trace->lines);
  for (int i = 0; i < n; ++i) {
    std::unique_ptr<schedule::ArrivalProcess> arrivals;
    if (trace) {
      arrivals = std::move(trace->streams[static_cast<size_t>(i)]);
    } else if (spec.open_loop) {
      // Each thread's stream is seeded on its own, so that shares are independent processes
      // (Poisson shares then sum to one Poisson stream) and a --seed replays the schedule.
      absl::StatusOr<std::unique_ptr<schedule::ArrivalProcess>> made =
          schedule::CreateArrivalProcess(
              spec.arrival, spec.burstiness,
              schedule::StreamSeed(spec.seed, options.agent_index, static_cast<uint64_t>(i)));
      if (!made.ok()) return made.status();
      arrivals = *std::move(made);
    }
    engine->threads_.push_back(
        std::make_unique<EngineThread>(*engine->shared_, i, n, std::move(arrivals)));
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

void LoadEngine::SetTarget(const schedule::LoadTarget& target) {
  const int64_t now = MonotonicNowNs();
  const int64_t spawned = running_users();
  if (!shared_->spec.open_loop) {
    for (auto& t : threads_) t->SetTarget(target, now, spawned);
    return;
  }
  // The engine's share of the rate, split over its threads as the master split the run's
  // over agents; every thread's stream starts at the run's start (on the master's time line)
  // plus its phase.
  const std::vector<schedule::RateShare> shares =
      schedule::SplitRate(target.open.rate, target.open.max_concurrency, target.open.max_queue,
                          std::vector<double>(threads_.size(), 1.0));
  for (size_t i = 0; i < threads_.size(); ++i) {
    schedule::LoadTarget mine = target;
    mine.open = shares[i];
    mine.open.phase_ns += target.open.phase_ns;
    threads_[i]->SetTarget(mine, shared_->run_start_ns, spawned);
  }
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
