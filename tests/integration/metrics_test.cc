// The /metrics endpoints as a user scrapes them: `llmload run` and `llmload master` against
// a real `llmload mock` on loopback, scraped during and after the run (--metrics-linger);
// the text must parse, carry the names and labels of ../shared/METRICS.md, only grow its
// counters, and end equal to the JSON summary. Also the agent's own endpoint, the Grafana
// dashboard's metric names against a real scrape, and the flag's failure modes.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/error_class.h"
#include "gtest/gtest.h"
#include "master/prometheus_exporter.h"
#include "nlohmann/json.hpp"
#include "support/files.h"
#include "support/grafana_dashboard.h"
#include "support/llmload_cluster.h"
#include "support/mock_process.h"
#include "support/prometheus_text.h"
#include "support/subprocess.h"

namespace llmload::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::optional<PromText> Scrape(const std::string& url) {
  std::optional<std::string> body = HttpGet(url);
  if (!body) return std::nullopt;
  absl::StatusOr<PromText> t = ParsePrometheusText(*body);
  EXPECT_TRUE(t.ok()) << t.status() << "\n" << *body;
  if (!t.ok()) return std::nullopt;
  return *t;
}

// Counters and histogram series never go down from one scrape to the next.
void ExpectMonotonic(const PromText& before, const PromText& after) {
  for (const PromSample& s : before.samples) {
    const bool cumulative = s.name.ends_with("_total") || s.name.ends_with("_bucket") ||
                            s.name.ends_with("_count") || s.name.ends_with("_sum");
    if (!cumulative) continue;
    std::optional<double> later = after.Value(s.name, s.labels);
    ASSERT_TRUE(later.has_value()) << s.name << " vanished";
    EXPECT_GE(*later, s.value) << s.name << " went down";
  }
}

// Every llmload_ series has the run's labels; the only others are prometheus-cpp's own
// exposer_* series about the HTTP endpoint.
void ExpectRunLabels(const PromText& t, const std::string& model) {
  const std::vector<const PromSample*> requests = t.Find("llmload_requests_total");
  ASSERT_FALSE(requests.empty());
  const std::string run_id =
      requests.front()->labels.count("run_id") ? requests.front()->labels.at("run_id") : "";
  EXPECT_FALSE(run_id.empty());
  for (const PromSample& s : t.samples) {
    if (!s.name.starts_with("llmload_")) {
      EXPECT_TRUE(s.name.starts_with("exposer_")) << s.name;
      continue;
    }
    EXPECT_EQ(s.labels.count("run_id") ? s.labels.at("run_id") : "<none>", run_id) << s.name;
    EXPECT_EQ(s.labels.count("model") ? s.labels.at("model") : "<none>", model) << s.name;
  }
}

// The last scrape against the JSON summary: the same totals, class by class.
void ExpectEqualsSummary(const PromText& t, const json& s) {
  const json& req = s["requests"];
  EXPECT_EQ(t.Value("llmload_requests_total", {{"status", "success"}}),
            req["succeeded"].get<double>());
  EXPECT_EQ(t.Value("llmload_requests_total", {{"status", "cancelled"}}),
            req["cancelled"].get<double>());
  EXPECT_EQ(t.Sum("llmload_requests_total") -
                *t.Value("llmload_requests_total", {{"status", "cancelled"}}),
            req["total"].get<double>());
  for (const auto& [name, count] : req["errors"].items()) {
    EXPECT_EQ(t.Value("llmload_requests_total", {{"status", name}}), count.get<double>()) << name;
  }
  EXPECT_EQ(t.Value("llmload_output_tokens_total"), s["tokens"]["output_total"].get<double>());
  EXPECT_EQ(t.Value("llmload_input_tokens_total"), s["tokens"]["input_total"].get<double>());
  // Every successful request has a duration and a TTFT; the means agree with _sum/_count.
  EXPECT_EQ(t.Value("llmload_request_duration_seconds_count"), req["succeeded"].get<double>());
  EXPECT_EQ(t.Value("llmload_time_to_first_token_seconds_count"), req["succeeded"].get<double>());
  const struct {
    const char* metric;
    const char* section;
  } pairs[] = {{"llmload_request_duration_seconds", "latency_s"},
               {"llmload_time_to_first_token_seconds", "ttft_s"},
               {"llmload_inter_token_latency_seconds", "itl_s"},
               {"llmload_time_per_output_token_seconds", "tpot_s"}};
  for (const auto& p : pairs) {
    const std::string m = p.metric;
    const double count = t.Value(m + "_count").value_or(0);
    ASSERT_GT(count, 0) << m;
    EXPECT_NEAR(*t.Value(m + "_sum") / count, s[p.section]["mean"].get<double>(),
                1e-6 * s[p.section]["mean"].get<double>() + 1e-9)
        << m;
    EXPECT_EQ(t.Value(m + "_bucket", {{"le", "+Inf"}}), count) << m;
  }
}

class MetricsTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir(); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(MetricsTest, RunIsScrapedDuringAndAfterAndAgreesWithTheSummary) {
  MockProcess mock({"--ttft", "20ms", "--itl", "5ms", "--output-tokens", "16"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string json_path = dir_ + "/summary.json";
  Subprocess run({LlmloadBinary(),
                  "run",
                  "--url",
                  mock.url(),
                  "-u",
                  "4",
                  "-r",
                  "20",
                  "-t",
                  "6s",
                  "--threads",
                  "1",
                  "-q",
                  "--window",
                  "5s",
                  "--json-out",
                  json_path,
                  "--metrics-bind",
                  "127.0.0.1:0",
                  "--metrics-linger",
                  "120s"});
  std::optional<std::string> port = run.WaitForOutput(kMetricsPortPattern, seconds(60));
  ASSERT_TRUE(port.has_value()) << run.Output();
  const std::string url = absl::StrCat("http://127.0.0.1:", *port, "/metrics");

  // During the run: one scrape every 300 ms until the summary is out.
  std::vector<PromText> during;
  bool saw_users = false, saw_running_agent = false, saw_quantiles = false;
  const auto deadline = std::chrono::steady_clock::now() + seconds(120);
  while (std::chrono::steady_clock::now() < deadline &&
         run.Output().find("stopped: ") == std::string::npos) {
    std::optional<PromText> t = Scrape(url);
    ASSERT_TRUE(t.has_value()) << "scrape failed during the run\n" << run.Output();
    saw_users |= t->Value("llmload_users").value_or(0) > 0;
    saw_running_agent |= t->Value("llmload_agents", {{"state", "running"}}) == 1;
    saw_quantiles |= t->Find("llmload_current_ttft_seconds").size() == 4;
    const double target = t->Value("llmload_target_users").value_or(-1);
    EXPECT_TRUE(target == 4 || target == 0) << target;  // 0 until the load starts
    if (!during.empty()) ExpectMonotonic(during.back(), *t);
    during.push_back(std::move(*t));
    std::this_thread::sleep_for(milliseconds(300));
  }
  ASSERT_GE(during.size(), 5u) << run.Output();
  EXPECT_EQ(during.back().Value("llmload_target_users"), 4);
  EXPECT_GT(during.back().Sum("llmload_requests_total"), 0) << "no live counts during the run";
  EXPECT_TRUE(saw_users);
  EXPECT_TRUE(saw_running_agent);
  EXPECT_TRUE(saw_quantiles);

  // After the summary, --metrics-linger keeps the endpoint up with the final totals.
  ASSERT_TRUE(run.WaitForOutput("--metrics-linger", seconds(60))) << run.Output();
  const json summary = json::parse(ReadFile(json_path), nullptr, false);
  ASSERT_TRUE(summary.is_object()) << run.Output();
  std::optional<PromText> last = Scrape(url);
  ASSERT_TRUE(last.has_value()) << run.Output();
  ExpectMonotonic(during.back(), *last);
  ExpectRunLabels(*last, "mock-llm");
  EXPECT_EQ(last->Find("llmload_users").at(0)->labels.at("run_id"),
            summary["run"]["id"].get<std::string>());
  ExpectEqualsSummary(*last, summary);
  EXPECT_GT(summary["requests"]["total"].get<int>(), 20);
  EXPECT_EQ(last->Value("llmload_agents", {{"state", "stopped"}}), 1);
  EXPECT_EQ(last->Value("llmload_agents", {{"state", "running"}}), 0);
  // A second scrape after the run sees the same numbers.
  std::optional<PromText> again = Scrape(url);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->Sum("llmload_requests_total"), last->Sum("llmload_requests_total"));

  // Every metric name the Grafana dashboard queries is one this scrape has.
  const json dashboard = LoadGrafanaDashboard();
  ASSERT_TRUE(dashboard.is_object()) << "deploy/grafana/llmload-dashboard.json does not parse";
  const std::set<std::string> served = last->SampleNames();
  const std::set<std::string> used = DashboardMetricNames(dashboard);
  EXPECT_GE(used.size(), 10u);
  for (const std::string& name : used) {
    EXPECT_TRUE(served.count(name))
        << "the dashboard queries " << name << ", which /metrics does not serve";
  }

  // Ctrl-C ends the linger at once, and the run's exit code stands.
  run.Signal(SIGTERM);
  EXPECT_EQ(run.Wait(seconds(20)), 0) << run.Output();
}

TEST_F(MetricsTest, MasterAndAgentEndpointsInDistributedMode) {
  MockProcess mock({"--ttft", "10ms", "--itl", "2ms", "--output-tokens", "8"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string json_path = dir_ + "/summary.json";
  Subprocess master({LlmloadBinary(),
                     "master",
                     "--bind",
                     "127.0.0.1:0",
                     "--url",
                     mock.url(),
                     "--expect-agents",
                     "1",
                     "-u",
                     "3",
                     "-r",
                     "30",
                     "-t",
                     "5s",
                     "-q",
                     "--json-out",
                     json_path,
                     "--metrics-bind",
                     "127.0.0.1:0",
                     "--metrics-linger",
                     "120s"});
  std::optional<std::string> grpc_port =
      master.WaitForOutput(R"(llmload master listening on 127\.0\.0\.1:([0-9]+))", seconds(60));
  ASSERT_TRUE(grpc_port.has_value()) << master.Output();
  std::optional<std::string> port = master.WaitForOutput(kMetricsPortPattern, seconds(10));
  ASSERT_TRUE(port.has_value()) << master.Output();
  const std::string url = absl::StrCat("http://127.0.0.1:", *port, "/metrics");
  // Served while waiting for agents already.
  std::optional<PromText> waiting = Scrape(url);
  ASSERT_TRUE(waiting.has_value()) << master.Output();
  EXPECT_EQ(waiting->Sum("llmload_requests_total"), 0);

  Subprocess agent({LlmloadBinary(), "agent", "--master", "127.0.0.1:" + *grpc_port, "--threads",
                    "1", "--agent-id", "agent-x", "--metrics-bind", "127.0.0.1:0"});
  std::optional<std::string> agent_port = agent.WaitForOutput(kMetricsPortPattern, seconds(60));
  ASSERT_TRUE(agent_port.has_value()) << agent.Output();
  const std::string agent_url = absl::StrCat("http://127.0.0.1:", *agent_port, "/metrics");

  bool agent_busy = false, master_saw_running = false;
  std::optional<PromText> previous;
  const auto deadline = std::chrono::steady_clock::now() + seconds(120);
  while (std::chrono::steady_clock::now() < deadline &&
         master.Output().find("stopped: ") == std::string::npos) {
    if (std::optional<PromText> a = Scrape(agent_url)) {
      int ours = 0;
      for (const PromSample& s : a->samples) {
        if (!s.name.starts_with("llmload_agent_")) continue;
        ++ours;
        EXPECT_EQ(s.labels.count("agent_id") ? s.labels.at("agent_id") : "", "agent-x");
      }
      EXPECT_EQ(ours, 5);
      EXPECT_TRUE(a->Value("llmload_agent_cpu_percent").has_value());
      EXPECT_TRUE(a->Value("llmload_agent_engine_busy_percent").has_value());
      EXPECT_TRUE(a->Value("llmload_agent_event_loop_lag_seconds").has_value());
      agent_busy |= a->Value("llmload_agent_users") == 3 &&
                    a->Value("llmload_agent_active_connections").value_or(0) > 0;
    }
    std::optional<PromText> m = Scrape(url);
    ASSERT_TRUE(m.has_value()) << master.Output();
    master_saw_running |= m->Value("llmload_agents", {{"state", "running"}}) == 1;
    if (previous) ExpectMonotonic(*previous, *m);
    previous = std::move(m);
    std::this_thread::sleep_for(milliseconds(300));
  }
  EXPECT_TRUE(agent_busy) << "the agent never showed 3 users with requests in flight";
  EXPECT_TRUE(master_saw_running);

  ASSERT_TRUE(master.WaitForOutput("--metrics-linger", seconds(60))) << master.Output();
  const json summary = json::parse(ReadFile(json_path), nullptr, false);
  ASSERT_TRUE(summary.is_object()) << master.Output();
  std::optional<PromText> last = Scrape(url);
  ASSERT_TRUE(last.has_value());
  ExpectRunLabels(*last, "mock-llm");
  ExpectEqualsSummary(*last, summary);
  EXPECT_EQ(agent.Wait(seconds(30)), 0) << agent.Output();  // the master said quit
  master.Signal(SIGINT);
  EXPECT_EQ(master.Wait(seconds(20)), 0) << master.Output();
}

TEST_F(MetricsTest, OffMeansNoEndpointAndATakenExplicitPortFails) {
  MockProcess mock({"--ttft", "1ms", "--itl", "1ms", "--output-tokens", "2"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  Subprocess off({LlmloadBinary(), "run", "--url", mock.url(), "-u", "1", "-n", "3", "-q",
                  "--threads", "1", "--metrics-bind", "off"});
  ASSERT_EQ(off.Wait(seconds(60)), 0) << off.Output();
  EXPECT_EQ(off.Output().find("llmload metrics on"), std::string::npos) << off.Output();

  master::PrometheusExporter holder("x", "y");
  ASSERT_TRUE(holder.Serve("127.0.0.1:0").ok());
  const std::string taken = absl::StrCat("127.0.0.1:", holder.endpoint()->port());
  Subprocess clash({LlmloadBinary(), "run", "--url", mock.url(), "-u", "1", "-n", "3", "-q",
                    "--threads", "1", "--metrics-bind", taken});
  EXPECT_EQ(clash.Wait(seconds(60)), 2) << clash.Output();  // bad input
  EXPECT_NE(clash.Output().find("--metrics-bind: cannot listen on " + taken), std::string::npos)
      << clash.Output();
  EXPECT_EQ(mock.Stats().value("completed", 0), 3) << "only the first run sent load";

  Subprocess bad(
      {LlmloadBinary(), "run", "--url", mock.url(), "-n", "1", "--metrics-linger", "soon"});
  EXPECT_EQ(bad.Wait(seconds(30)), 2) << bad.Output();
  EXPECT_NE(bad.Output().find("--metrics-linger"), std::string::npos) << bad.Output();
}

}  // namespace
}  // namespace llmload::testing
