// PrometheusExporter: the master's /metrics (`--metrics-bind`, in `llmload run` and
// `llmload master`), with exactly the names and labels of ../shared/METRICS.md. The run loop
// hands it every tick's LiveSnapshot and the Aggregator (RunLoopOptions::on_tick); it keeps a
// compact copy under a mutex, and renders it when Prometheus scrapes. Counters and
// histograms are read from the aggregator's run totals, never re-observed, so the scrape
// after the run equals the JSON summary exactly (same requests by class, same token sums,
// _count and _sum). Every series carries the const labels run_id and model.
// docs/observability.md documents every metric and the bucket choice below.
#ifndef LLMLOAD_MASTER_PROMETHEUS_EXPORTER_H_
#define LLMLOAD_MASTER_PROMETHEUS_EXPORTER_H_

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/error_class.h"
#include "common/metrics_endpoint.h"
#include "master/aggregator.h"
#include "master/live_snapshot.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"

namespace CLI {
class App;
}

namespace llmload::master {

// `le` bounds in seconds of the request duration and TTFT histograms: 5 ms to 2 min, about
// three per decade plus the steps people put SLOs on (e.g. 200 ms, 1.5 s).
inline constexpr std::array<double, 24> kLatencyBucketsS = {
    0.005, 0.01, 0.02, 0.035, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75,
    1,     1.5,  2,    3,     5,    7.5,   10,  15,   20,  30,  60,  120};
// `le` bounds in seconds of the ITL and TPOT histograms: token gaps are one to three orders
// of magnitude below request latencies (a few ms on a fast GPU, under 1 ms with speculative
// decoding or a mock), so they start at 0.5 ms and stop at 10 s.
inline constexpr std::array<double, 23> kTokenGapBucketsS = {
    0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04,
    0.05,   0.075, 0.1,   0.15,  0.2,   0.3,    0.5,  1,     2.5,  5,     10};
// The `quantile` label values of the current_* gauges.
// An open loop's send lateness: how late the client sent, from 100 us (on time) to 1 s.
inline constexpr std::array<double, 13> kLatenessBucketsS = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1};
inline constexpr std::array<double, 4> kCurrentQuantiles = {0.5, 0.9, 0.95, 0.99};
// The `state` label values of llmload_agents, always all exported (0 when none).
inline constexpr std::array<const char*, 5> kAgentStates = {"idle", "running", "stopping",
                                                            "stopped", "missing"};

// --metrics-bind and --metrics-linger, shared by `llmload run` and `llmload master`.
struct MetricsFlags {
  std::string bind = "0.0.0.0:9646";
  std::string linger = "0s";
  bool bind_given = false;  // set by the flag parser: --metrics-bind was on the command line
};
void AddMetricsFlags(CLI::App& app, MetricsFlags& flags);

class PrometheusExporter {
 public:
  PrometheusExporter(std::string run_id, std::string model);
  ~PrometheusExporter();
  PrometheusExporter(const PrometheusExporter&) = delete;
  PrometheusExporter& operator=(const PrometheusExporter&) = delete;

  // Takes the values of one tick (run totals, window quantiles, users, agents). Thread-safe
  // with respect to scrapes.
  void Update(const LiveSnapshot& snap, const Aggregator& aggregator);

  // Every metric family, as a scrape would see it now.
  std::vector<prometheus::MetricFamily> Collect() const;
  // The same in the Prometheus text format.
  std::string RenderText() const;

  // Starts serving /metrics on `bind` (see MetricsEndpoint::Start).
  absl::Status Serve(const std::string& bind);
  // The endpoint once Serve() succeeded, else null.
  const MetricsEndpoint* endpoint() const { return endpoint_.get(); }

  // The family names it exposes (histograms by base name, without _bucket/_sum/_count).
  static std::vector<std::string> MetricNames();

 private:
  class State;
  std::shared_ptr<State> state_;
  std::unique_ptr<MetricsEndpoint> endpoint_;
};

// Starts the exporter the flags ask for, and says where on stderr ("llmload metrics on
// http://HOST:PORT/metrics"). Null when --metrics-bind is "" or "off", or when the default
// address is taken (a warning says so: a second `llmload run` on one machine still runs).
// An explicit --metrics-bind that cannot be served is an error.
absl::StatusOr<std::unique_ptr<PrometheusExporter>> StartPrometheusExporter(
    const MetricsFlags& flags, const std::string& run_id, const std::string& model);

// After the summary: keeps /metrics up for --metrics-linger so a Prometheus can take a last
// scrape; returns early on SIGINT/SIGTERM (which must be blocked, see common/stop_signals.h).
void LingerForScrape(const PrometheusExporter* exporter, absl::Duration linger);

}  // namespace llmload::master

#endif  // LLMLOAD_MASTER_PROMETHEUS_EXPORTER_H_
