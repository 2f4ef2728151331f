// AgentRegistry: the master's book of remote agents, and the LoadSource the run loop drives
// in distributed mode. It admits agents (from the gRPC service), splits the run's users and
// spawn rate across the live ones (master/dispatch.h) and sends each its desired state as a
// new generation whenever the set of agents changes; it marks an agent missing after 3 s of
// silence (or when its stream drops) and moves its users to the others; it queues the stats
// deltas agents send, once each, and acknowledges them. Thread-safe: gRPC handler threads,
// the ticker and the run loop all call in.
#ifndef LLMLOAD_MASTER_AGENT_REGISTRY_H_
#define LLMLOAD_MASTER_AGENT_REGISTRY_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/workload_spec.h"
#include "master/load_source.h"
#include "proto/llmload.pb.h"

namespace llmload::master {

// One agent's stream, as the registry sees it: a way to send, and a way to hang up.
class AgentSession {
 public:
  virtual ~AgentSession() = default;
  // Sends one message; false when the stream is gone. Safe from any thread.
  virtual bool Send(const proto::MasterMessage& message) = 0;
  // Ends the stream (e.g. an agent that went silent), unblocking its handler.
  virtual void Cancel() = 0;
};

struct RegistryOptions {
  std::string run_id;
  absl::Duration silence_limit = absl::Seconds(3);
  absl::Duration stats_interval = absl::ZeroDuration();  // zero: the agents' own setting
};

class AgentRegistry : public LoadSource {
 public:
  AgentRegistry(WorkloadSpec spec, RegistryOptions options);

  // An agent said Hello. Sends it Welcome (and, if a run is going, its assignment); returns
  // the key the other calls take. The same agent process (same id and incarnation) coming
  // back while its old stream still looks open (a half-open connection after a partition)
  // replaces that stream, which is cancelled.
  absl::StatusOr<std::string> Join(const proto::Hello& hello,
                                   std::shared_ptr<AgentSession> session);
  void OnHeartbeat(const std::string& key, const proto::Heartbeat& heartbeat);
  // Queues a delta unless (agent, seq) was seen or it belongs to another run.
  void OnStats(const std::string& key, proto::StatsDelta delta);
  // The agent's stream ended.
  void Leave(const std::string& key, const AgentSession* session);

  // Every second: pings (with acknowledgements), and marks silent agents missing.
  void Tick();
  // Tells every connected agent to quit.
  void QuitAll(const std::string& reason);
  int ConnectedAgents();

  // LoadSource.
  using LoadSource::SetTarget;
  void SetTarget(const schedule::LoadTarget& target) override;
  void Stop(absl::Duration grace) override;
  bool Finished() override;
  bool BudgetDone() override;
  int64_t RunningUsers() override;
  int Agents() override;
  std::vector<Delta> TakeDeltas() override;
  std::vector<AgentSummary> AgentList() override;
  std::string TakeNotice() override;

 private:
  enum class State { kIdle, kRunning, kStopping, kStopped, kMissing };
  static const char* StateName(State s);

  struct Agent {
    std::string key;  // agent_id + incarnation: names its stats sequence
    std::string id;   // its name in every report: unique among this run's agents
    std::string hostname;
    uint32_t cores = 1;
    uint32_t index = 0;
    State state = State::kIdle;
    std::shared_ptr<AgentSession> session;  // null while disconnected
    int64_t last_seen_ns = 0;
    int64_t users_assigned = 0;
    int64_t users_running = 0;
    int64_t max_requests = 0;
    bool in_budget_set = false;  // received a share of --requests at the start
    int64_t trace_stripe = -1;   // its stripe of a replayed trace; -1: none
    bool budget_done = false;
    bool assigned = false;    // got work in this run
    uint64_t generation = 0;  // of its latest assignment
    // It sent its last delta for `generation` (after a Stop, or on losing the master). A new
    // assignment clears it: only a final delta of the current generation counts.
    bool final_received = false;
    uint64_t requests = 0;
    uint64_t acked_seq = 0;       // every seq <= this was received
    std::vector<uint64_t> ahead;  // received seqs beyond acked_seq
    double cpu_percent = 0;
    bool saturated = false;  // its engine said so in its latest heartbeat
  };
  using Outbox = std::vector<std::pair<std::shared_ptr<AgentSession>, proto::MasterMessage>>;

  // Recomputes every live agent's share and queues a new generation for each; caller holds mu_.
  void Redispatch(Outbox& out);
  // A trace replay: deals the stripes on the first dispatch, then makes `weights` (the live
  // agents', in order) one per stripe holder and zero for the rest.
  void WeighByStripes(const std::vector<Agent*>& live, std::vector<double>& weights);
  bool Eligible(const Agent& a) const;
  // `id` if no agent (live or gone) has that name yet, else `id~2`, `id~3`...; caller holds
  // mu_.
  std::string UniqueName(const std::string& id) const;
  void MarkMissing(Agent& a, const char* why, Outbox& out);
  static void Flush(Outbox& out);

  const WorkloadSpec spec_;
  const RegistryOptions options_;

  std::mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<Agent>> agents_;  // by key
  std::vector<Agent*> order_;                                        // join order
  bool started_ = false;
  bool stopping_ = false;
  bool budget_split_done_ = false;
  // A trace replay is striped over the agents of its first dispatch, once: each keeps its
  // stripe (and, without --trace-loop, a budget of its stripe's lines) across rebalances.
  int64_t trace_stripes_ = 0;
  schedule::LoadTarget target_;
  uint64_t generation_ = 0;
  int64_t run_start_wall_ns_ = 0;  // set by the first SetTarget; Assignment.start_at_unix_ns
  absl::Duration grace_ = absl::ZeroDuration();
  std::vector<Delta> deltas_;
  std::deque<std::string> notices_;
};

}  // namespace llmload::master

#endif  // LLMLOAD_MASTER_AGENT_REGISTRY_H_
