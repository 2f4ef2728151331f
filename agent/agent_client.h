// AgentClient: `llmload agent`. It keeps one gRPC stream to the master, reconnecting with
// backoff, and does what the master's latest message says: run an Assignment (desired
// state) on a LoadEngine, Stop, Quit. It reports a Heartbeat every second and a StatsDelta
// every stats interval; deltas stay buffered until the master acknowledges them (Ping), and
// are resent after a reconnect (the master merges each seq once). If the master goes
// silent for 3 s or the stream breaks, load stops at once: an agent never runs unattended.
#ifndef LLMLOAD_AGENT_AGENT_CLIENT_H_
#define LLMLOAD_AGENT_AGENT_CLIENT_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "agent/agent_metrics_exporter.h"
#include "agent/load_engine.h"
#include "agent/saturation_watch.h"
#include "common/fd_limit.h"
#include "proto/llmload.pb.h"

namespace grpc {
class Channel;
}

namespace llmload::agent {

struct AgentOptions {
  std::string master;    // host:port
  std::string token;     // shared secret; empty: none
  std::string agent_id;  // default: DefaultAgentId()
  int threads = 0;       // engine threads; 0: one per core
  absl::Duration stats_interval = absl::Seconds(1);
  absl::Duration master_silence_limit = absl::Seconds(3);
  absl::Duration max_backoff = absl::Seconds(5);
  // TLS for the gRPC channel: the CA that signed the master's certificate, and for mTLS
  // this agent's own certificate and key (PEM file paths).
  // PEM contents (not paths: `llmload agent` reads and checks the files at start-up).
  // A CA turns TLS on; a certificate and key add a client certificate (mTLS).
  std::string tls_ca_pem;
  std::string tls_cert_pem;
  std::string tls_key_pem;
  // Serve this agent's own /metrics on HOST:PORT; empty or "off": no endpoint.
  std::string metrics_bind;
};

// The name an agent gives itself without --agent-id: HOST-PID-XXXXXX, the last part six hex
// digits of its random incarnation. Hostname and pid alone repeat: every container's agent
// is pid 1, and hostNetwork pods share their node's hostname.
std::string DefaultAgentId(const std::string& hostname, int pid, uint64_t incarnation);

class AgentClient {
 public:
  explicit AgentClient(AgentOptions options);
  ~AgentClient();

  // Runs until the master says Quit, refuses this agent, or a stop signal arrives (they
  // must be blocked in all threads; see common/stop_signals.h). Returns the
  // process exit code.
  int Run();

 private:
  enum class SessionEnd { kQuit, kRejected, kSignalled, kLost };
  SessionEnd RunSession();
  // Why `channel` did not connect, as gRPC says it (refused, TLS handshake, ...).
  std::string ConnectFailure(const std::shared_ptr<grpc::Channel>& channel);
  // A Welcome from a master of another run: that run's unacknowledged stats cannot be
  // delivered any more; drop them and start the sequence again.
  void StartStatsSequence(const std::string& master_run_id);
  void ApplyAssignment(const proto::Assignment& a);
  void StopEngine(absl::Duration grace);
  void CollectStats(bool final);

  AgentOptions options_;
  std::string hostname_;
  uint64_t incarnation_ = 0;
  std::unique_ptr<LoadEngine> engine_;
  std::string run_id_;        // of the latest assignment
  std::string stats_run_id_;  // the run whose stats sequence next_seq_ continues
  // Of run_id_'s --requests share, what engines already torn down (a lost master) used: an
  // engine made again for the same run gets only the rest, so a rejoin never spends it twice.
  int64_t budget_spent_ = 0;
  FdLimits fd_limits_;             // in force after Run() raised the soft limit
  std::string fd_warned_run_id_;   // the run the open-file limit warning was printed for
  bool budget_exhausted_ = false;  // the whole share is spent: nothing to run
  uint64_t generation_ = 0;
  bool stopping_ = false;
  uint32_t agent_index_ = 0;
  uint64_t next_seq_ = 1;
  std::deque<proto::StatsDelta> unacked_;  // sent or waiting to be sent, not yet acknowledged
  size_t unsent_from_ = 0;                 // index in unacked_ of the first not yet written
  proto::AgentState state_ = proto::AGENT_STATE_IDLE;
  std::string exit_message_;
  std::unique_ptr<AgentMetricsExporter> metrics_;  // null without --metrics-bind
  SaturationWatch saturation_;                     // of the current engine
};

}  // namespace llmload::agent

#endif  // LLMLOAD_AGENT_AGENT_CLIENT_H_
