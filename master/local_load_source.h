// LocalLoadSource: the in-process engine seen as a LoadSource, for `llmload run`. It is the
// agent side of the master/agent boundary without the network in between.
#ifndef LLMLOAD_MASTER_LOCAL_LOAD_SOURCE_H_
#define LLMLOAD_MASTER_LOCAL_LOAD_SOURCE_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_format.h"
#include "agent/load_engine.h"
#include "agent/saturation_watch.h"
#include "common/clock.h"
#include "master/load_source.h"

namespace llmload::master {

class LocalLoadSource : public LoadSource {
 public:
  explicit LocalLoadSource(std::unique_ptr<agent::LoadEngine> engine)
      : engine_(std::move(engine)) {}

  using LoadSource::SetTarget;
  void SetTarget(const schedule::LoadTarget& target) override { engine_->SetTarget(target); }
  void Stop(absl::Duration grace) override { engine_->Stop(grace); }
  bool Finished() override { return engine_->finished(); }
  bool BudgetDone() override { return engine_->budget_done(); }
  int64_t RunningUsers() override { return engine_->running_users(); }
  int Agents() override { return 1; }
  std::vector<Delta> TakeDeltas() override {
    std::vector<Delta> deltas;
    if (engine_->TakeStats(&pending_)) {
      deltas.push_back(Delta{"local", ++seq_, std::move(pending_)});
      pending_ = IntervalStats();
    }
    return deltas;
  }
  // Called once a second by the run loop: the engine's saturation, when it begins.
  std::string TakeNotice() override {
    const int64_t now = MonotonicNowNs();
    const std::optional<double> busy =
        saturation_.Sample(engine_->busy_ns(now), now, engine_->threads());
    if (!busy) return "";
    return absl::StrFormat(
        "llmload: warning: the load engine is saturated (%.0f%% busy on %d thread(s)): "
        "latencies now include llmload's own queueing; use more --threads (one per core) or "
        "agents, or fewer users",
        100 * *busy, engine_->threads());
  }

 private:
  agent::SaturationWatch saturation_;
  std::unique_ptr<agent::LoadEngine> engine_;
  uint64_t seq_ = 0;
  IntervalStats pending_;  // reused while the engine has nothing new
};

}  // namespace llmload::master

#endif  // LLMLOAD_MASTER_LOCAL_LOAD_SOURCE_H_
