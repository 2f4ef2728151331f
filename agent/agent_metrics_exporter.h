// AgentMetricsExporter: an agent's own /metrics (`llmload agent --metrics-bind`, off by
// default), for telling an overloaded agent from a slow endpoint: its CPU, the lag of its
// control loop, its in-flight requests and its users, as the last heartbeat reported them to
// the master. Every series carries the const label agent_id. docs/observability.md lists them.
#ifndef LLMLOAD_AGENT_AGENT_METRICS_EXPORTER_H_
#define LLMLOAD_AGENT_AGENT_METRICS_EXPORTER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/metrics_endpoint.h"
#include "prometheus/metric_family.h"

namespace llmload::agent {

// One heartbeat's worth of load figures.
struct AgentLoad {
  double cpu_percent = 0;  // process CPU over the last second; 100 = one core busy
  double loop_lag_s = 0;   // how late the agent's control loop woke up
  int64_t in_flight = 0;   // requests sent and not yet ended (one connection each)
  int64_t users = 0;       // virtual users running
  // Share of time the engine's event loops worked rather than waited, over the last second;
  // 100 = every engine thread busy (agent/saturation_watch.h warns above 90).
  double engine_busy_percent = 0;
};

class AgentMetricsExporter {
 public:
  explicit AgentMetricsExporter(std::string agent_id);
  ~AgentMetricsExporter();
  AgentMetricsExporter(const AgentMetricsExporter&) = delete;
  AgentMetricsExporter& operator=(const AgentMetricsExporter&) = delete;

  // Thread-safe with respect to scrapes.
  void Update(const AgentLoad& load);

  std::vector<prometheus::MetricFamily> Collect() const;
  std::string RenderText() const;

  // Starts serving /metrics on `bind` (see MetricsEndpoint::Start).
  absl::Status Serve(const std::string& bind);
  const MetricsEndpoint* endpoint() const { return endpoint_.get(); }

 private:
  class State;
  std::shared_ptr<State> state_;
  std::unique_ptr<MetricsEndpoint> endpoint_;
};

}  // namespace llmload::agent

#endif  // LLMLOAD_AGENT_AGENT_METRICS_EXPORTER_H_
