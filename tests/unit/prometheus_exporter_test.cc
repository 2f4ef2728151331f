// The master's /metrics after a known set of deltas: every name and label of
// ../shared/METRICS.md, counters and histogram _count/_sum equal to the aggregator's totals,
// cumulative buckets, window quantiles, and the HTTP endpoint itself on loopback.
#include "master/prometheus_exporter.h"

#include <cmath>
#include <limits>
#include <set>

#include "absl/strings/str_format.h"
#include "common/clock.h"
#include "gtest/gtest.h"
#include "support/mock_process.h"
#include "support/prometheus_text.h"

namespace llmload::master {
namespace {

using ::llmload::testing::ParsePrometheusText;
using ::llmload::testing::PromText;

constexpr int64_t kMs = kNsPerMs;

// Two agents' deltas with known values (none on a bucket bound, see CountAtOrBelow).
IntervalStats DeltaA() {
  IntervalStats s;
  s.outcomes[static_cast<size_t>(ErrorClass::kSuccess)] = 4;
  s.outcomes[static_cast<size_t>(ErrorClass::kHttp5xx)] = 1;
  s.outcomes[static_cast<size_t>(ErrorClass::kTimeout)] = 2;
  s.outcomes[static_cast<size_t>(ErrorClass::kCancelled)] = 1;
  for (int64_t v : {40 * kMs, 90 * kMs, 180 * kMs, 1200 * kMs}) s.e2e.Record(v);
  for (int64_t v : {8 * kMs, 12 * kMs, 30 * kMs, 400 * kMs}) s.ttft.Record(v);
  for (int i = 0; i < 10; ++i) s.itl.Record(4 * kMs);
  s.itl.Record(700'000);  // 0.7 ms
  for (int64_t v : {4 * kMs, 9 * kMs, 12 * kMs, 60 * kMs}) s.tpot.Record(v);
  s.input_tokens = 400;
  s.output_tokens = 64;
  return s;
}

IntervalStats DeltaB() {
  IntervalStats s;
  s.outcomes[static_cast<size_t>(ErrorClass::kSuccess)] = 1;
  s.outcomes[static_cast<size_t>(ErrorClass::kHttp429)] = 3;
  s.e2e.Record(70 * kMs);
  s.ttft.Record(3 * kMs);
  s.tpot.Record(2 * kMs);
  s.input_tokens = 100;
  s.output_tokens = 16;
  return s;
}

class PrometheusExporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const int64_t t0 = 1000 * kNsPerSecond;
    agg_.set_window_start(t0);
    ASSERT_TRUE(agg_.Add("a", 1, DeltaA(), t0 + kNsPerSecond));
    ASSERT_TRUE(agg_.Add("b", 1, DeltaB(), t0 + 2 * kNsPerSecond));
    ASSERT_FALSE(agg_.Add("a", 1, DeltaA(), t0 + 2 * kNsPerSecond));  // resent: not counted
    now_ = t0 + 2 * kNsPerSecond + 500 * kMs;
    FillFromAggregator(agg_, now_, snap_);
    snap_.users = 7;
    snap_.target_users = 10;
    snap_.agents_by_state = {{"running", 2}, {"missing", 1}};
  }

  PromText Render(const PrometheusExporter& e) {
    absl::StatusOr<PromText> text = ParsePrometheusText(e.RenderText());
    EXPECT_TRUE(text.ok()) << text.status() << "\n" << e.RenderText();
    return text.ok() ? *text : PromText();
  }

  Aggregator agg_{absl::Seconds(10)};
  int64_t now_ = 0;
  LiveSnapshot snap_;
};

TEST_F(PrometheusExporterTest, CountersEqualTheAggregatorTotals) {
  PrometheusExporter e("run-1", "mock-llm");
  e.Update(snap_, agg_);
  const PromText t = Render(e);
  const IntervalStats& totals = agg_.totals();
  // Every status, even those never seen, so rate() starts from 0.
  EXPECT_EQ(t.Find("llmload_requests_total").size(), static_cast<size_t>(kErrorClassCount));
  for (int i = 0; i < kErrorClassCount; ++i) {
    const std::string status(ErrorClassName(static_cast<ErrorClass>(i)));
    EXPECT_EQ(t.Value("llmload_requests_total", {{"status", status}}),
              static_cast<double>(totals.outcomes[i]))
        << status;
  }
  EXPECT_EQ(t.Value("llmload_requests_total", {{"status", "success"}}), 5);
  EXPECT_EQ(t.Value("llmload_requests_total", {{"status", "http_429"}}), 3);
  EXPECT_EQ(t.Value("llmload_requests_total", {{"status", "cancelled"}}), 1);
  EXPECT_EQ(t.Sum("llmload_requests_total"), 5 + 1 + 2 + 1 + 3);
  EXPECT_EQ(t.Value("llmload_input_tokens_total"), 500);
  EXPECT_EQ(t.Value("llmload_output_tokens_total"), 80);
  EXPECT_EQ(t.types.at("llmload_requests_total"), "counter");
  EXPECT_EQ(t.types.at("llmload_output_tokens_total"), "counter");
  EXPECT_EQ(t.types.at("llmload_input_tokens_total"), "counter");
}

TEST_F(PrometheusExporterTest, HistogramsAreCumulativeAndMatchTotals) {
  PrometheusExporter e("run-1", "mock-llm");
  e.Update(snap_, agg_);
  const PromText t = Render(e);
  const IntervalStats& totals = agg_.totals();
  struct Case {
    const char* name;
    const LatencyHistogram* h;
    std::vector<double> bounds;
  };
  const std::vector<Case> cases = {
      {"llmload_request_duration_seconds",
       &totals.e2e,
       {kLatencyBucketsS.begin(), kLatencyBucketsS.end()}},
      {"llmload_time_to_first_token_seconds",
       &totals.ttft,
       {kLatencyBucketsS.begin(), kLatencyBucketsS.end()}},
      {"llmload_inter_token_latency_seconds",
       &totals.itl,
       {kTokenGapBucketsS.begin(), kTokenGapBucketsS.end()}},
      {"llmload_time_per_output_token_seconds",
       &totals.tpot,
       {kTokenGapBucketsS.begin(), kTokenGapBucketsS.end()}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string name = c.name;
    EXPECT_EQ(t.types.at(name), "histogram");
    EXPECT_EQ(t.Value(name + "_count"), static_cast<double>(c.h->count()));
    ASSERT_TRUE(t.Value(name + "_sum").has_value());
    EXPECT_NEAR(*t.Value(name + "_sum"), static_cast<double>(c.h->sum_ns()) / 1e9, 1e-12);
    const auto buckets = t.Find(name + "_bucket");
    ASSERT_EQ(buckets.size(), c.bounds.size() + 1);
    double previous = 0;
    for (size_t i = 0; i < buckets.size(); ++i) {
      const std::string& le = buckets[i]->labels.at("le");
      if (i < c.bounds.size()) {
        EXPECT_DOUBLE_EQ(std::stod(le), c.bounds[i]);
        EXPECT_EQ(buckets[i]->value,
                  static_cast<double>(c.h->CountAtOrBelow(std::llround(c.bounds[i] * 1e9))))
            << le;
      } else {
        EXPECT_EQ(le, "+Inf");
        EXPECT_EQ(buckets[i]->value, static_cast<double>(c.h->count()));
      }
      EXPECT_GE(buckets[i]->value, previous) << "le=" << le;
      previous = buckets[i]->value;
    }
  }
  // Known values: e2e 40, 70, 90, 180 ms and 1.2 s.
  const std::string d = "llmload_request_duration_seconds_bucket";
  EXPECT_EQ(t.Value(d, {{"le", "0.035"}}), 0);
  EXPECT_EQ(t.Value(d, {{"le", "0.05"}}), 1);
  EXPECT_EQ(t.Value(d, {{"le", "0.075"}}), 2);
  EXPECT_EQ(t.Value(d, {{"le", "0.1"}}), 3);
  EXPECT_EQ(t.Value(d, {{"le", "0.2"}}), 4);
  EXPECT_EQ(t.Value(d, {{"le", "1"}}), 4);
  EXPECT_EQ(t.Value(d, {{"le", "1.5"}}), 5);
  EXPECT_EQ(t.Value("llmload_request_duration_seconds_count"), 5);
  EXPECT_NEAR(*t.Value("llmload_request_duration_seconds_sum"), 0.04 + 0.07 + 0.09 + 0.18 + 1.2,
              1e-9);
  // ITL: ten gaps of 4 ms and one of 0.7 ms, below the 1 ms bucket.
  const std::string itl = "llmload_inter_token_latency_seconds_bucket";
  EXPECT_EQ(t.Value(itl, {{"le", "0.0005"}}), 0);
  EXPECT_EQ(t.Value(itl, {{"le", "0.001"}}), 1);
  EXPECT_EQ(t.Value(itl, {{"le", "0.003"}}), 1);
  EXPECT_EQ(t.Value(itl, {{"le", "0.005"}}), 11);
}

TEST_F(PrometheusExporterTest, GaugesComeFromTheSnapshot) {
  PrometheusExporter e("run-1", "mock-llm");
  e.Update(snap_, agg_);
  const PromText t = Render(e);
  EXPECT_EQ(t.Value("llmload_users"), 7);
  EXPECT_EQ(t.Value("llmload_target_users"), 10);
  EXPECT_EQ(t.Find("llmload_agents").size(), kAgentStates.size());
  EXPECT_EQ(t.Value("llmload_agents", {{"state", "running"}}), 2);
  EXPECT_EQ(t.Value("llmload_agents", {{"state", "missing"}}), 1);
  EXPECT_EQ(t.Value("llmload_agents", {{"state", "idle"}}), 0);
  EXPECT_EQ(t.Value("llmload_agents", {{"state", "stopping"}}), 0);
  EXPECT_EQ(t.Value("llmload_agents", {{"state", "stopped"}}), 0);
  // 11 requests (cancelled excluded) in a window that spans 2.5 s since the start.
  ASSERT_TRUE(t.Value("llmload_current_qps").has_value());
  EXPECT_DOUBLE_EQ(*t.Value("llmload_current_qps"), snap_.qps);
  EXPECT_NEAR(*t.Value("llmload_current_qps"), 11.0 / 2.5, 1e-9);
  EXPECT_DOUBLE_EQ(*t.Value("llmload_current_rpm"), snap_.qps * 60);
  for (const char* name : {"llmload_current_latency_seconds", "llmload_current_ttft_seconds"}) {
    EXPECT_EQ(t.types.at(name), "gauge");
    EXPECT_EQ(t.Find(name).size(), 4u) << name;
  }
  const std::map<std::string, double> q = {
      {"0.5", 0.5}, {"0.9", 0.9}, {"0.95", 0.95}, {"0.99", 0.99}};
  for (const auto& [label, quantile] : q) {
    EXPECT_DOUBLE_EQ(*t.Value("llmload_current_latency_seconds", {{"quantile", label}}),
                     snap_.latency.p(quantile));
    EXPECT_DOUBLE_EQ(*t.Value("llmload_current_ttft_seconds", {{"quantile", label}}),
                     snap_.ttft.p(quantile));
  }
  // Median of 40, 70, 90, 180, 1200 ms is 90 ms (within the histogram's 0.05%).
  EXPECT_NEAR(*t.Value("llmload_current_latency_seconds", {{"quantile", "0.5"}}), 0.090, 0.0001);
  for (const char* name : {"llmload_users", "llmload_target_users", "llmload_current_qps",
                           "llmload_current_rpm", "llmload_agents"}) {
    EXPECT_EQ(t.types.at(name), "gauge") << name;
  }
}

TEST_F(PrometheusExporterTest, EverySeriesCarriesRunIdAndModelEscaped) {
  const std::string model = "org/model \"v2\" \\ q";
  PrometheusExporter e("20260101-000000-abcd", model);
  e.Update(snap_, agg_);
  const PromText t = Render(e);
  ASSERT_FALSE(t.samples.empty());
  for (const auto& s : t.samples) {
    EXPECT_EQ(s.labels.count("run_id"), 1u) << s.name;
    EXPECT_EQ(s.labels.count("model"), 1u) << s.name;
    if (s.labels.count("run_id")) {
      EXPECT_EQ(s.labels.at("run_id"), "20260101-000000-abcd");
    }
    if (s.labels.count("model")) {
      EXPECT_EQ(s.labels.at("model"), model);
    }
    // Low cardinality: the only other labels are status, state, quantile and le.
    for (const auto& [k, v] : s.labels) {
      EXPECT_TRUE(k == "run_id" || k == "model" || k == "status" || k == "state" ||
                  k == "quantile" || k == "le")
          << s.name << " has label " << k;
    }
  }
}

TEST_F(PrometheusExporterTest, AnOpenLoopAddsItsRateDropsLatenessAndStage) {
  PrometheusExporter e("run-1", "m");
  e.Update(snap_, agg_);
  EXPECT_FALSE(Render(e).Value("llmload_target_rate").has_value());  // closed loop: absent
  IntervalStats delta;
  delta.dropped = 4;
  delta.sent = 3;
  delta.send_lateness.Record(200'000);    // 0.2 ms
  delta.send_lateness.Record(3'000'000);  // 3 ms
  agg_.Add("open", 1, delta, now_);
  snap_.open_loop = true;
  snap_.target_rate = 250;
  snap_.stage = 2;
  e.Update(snap_, agg_);
  const PromText t = Render(e);
  EXPECT_EQ(t.Value("llmload_target_rate"), 250);
  EXPECT_EQ(t.Value("llmload_dropped_total"), 4);
  EXPECT_EQ(t.Value("llmload_stage"), 2);
  EXPECT_EQ(t.Value("llmload_send_lateness_seconds_count"), 2);
  EXPECT_EQ(t.Value("llmload_send_lateness_seconds_bucket", {{"le", "0.00025"}}), 1);
  EXPECT_EQ(t.Value("llmload_send_lateness_seconds_bucket", {{"le", "0.005"}}), 2);
}

TEST_F(PrometheusExporterTest, ASweepLabelsItsStepAndAnInfiniteRateIsPlusInf) {
  PrometheusExporter e("run-1", "m");
  e.Update(snap_, agg_);
  EXPECT_FALSE(Render(e).Value("llmload_sweep_step").has_value());  // no sweep: absent
  snap_.open_loop = true;
  snap_.target_rate = std::numeric_limits<double>::infinity();
  snap_.sweep_step = 1;
  snap_.sweep_kind = "throughput";
  e.Update(snap_, agg_);
  const PromText t = Render(e);
  EXPECT_EQ(t.Value("llmload_sweep_step", {{"kind", "throughput"}}), 1);
  const std::optional<double> rate = t.Value("llmload_target_rate");
  ASSERT_TRUE(rate.has_value());
  EXPECT_TRUE(std::isinf(*rate));
}

// METRICS.md's names, plus the attempt and retry counters of issue 11 (docs/observability.md).
TEST_F(PrometheusExporterTest, ExactlyTheNamesOfMetricsMd) {
  const std::vector<std::string> names = PrometheusExporter::MetricNames();
  const std::set<std::string> got(names.begin(), names.end());
  const std::set<std::string> want = {
      "llmload_requests_total",
      "llmload_output_tokens_total",
      "llmload_input_tokens_total",
      "llmload_attempts_total",
      "llmload_retries_total",
      "llmload_request_duration_seconds",
      "llmload_time_to_first_token_seconds",
      "llmload_inter_token_latency_seconds",
      "llmload_time_per_output_token_seconds",
      "llmload_users",
      "llmload_target_users",
      "llmload_agents",
      "llmload_current_qps",
      "llmload_current_rpm",
      "llmload_current_latency_seconds",
      "llmload_current_ttft_seconds",
  };
  EXPECT_EQ(got, want);
  EXPECT_EQ(names.size(), want.size());
}

TEST_F(PrometheusExporterTest, BeforeTheFirstTickEverythingIsZeroAndQuantilesAbsent) {
  PrometheusExporter e("run-1", "m");
  const PromText t = Render(e);
  EXPECT_EQ(t.Sum("llmload_requests_total"), 0);
  EXPECT_EQ(t.Find("llmload_requests_total").size(), static_cast<size_t>(kErrorClassCount));
  EXPECT_EQ(t.Value("llmload_request_duration_seconds_count"), 0);
  EXPECT_EQ(t.Value("llmload_request_duration_seconds_bucket", {{"le", "+Inf"}}), 0);
  EXPECT_EQ(t.Find("llmload_agents").size(), kAgentStates.size());
  EXPECT_TRUE(t.Find("llmload_current_latency_seconds").empty());
  EXPECT_TRUE(t.Find("llmload_current_ttft_seconds").empty());
  EXPECT_EQ(t.types.count("llmload_current_ttft_seconds"), 1u);  // the family is declared
}

TEST_F(PrometheusExporterTest, LaterTicksOnlyGrowCounters) {
  PrometheusExporter e("run-1", "m");
  e.Update(snap_, agg_);
  const PromText before = Render(e);
  ASSERT_TRUE(agg_.Add("a", 2, DeltaA(), now_ + kNsPerSecond));
  LiveSnapshot later;
  FillFromAggregator(agg_, now_ + kNsPerSecond, later);
  e.Update(later, agg_);
  const PromText after = Render(e);
  for (const auto& s : before.samples) {
    if (before.types.count(s.name) && before.types.at(s.name) == "gauge") continue;
    if (s.name.rfind("llmload_users", 0) == 0 || s.name.rfind("llmload_current", 0) == 0 ||
        s.name.rfind("llmload_agents", 0) == 0 || s.name.rfind("llmload_target", 0) == 0) {
      continue;
    }
    const auto v = after.Value(s.name, s.labels);
    ASSERT_TRUE(v.has_value()) << s.name;
    EXPECT_GE(*v, s.value) << s.name;
  }
  EXPECT_EQ(after.Value("llmload_requests_total", {{"status", "success"}}), 9);
}

TEST(PrometheusEndpointTest, ServesOnLoopbackAndRefusesATakenPort) {
  PrometheusExporter e("run-1", "m");
  ASSERT_TRUE(e.Serve("127.0.0.1:0").ok());
  ASSERT_NE(e.endpoint(), nullptr);
  const int port = e.endpoint()->port();
  EXPECT_GT(port, 0);
  EXPECT_EQ(e.endpoint()->url(), absl::StrFormat("http://127.0.0.1:%d/metrics", port));
  std::optional<std::string> body = ::llmload::testing::HttpGet(e.endpoint()->url());
  ASSERT_TRUE(body.has_value());
  absl::StatusOr<PromText> t = ParsePrometheusText(*body);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->Find("llmload_requests_total").size(), static_cast<size_t>(kErrorClassCount));

  PrometheusExporter other("run-2", "m");
  absl::Status taken = other.Serve(absl::StrFormat("127.0.0.1:%d", port));
  EXPECT_FALSE(taken.ok());
  EXPECT_NE(std::string(taken.message()).find("--metrics-bind"), std::string::npos) << taken;
  EXPECT_TRUE(absl::IsInvalidArgument(other.Serve("no-port-here")));
  EXPECT_TRUE(absl::IsInvalidArgument(other.Serve("127.0.0.1:99999")));
}

TEST(PrometheusEndpointTest, DisabledByOffOrEmpty) {
  EXPECT_TRUE(MetricsBindDisabled(""));
  EXPECT_TRUE(MetricsBindDisabled("off"));
  EXPECT_FALSE(MetricsBindDisabled("127.0.0.1:0"));
  MetricsFlags flags;
  flags.bind = "off";
  auto e = StartPrometheusExporter(flags, "r", "m");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(*e, nullptr);
}

TEST(PrometheusEndpointTest, ExplicitTakenBindFailsDefaultOneOnlyWarns) {
  PrometheusExporter first("run-1", "m");
  ASSERT_TRUE(first.Serve("127.0.0.1:0").ok());
  MetricsFlags flags;
  flags.bind = absl::StrFormat("127.0.0.1:%d", first.endpoint()->port());
  flags.bind_given = true;
  EXPECT_FALSE(StartPrometheusExporter(flags, "r", "m").ok());
  flags.bind_given = false;  // as if it were the default address
  auto e = StartPrometheusExporter(flags, "r", "m");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(*e, nullptr);
}

}  // namespace
}  // namespace llmload::master
