// The master's /metrics as a real Prometheus server ingests it: Debian's `prometheus` binary
// on a loopback port scrapes an `llmload run` every second (file-based discovery, so the
// target's ephemeral port can be written once llmload has bound it). After the run its HTTP
// API must return the JSON summary's totals (sum(llmload_requests_total)), a
// histogram_quantile over the TTFT histogram in the bucket of the summary's p50, and an
// answer for every query of the Grafana dashboard. Fails, never skips, when the binary is
// missing: CI installs it (scripts/install-deps.sh --with-test-tools).
#include <curl/curl.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "master/prometheus_exporter.h"
#include "nlohmann/json.hpp"
#include "support/files.h"
#include "support/grafana_dashboard.h"
#include "support/llmload_cluster.h"
#include "support/mock_process.h"
#include "support/subprocess.h"

namespace llmload::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

// The prometheus binary on PATH, or "".
std::string FindPrometheus() {
  const char* path = std::getenv("PATH");
  for (absl::string_view dir : absl::StrSplit(path ? path : "/usr/bin:/bin", ':')) {
    const std::string candidate = absl::StrCat(dir, "/prometheus");
    if (!dir.empty() && access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

std::string UrlEncode(const std::string& s) {
  CURL* curl = curl_easy_init();
  char* escaped = curl_easy_escape(curl, s.data(), static_cast<int>(s.size()));
  std::string out = escaped ? escaped : "";
  curl_free(escaped);
  curl_easy_cleanup(curl);
  return out;
}

// A Prometheus server process on loopback with its own config and storage under `dir`.
class PrometheusServer {
 public:
  PrometheusServer(const std::string& binary, const std::string& dir) : dir_(dir) {
    // File-based discovery, re-read every second: the target is added when llmload is up.
    std::ofstream(dir + "/prometheus.yml") << "global:\n"
                                              "  scrape_interval: 1s\n"
                                              "  scrape_timeout: 1s\n"
                                              "  evaluation_interval: 1s\n"
                                              "scrape_configs:\n"
                                              "  - job_name: llmload\n"
                                              "    file_sd_configs:\n"
                                              "      - files: ['"
                                           << dir << "/targets.json']\n"
                                           << "        refresh_interval: 1s\n";
    // The port is picked free just before; if another process takes it in between, try again.
    for (int attempt = 0; attempt < 3 && port_ == 0; ++attempt) {
      const int port = FreeLoopbackPort();
      process_ = std::make_unique<Subprocess>(
          std::vector<std::string>{binary, "--config.file=" + dir + "/prometheus.yml",
                                   "--storage.tsdb.path=" + dir + "/data",
                                   absl::StrCat("--web.listen-address=127.0.0.1:", port)});
      const auto deadline = std::chrono::steady_clock::now() + seconds(90);
      while (std::chrono::steady_clock::now() < deadline && process_->Running()) {
        if (HttpGet(absl::StrCat("http://127.0.0.1:", port, "/-/ready"))) {
          port_ = port;
          break;
        }
        std::this_thread::sleep_for(milliseconds(200));
      }
      if (port_ == 0) {
        log_ += process_->Output();
        Stop();
      }
    }
  }
  ~PrometheusServer() { Stop(); }

  bool ready() const { return port_ != 0; }
  std::string Output() const { return log_ + (process_ ? process_->Output() : ""); }

  void SetTarget(const std::string& host_port) {
    const std::string tmp = dir_ + "/targets.json.tmp";
    std::ofstream(tmp) << json::array({{{"targets", {host_port}}}}).dump();
    std::filesystem::rename(tmp, dir_ + "/targets.json");  // atomic: never half a file
  }

  // GET /api/v1/query; the "data" object on success, else a json with "error".
  json Query(const std::string& promql) const {
    std::optional<std::string> body = HttpGet(
        absl::StrCat("http://127.0.0.1:", port_, "/api/v1/query?query=", UrlEncode(promql)));
    if (!body) return json{{"error", "HTTP error (bad query?)"}};
    json j = json::parse(*body, nullptr, false);
    if (!j.is_object() || j.value("status", "") != "success") {
      return json{{"error", *body}};
    }
    return j["data"];
  }
  // The value of a query that yields one sample (vector of 1 or scalar), or NaN.
  double Scalar(const std::string& promql) const {
    const json d = Query(promql);
    if (d.contains("error")) return NAN;
    const json& r = d["result"];
    if (d["resultType"] == "scalar") return std::stod(r[1].get<std::string>());
    if (d["resultType"] != "vector" || r.size() != 1) return NAN;
    return std::stod(r[0]["value"][1].get<std::string>());
  }

 private:
  void Stop() {
    if (process_ && process_->Running()) {
      process_->Signal(SIGTERM);
      if (!process_->Wait(seconds(30))) process_->Signal(SIGKILL);
      process_->Wait(seconds(10));
    }
  }

  std::string dir_;
  std::unique_ptr<Subprocess> process_;
  int port_ = 0;
  std::string log_;
};

class PrometheusServerTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir(); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(PrometheusServerTest, IngestsTheMasterEndpointConsistentlyWithTheSummary) {
  const std::string binary = FindPrometheus();
  ASSERT_FALSE(binary.empty())
      << "the `prometheus` binary is not on PATH: install Debian's prometheus package "
         "(scripts/install-deps.sh --with-test-tools does); this test does not skip";

  PrometheusServer prometheus(binary, dir_);
  ASSERT_TRUE(prometheus.ready()) << "Prometheus did not become ready:\n" << prometheus.Output();

  MockProcess mock({"--ttft", "20ms", "--itl", "5ms", "--output-tokens", "16"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string json_path = dir_ + "/summary.json";
  Subprocess run({LlmloadBinary(), "run", "--url", mock.url(), "-u", "4", "-r", "20", "-t", "10s",
                  "--threads", "1", "-q", "--json-out", json_path, "--metrics-bind", "127.0.0.1:0",
                  "--metrics-linger", "180s"});
  std::optional<std::string> port = run.WaitForOutput(kMetricsPortPattern, seconds(60));
  ASSERT_TRUE(port.has_value()) << run.Output();
  prometheus.SetTarget("127.0.0.1:" + *port);

  // At least two scrapes of this run while it runs (the target is up and has samples).
  std::string run_id;
  ASSERT_TRUE(PollFor(
      [&] {
        const json d = prometheus.Query("count_over_time(llmload_users[10m])");
        if (d.contains("error") || d["result"].size() != 1) return false;
        run_id = d["result"][0]["metric"].value("run_id", "");
        return std::stod(d["result"][0]["value"][1].get<std::string>()) >= 2;
      },
      seconds(90), milliseconds(250)))
      << "Prometheus did not scrape llmload twice\n"
      << prometheus.Output() << "\n"
      << run.Output();
  EXPECT_EQ(prometheus.Scalar("max(up{job=\"llmload\"})"), 1);

  ASSERT_TRUE(run.WaitForOutput("--metrics-linger", seconds(120))) << run.Output();
  const json summary = json::parse(ReadFile(json_path), nullptr, false);
  ASSERT_TRUE(summary.is_object()) << run.Output();
  EXPECT_EQ(summary["run"]["id"], run_id);
  const double ended =
      summary["requests"]["total"].get<double>() + summary["requests"]["cancelled"].get<double>();
  ASSERT_GT(ended, 0);

  // A scrape after the run reaches Prometheus: the totals equal the summary's.
  const std::string sel = absl::StrCat("{run_id=\"", run_id, "\"}");
  double total = NAN;
  EXPECT_TRUE(PollFor(
      [&] {
        total = prometheus.Scalar("sum(llmload_requests_total" + sel + ")");
        return total == ended;
      },
      seconds(60), milliseconds(250)))
      << "sum(llmload_requests_total) = " << total << ", summary: " << ended;
  EXPECT_EQ(prometheus.Scalar(absl::StrCat("sum(llmload_requests_total{run_id=\"", run_id,
                                           "\",status=\"success\"})")),
            summary["requests"]["succeeded"].get<double>());
  EXPECT_EQ(prometheus.Scalar("sum(llmload_output_tokens_total" + sel + ")"),
            summary["tokens"]["output_total"].get<double>());
  EXPECT_EQ(prometheus.Scalar("sum(llmload_time_to_first_token_seconds_count" + sel + ")"),
            summary["requests"]["succeeded"].get<double>());

  // histogram_quantile over the whole run's TTFT histogram lands in the bucket that holds the
  // summary's exact p50 (Prometheus interpolates linearly inside a bucket).
  const double p50 = summary["ttft_s"]["p50"].get<double>();
  double lo = 0, hi = INFINITY;
  for (double b : master::kLatencyBucketsS) {
    if (b < p50) lo = b;
    if (b >= p50) {
      hi = b;
      break;
    }
  }
  const double est = prometheus.Scalar(
      "histogram_quantile(0.5, sum by (le) (llmload_time_to_first_token_seconds_bucket" + sel +
      "))");
  EXPECT_GE(est, lo * 0.999) << "summary p50 " << p50;
  EXPECT_LE(est, hi * 1.001) << "summary p50 " << p50;
  // The dashboard's form, over a rate: the same bucket (every TTFT is ~20 ms).
  const double est_rate = prometheus.Scalar(
      "histogram_quantile(0.5, sum by (le) (rate(llmload_time_to_first_token_seconds_bucket" + sel +
      "[2m])))");
  EXPECT_GE(est_rate, lo * 0.999) << "summary p50 " << p50;
  EXPECT_LE(est_rate, hi * 1.001) << "summary p50 " << p50;

  std::printf(
      "prometheus: sum(llmload_requests_total)=%g (summary %g), TTFT p50 summary %.4f s, "
      "histogram_quantile %.4f s, over rate %.4f s (bucket %g..%g)\n",
      total, ended, p50, est, est_rate, lo, hi);

  // Every query of the Grafana dashboard is valid PromQL with data behind it.
  const json dashboard = LoadGrafanaDashboard();
  ASSERT_TRUE(dashboard.is_object());
  const std::vector<std::string> exprs = DashboardExpressions(dashboard);
  EXPECT_GE(exprs.size(), 15u);
  for (const std::string& expr : exprs) {
    std::string q = absl::StrReplaceAll(expr, {{"$run_id", run_id}});
    const json d = prometheus.Query(q);
    ASSERT_FALSE(d.contains("error")) << q << ": " << d.dump();
    EXPECT_FALSE(d["result"].empty()) << "no data for the dashboard query " << q;
  }

  run.Signal(SIGTERM);  // ends the linger
  EXPECT_EQ(run.Wait(seconds(30)), 0) << run.Output();
}

}  // namespace
}  // namespace llmload::testing
