#include "agent/agent_metrics_exporter.h"

#include <mutex>

#include "prometheus/collectable.h"
#include "prometheus/text_serializer.h"

namespace llmload::agent {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

class AgentMetricsExporter::State : public prometheus::Collectable {
 public:
  explicit State(std::string agent_id) : agent_id_(std::move(agent_id)) {}

  void Update(const AgentLoad& load) {
    std::lock_guard<std::mutex> lock(mu_);
    load_ = load;
  }

  std::vector<MetricFamily> Collect() const override {
    AgentLoad load;
    {
      std::lock_guard<std::mutex> lock(mu_);
      load = load_;
    }
    std::vector<MetricFamily> out;
    Gauge(out, "llmload_agent_cpu_percent",
          "Agent process CPU over the last second, percent of one core", load.cpu_percent);
    Gauge(out, "llmload_agent_event_loop_lag_seconds",
          "How late the agent's control loop woke up (it ticks every 100 ms)", load.loop_lag_s);
    Gauge(out, "llmload_agent_active_connections", "Requests in flight (each holds one connection)",
          static_cast<double>(load.in_flight));
    Gauge(out, "llmload_agent_users", "Virtual users running on this agent",
          static_cast<double>(load.users));
    Gauge(out, "llmload_agent_engine_busy_percent",
          "Share of the last second the engine's event loops worked rather than waited (100 = "
          "all busy; above 90 its latencies include its own queueing)",
          load.engine_busy_percent);
    return out;
  }

 private:
  void Gauge(std::vector<MetricFamily>& out, const char* name, const char* help,
             double value) const {
    ClientMetric m;
    m.label.push_back({"agent_id", agent_id_});
    m.gauge.value = value;
    out.push_back(MetricFamily{name, help, MetricType::Gauge, {m}});
  }

  const std::string agent_id_;
  mutable std::mutex mu_;
  AgentLoad load_;
};

AgentMetricsExporter::AgentMetricsExporter(std::string agent_id)
    : state_(std::make_shared<State>(std::move(agent_id))) {}

AgentMetricsExporter::~AgentMetricsExporter() { endpoint_.reset(); }

void AgentMetricsExporter::Update(const AgentLoad& load) { state_->Update(load); }

std::vector<MetricFamily> AgentMetricsExporter::Collect() const { return state_->Collect(); }

std::string AgentMetricsExporter::RenderText() const {
  return prometheus::TextSerializer().Serialize(Collect());
}

absl::Status AgentMetricsExporter::Serve(const std::string& bind) {
  absl::StatusOr<std::unique_ptr<MetricsEndpoint>> endpoint = MetricsEndpoint::Start(bind, state_);
  if (!endpoint.ok()) return endpoint.status();
  endpoint_ = std::move(*endpoint);
  return absl::OkStatus();
}

}  // namespace llmload::agent
