// LoadSource: what the master's run loop drives. `llmload run` plugs in the in-process
// engine; `llmload master` plugs in its remote agents. Both speak desired state (a user
// target and a spawn rate) and hand back stats deltas numbered per source, so the run loop,
// the aggregator and every output are the same code in both modes.
#ifndef LLMLOAD_MASTER_LOAD_SOURCE_H_
#define LLMLOAD_MASTER_LOAD_SOURCE_H_

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "absl/time/time.h"
#include "common/interval_stats.h"
#include "master/run_summary.h"
#include "proto/llmload.pb.h"
#include "schedule/load_target.h"

namespace llmload::master {

class LoadSource {
 public:
  // What one source measured since its previous delta: in memory from the local engine, or
  // as it came off the wire from an agent (decoded straight into the aggregator, never into
  // a temporary IntervalStats).
  struct Delta {
    std::string source;
    uint64_t seq = 0;
    std::variant<IntervalStats, proto::StatsDelta> stats;
  };

  virtual ~LoadSource() = default;
  // Starts (or retargets) the load to the run's total target (schedule/load_target.h).
  virtual void SetTarget(const schedule::LoadTarget& target) = 0;
  // A closed loop's target: `users` in total, new ones at `spawn_rate` per second.
  void SetTarget(int64_t users, double spawn_rate) {
    SetTarget(schedule::LoadTarget{.users = users, .spawn_rate = spawn_rate, .open = {}});
  }
  // No new requests; in-flight ones get `grace`, then are cancelled.
  virtual void Stop(absl::Duration grace) = 0;
  // True once stopped and every in-flight request has ended.
  virtual bool Finished() = 0;
  // True when --requests is used up and nothing is in flight.
  virtual bool BudgetDone() = 0;
  virtual int64_t RunningUsers() = 0;
  virtual int Agents() = 0;
  virtual std::vector<Delta> TakeDeltas() = 0;
  virtual std::vector<AgentSummary> AgentList() { return {}; }
  // One line of trouble to show the user (e.g. an agent went missing), or empty.
  virtual std::string TakeNotice() { return ""; }
};

}  // namespace llmload::master

#endif  // LLMLOAD_MASTER_LOAD_SOURCE_H_
