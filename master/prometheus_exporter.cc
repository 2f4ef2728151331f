#include "master/prometheus_exporter.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/clock.h"
#include "common/stop_signals.h"
#include "prometheus/text_serializer.h"

namespace llmload::master {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

// One histogram as Prometheus sees it: cumulative counts at each bound, then +Inf.
struct HistogramSample {
  std::vector<uint64_t> cumulative;  // one per bound
  uint64_t count = 0;
  double sum_s = 0;
};

template <size_t N>
HistogramSample SampleHistogram(const LatencyHistogram& h, const std::array<double, N>& bounds) {
  HistogramSample s;
  s.cumulative.reserve(N);
  for (double bound_s : bounds) {
    // Bounds are whole nanoseconds (e.g. 0.0075 s = 7500000 ns); round, do not truncate.
    s.cumulative.push_back(h.CountAtOrBelow(std::llround(bound_s * kNsPerSecond)));
  }
  s.count = h.count();
  s.sum_s = static_cast<double>(h.sum_ns()) / kNsPerSecond;
  return s;
}

std::string FormatQuantile(double q) { return absl::StrFormat("%g", q); }

}  // namespace

// The values of the last tick, and their rendering at scrape time.
class PrometheusExporter::State : public prometheus::Collectable {
 public:
  State(std::string run_id, std::string model)
      : run_id_(std::move(run_id)), model_(std::move(model)) {
    for (const char* s : kAgentStates) agents_[s] = 0;
  }

  void Update(const LiveSnapshot& snap, const Aggregator& aggregator) {
    const IntervalStats& t = aggregator.totals();
    // Everything heavy (bucket scans) happens before taking the lock.
    HistogramSample e2e = SampleHistogram(t.e2e, kLatencyBucketsS);
    HistogramSample ttft = SampleHistogram(t.ttft, kLatencyBucketsS);
    HistogramSample itl = SampleHistogram(t.itl, kTokenGapBucketsS);
    HistogramSample tpot = SampleHistogram(t.tpot, kTokenGapBucketsS);
    HistogramSample lateness = SampleHistogram(t.send_lateness, kLatenessBucketsS);
    std::map<std::string, int64_t> agents;
    for (const char* s : kAgentStates) agents[s] = 0;
    for (const auto& [state, n] : snap.agents_by_state) agents[state] += n;

    std::lock_guard<std::mutex> lock(mu_);
    outcomes_ = t.outcomes;
    attempts_ = t.attempts;
    retries_ = t.retries;
    input_tokens_ = t.input_tokens;
    output_tokens_ = t.output_tokens;
    e2e_ = std::move(e2e);
    ttft_ = std::move(ttft);
    itl_ = std::move(itl);
    tpot_ = std::move(tpot);
    users_ = snap.users;
    target_users_ = snap.target_users;
    open_loop_ = snap.open_loop;
    target_rate_ = snap.target_rate;
    stage_ = snap.stage;
    sweep_step_ = snap.sweep_step;
    sweep_kind_ = snap.sweep_kind;
    dropped_ = t.dropped;
    lateness_ = std::move(lateness);
    agents_ = std::move(agents);
    qps_ = snap.qps;
    rpm_ = snap.rpm;
    latency_ = snap.latency;
    ttft_window_ = snap.ttft;
  }

  std::vector<MetricFamily> Collect() const override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<MetricFamily> out;

    MetricFamily& requests = Family(out, "llmload_requests_total", MetricType::Counter,
                                    "Requests ended, by status: success or the error class "
                                    "(cancelled: stopped by llmload, not a failure)");
    for (size_t i = 0; i < kErrorClassCount; ++i) {
      ClientMetric& m =
          Series(requests, "status", std::string(ErrorClassName(static_cast<ErrorClass>(i))));
      m.counter.value = static_cast<double>(outcomes_[i]);
    }
    Series(Family(out, "llmload_attempts_total", MetricType::Counter,
                  "Attempts sent: one per request plus one per retry (--retries)"))
        .counter.value = static_cast<double>(attempts_);
    MetricFamily& retries = Family(out, "llmload_retries_total", MetricType::Counter,
                                   "Attempts that were sent again, by their error class");
    for (size_t i = 0; i < kErrorClassCount; ++i) {
      const auto c = static_cast<ErrorClass>(i);
      if (c == ErrorClass::kSuccess || c == ErrorClass::kCancelled) continue;
      Series(retries, "status", std::string(ErrorClassName(c))).counter.value =
          static_cast<double>(retries_[i]);
    }
    Series(Family(out, "llmload_output_tokens_total", MetricType::Counter,
                  "Output (generated) tokens of ended requests"))
        .counter.value = static_cast<double>(output_tokens_);
    Series(Family(out, "llmload_input_tokens_total", MetricType::Counter,
                  "Input (prompt) tokens of ended requests"))
        .counter.value = static_cast<double>(input_tokens_);

    AddHistogram(out, "llmload_request_duration_seconds",
                 "End-to-end latency of successful requests, send to last byte", kLatencyBucketsS,
                 e2e_);
    AddHistogram(out, "llmload_time_to_first_token_seconds",
                 "Time to first token of successful requests", kLatencyBucketsS, ttft_);
    AddHistogram(out, "llmload_inter_token_latency_seconds",
                 "Gaps between consecutive content chunks (one sample per gap)", kTokenGapBucketsS,
                 itl_);
    AddHistogram(out, "llmload_time_per_output_token_seconds",
                 "(e2e - TTFT) / (output tokens - 1), per successful request with > 1 token",
                 kTokenGapBucketsS, tpot_);

    Series(Family(out, "llmload_users", MetricType::Gauge, "Virtual users running now"))
        .gauge.value = static_cast<double>(users_);
    Series(Family(out, "llmload_target_users", MetricType::Gauge, "Virtual users the run ramps to"))
        .gauge.value = static_cast<double>(target_users_);
    if (open_loop_) {
      Series(Family(out, "llmload_target_rate", MetricType::Gauge,
                    "Open loop: requests per second the schedule asks for now"))
          .gauge.value = target_rate_;
      Series(Family(out, "llmload_dropped_total", MetricType::Counter,
                    "Open loop: arrivals not sent (the --max-concurrency queue was full)"))
          .counter.value = static_cast<double>(dropped_);
      AddHistogram(out, "llmload_send_lateness_seconds",
                   "Open loop: actual minus scheduled send time of each request", kLatenessBucketsS,
                   lateness_);
    }
    if (stage_ >= 0) {
      Series(Family(out, "llmload_stage", MetricType::Gauge,
                    "Index of the --stages stage in force (from 0)"))
          .gauge.value = stage_;
    }
    if (sweep_step_ >= 0) {
      Series(Family(out, "llmload_sweep_step", MetricType::Gauge,
                    "Index of the sweep's step in force (from 0), labelled with its kind"),
             "kind", sweep_kind_)
          .gauge.value = sweep_step_;
    }
    MetricFamily& agents = Family(out, "llmload_agents", MetricType::Gauge, "Agents, by state");
    for (const auto& [state, n] : agents_) {
      Series(agents, "state", state).gauge.value = static_cast<double>(n);
    }
    Series(Family(out, "llmload_current_qps", MetricType::Gauge,
                  "Requests per second over the sliding window (--window)"))
        .gauge.value = qps_;
    Series(Family(out, "llmload_current_rpm", MetricType::Gauge,
                  "Requests per minute over the sliding window (--window)"))
        .gauge.value = rpm_;
    AddQuantiles(out, "llmload_current_latency_seconds",
                 "End-to-end latency quantiles over the sliding window (--window)", latency_);
    AddQuantiles(out, "llmload_current_ttft_seconds",
                 "TTFT quantiles over the sliding window (--window)", ttft_window_);
    return out;
  }

 private:
  MetricFamily& Family(std::vector<MetricFamily>& out, const char* name, MetricType type,
                       const char* help) const {
    out.push_back(MetricFamily{name, help, type, {}});
    return out.back();
  }
  // A new series in `family` with the const labels, and one more label if `label` is set.
  ClientMetric& Series(MetricFamily& family, const char* label = nullptr,
                       std::string value = "") const {
    ClientMetric m;
    m.label.push_back({"run_id", run_id_});
    m.label.push_back({"model", model_});
    if (label != nullptr) m.label.push_back({label, std::move(value)});
    family.metric.push_back(std::move(m));
    return family.metric.back();
  }
  template <size_t N>
  void AddHistogram(std::vector<MetricFamily>& out, const char* name, const char* help,
                    const std::array<double, N>& bounds, const HistogramSample& s) const {
    ClientMetric& m = Series(Family(out, name, MetricType::Histogram, help));
    m.histogram.sample_count = s.count;
    m.histogram.sample_sum = s.sum_s;
    for (size_t i = 0; i < N; ++i) {
      m.histogram.bucket.push_back({i < s.cumulative.size() ? s.cumulative[i] : 0, bounds[i]});
    }
    m.histogram.bucket.push_back({s.count, std::numeric_limits<double>::infinity()});
  }
  // One series per quantile; none while the window holds no successful request (a gap in a
  // graph, rather than a latency of 0).
  void AddQuantiles(std::vector<MetricFamily>& out, const char* name, const char* help,
                    const LatencyStats& stats) const {
    MetricFamily& family = Family(out, name, MetricType::Gauge, help);
    if (stats.count == 0) return;
    for (double q : kCurrentQuantiles) {
      Series(family, "quantile", FormatQuantile(q)).gauge.value = stats.p(q);
    }
  }

  const std::string run_id_;
  const std::string model_;
  mutable std::mutex mu_;
  std::array<uint64_t, kErrorClassCount> outcomes_{};
  uint64_t attempts_ = 0;
  std::array<uint64_t, kErrorClassCount> retries_{};
  uint64_t input_tokens_ = 0;
  uint64_t output_tokens_ = 0;
  HistogramSample e2e_, ttft_, itl_, tpot_;
  int64_t users_ = 0;
  int64_t target_users_ = 0;
  bool open_loop_ = false;
  double target_rate_ = 0;
  int stage_ = -1;
  int sweep_step_ = -1;
  std::string sweep_kind_;
  uint64_t dropped_ = 0;
  HistogramSample lateness_;
  std::map<std::string, int64_t> agents_;
  double qps_ = 0;
  double rpm_ = 0;
  LatencyStats latency_, ttft_window_;
};

void AddMetricsFlags(CLI::App& app, MetricsFlags& flags) {
  app.add_option("--metrics-bind", flags.bind,
                 "Serve Prometheus /metrics on HOST:PORT (port 0: any free); \"off\" or \"\" "
                 "disables it")
      ->capture_default_str()
      ->group("Output")
      ->each([&flags](const std::string&) { flags.bind_given = true; });
  app.add_option("--metrics-linger", flags.linger,
                 "Keep /metrics up this long after the summary, for a last scrape")
      ->capture_default_str()
      ->group("Output");
}

PrometheusExporter::PrometheusExporter(std::string run_id, std::string model)
    : state_(std::make_shared<State>(std::move(run_id), std::move(model))) {}

PrometheusExporter::~PrometheusExporter() { endpoint_.reset(); }

void PrometheusExporter::Update(const LiveSnapshot& snap, const Aggregator& aggregator) {
  state_->Update(snap, aggregator);
}

std::vector<prometheus::MetricFamily> PrometheusExporter::Collect() const {
  return state_->Collect();
}

std::string PrometheusExporter::RenderText() const {
  return prometheus::TextSerializer().Serialize(Collect());
}

absl::Status PrometheusExporter::Serve(const std::string& bind) {
  absl::StatusOr<std::unique_ptr<MetricsEndpoint>> endpoint = MetricsEndpoint::Start(bind, state_);
  if (!endpoint.ok()) return endpoint.status();
  endpoint_ = std::move(*endpoint);
  return absl::OkStatus();
}

std::vector<std::string> PrometheusExporter::MetricNames() {
  std::vector<std::string> names;
  for (const MetricFamily& f : State("", "").Collect()) names.push_back(f.name);
  return names;
}

absl::StatusOr<std::unique_ptr<PrometheusExporter>> StartPrometheusExporter(
    const MetricsFlags& flags, const std::string& run_id, const std::string& model) {
  if (MetricsBindDisabled(flags.bind)) return nullptr;
  auto exporter = std::make_unique<PrometheusExporter>(run_id, model);
  absl::Status served = exporter->Serve(flags.bind);
  if (!served.ok()) {
    if (flags.bind_given || absl::IsInvalidArgument(served)) return served;
    std::fprintf(stderr,
                 "llmload: warning: no /metrics: %s; pass --metrics-bind HOST:PORT (port 0: any "
                 "free) or --metrics-bind off\n",
                 std::string(served.message()).c_str());
    return nullptr;
  }
  std::fprintf(stderr, "llmload metrics on %s\n", exporter->endpoint()->url().c_str());
  return exporter;
}

void LingerForScrape(const PrometheusExporter* exporter, absl::Duration linger) {
  if (exporter == nullptr || exporter->endpoint() == nullptr || linger <= absl::ZeroDuration()) {
    return;
  }
  std::fprintf(stderr, "llmload: keeping %s up for %s (--metrics-linger; Ctrl-C ends it)\n",
               exporter->endpoint()->url().c_str(), absl::FormatDuration(linger).c_str());
  const int64_t until = MonotonicNowNs() + absl::ToInt64Nanoseconds(linger);
  while (true) {
    const int64_t left = until - MonotonicNowNs();
    if (left <= 0) return;
    if (WaitForStopSignal(std::min<int64_t>(left, 200 * kNsPerMs)) != 0) return;
  }
}

}  // namespace llmload::master
