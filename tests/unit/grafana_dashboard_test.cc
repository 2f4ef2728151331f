// deploy/grafana/llmload-dashboard.json: importable (no __inputs, a datasource variable and a
// run_id variable), has the panels the issue asks for, and queries only metric names the
// master's exporter renders. The integration tests repeat the name check against a real
// scrape (metrics_test) and run every query on a real Prometheus (prometheus_server_test).
#include "support/grafana_dashboard.h"

#include <set>
#include <string>

#include "common/clock.h"
#include "gtest/gtest.h"
#include "master/prometheus_exporter.h"
#include "support/prometheus_text.h"

namespace llmload::testing {
namespace {

using nlohmann::json;

// Every sample name the exporter renders once it has seen some traffic.
std::set<std::string> ExporterSampleNames() {
  master::Aggregator agg;
  IntervalStats s;
  s.outcomes[static_cast<size_t>(ErrorClass::kSuccess)] = 1;
  s.e2e.Record(100 * kNsPerMs);
  s.ttft.Record(10 * kNsPerMs);
  s.itl.Record(2 * kNsPerMs);
  s.tpot.Record(2 * kNsPerMs);
  agg.Add("a", 1, s, 5 * kNsPerSecond);
  master::LiveSnapshot snap;
  master::FillFromAggregator(agg, 5 * kNsPerSecond, snap);
  master::PrometheusExporter e("r", "m");
  e.Update(snap, agg);
  absl::StatusOr<PromText> text = ParsePrometheusText(e.RenderText());
  EXPECT_TRUE(text.ok()) << text.status();
  return text.ok() ? text->SampleNames() : std::set<std::string>();
}

std::vector<json> AllPanels(const json& panels) {
  std::vector<json> out;
  for (const json& p : panels) {
    out.push_back(p);
    if (p.contains("panels")) {
      for (const json& inner : AllPanels(p["panels"])) out.push_back(inner);
    }
  }
  return out;
}

TEST(GrafanaDashboardTest, IsImportableWithDatasourceAndRunVariables) {
  const json d = LoadGrafanaDashboard();
  ASSERT_TRUE(d.is_object()) << "deploy/grafana/llmload-dashboard.json does not parse";
  EXPECT_FALSE(d.contains("__inputs"));
  EXPECT_GE(d.value("schemaVersion", 0), 36);
  EXPECT_EQ(d.value("uid", ""), "llmload-overview");
  const json& vars = d["templating"]["list"];
  bool datasource = false, run_id = false;
  for (const json& v : vars) {
    if (v["name"] == "datasource") {
      datasource = v["type"] == "datasource" && v["query"] == "prometheus";
    }
    if (v["name"] == "run_id") {
      run_id = v["type"] == "query" &&
               v["query"]["query"] == "label_values(llmload_requests_total, run_id)" &&
               v["datasource"]["uid"] == "${datasource}";
    }
  }
  EXPECT_TRUE(datasource);
  EXPECT_TRUE(run_id);
  std::set<int> ids;
  for (const json& p : AllPanels(d["panels"])) {
    EXPECT_TRUE(ids.insert(p["id"].get<int>()).second) << "duplicate panel id " << p["id"];
    if (p["type"] == "row") continue;
    EXPECT_EQ(p["datasource"]["uid"], "${datasource}") << p["title"];
    ASSERT_TRUE(p.contains("targets")) << p["title"];
    for (const json& t : p["targets"]) {
      const std::string expr = t.value("expr", "");
      EXPECT_NE(expr.find("run_id=~\"$run_id\""), std::string::npos)
          << p["title"] << ": every query is filtered by the run: " << expr;
      EXPECT_EQ(t["datasource"]["uid"], "${datasource}") << p["title"];
    }
  }
}

TEST(GrafanaDashboardTest, HasThePanelsTheIssueAsksFor) {
  const json d = LoadGrafanaDashboard();
  ASSERT_TRUE(d.is_object());
  std::string all;
  for (const std::string& e : DashboardExpressions(d)) all += e + "\n";
  for (const char* needle :
       {"llmload_users", "llmload_target_users", "llmload_current_qps", "llmload_current_rpm",
        "histogram_quantile(0.5, sum by (le) (rate(llmload_time_to_first_token_seconds_bucket",
        "histogram_quantile(0.99, sum by (le) (rate(llmload_request_duration_seconds_bucket",
        "llmload_current_ttft_seconds", "llmload_current_latency_seconds",
        "llmload_inter_token_latency_seconds_bucket",
        "llmload_time_per_output_token_seconds_bucket", "rate(llmload_output_tokens_total",
        "status!~\"success|cancelled\"", "status=\"success\"", "sum by (state) (llmload_agents"}) {
    EXPECT_NE(all.find(needle), std::string::npos) << "no query uses " << needle;
  }
}

TEST(GrafanaDashboardTest, UsesOnlyNamesTheExporterServes) {
  const json d = LoadGrafanaDashboard();
  ASSERT_TRUE(d.is_object());
  const std::set<std::string> served = ExporterSampleNames();
  const std::set<std::string> used = DashboardMetricNames(d);
  EXPECT_GE(used.size(), 14u);
  for (const std::string& name : used) {
    EXPECT_TRUE(served.count(name))
        << "the dashboard queries " << name << ", which the exporter does not serve";
  }
}

}  // namespace
}  // namespace llmload::testing
