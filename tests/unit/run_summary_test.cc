#include "master/run_summary.h"

#include "gtest/gtest.h"

namespace llmload::master {
namespace {

IntervalStats KnownStats() {
  IntervalStats s;
  s.outcomes[static_cast<size_t>(ErrorClass::kSuccess)] = 4;
  s.outcomes[static_cast<size_t>(ErrorClass::kHttp429)] = 1;
  s.outcomes[static_cast<size_t>(ErrorClass::kCancelled)] = 2;
  for (int64_t ms : {100, 200, 300, 400}) s.e2e.Record(ms * 1'000'000);
  for (int64_t ms : {10, 20, 30, 40}) s.ttft.Record(ms * 1'000'000);
  s.input_tokens = 40;
  s.output_tokens = 64;
  s.tokens_from_usage = 4;
  s.slo_met = 2;
  return s;
}

TEST(RunSummaryTest, ComputesRatesAndStatsFromTotals) {
  RunInfo info;
  info.id = "r1";
  info.duration_s = 2.0;
  info.goodput_enabled = true;
  const RunSummary s = Summarize(info, KnownStats());
  EXPECT_EQ(s.total, 5u);
  EXPECT_EQ(s.succeeded, 4u);
  EXPECT_EQ(s.failed, 1u);
  EXPECT_EQ(s.cancelled, 2u);
  EXPECT_DOUBLE_EQ(s.success_rate, 0.8);
  EXPECT_DOUBLE_EQ(s.qps, 2.5);
  EXPECT_DOUBLE_EQ(s.rpm, 150);
  EXPECT_DOUBLE_EQ(s.output_tokens_per_s, 32);
  EXPECT_DOUBLE_EQ(s.total_tokens_per_s, 52);
  ASSERT_TRUE(s.goodput_qps.has_value());
  EXPECT_DOUBLE_EQ(*s.goodput_qps, 1.0);
  EXPECT_NEAR(s.latency.mean, 0.25, 1e-9);
  EXPECT_NEAR(s.latency.min, 0.1, 1e-9);
  EXPECT_NEAR(s.latency.max, 0.4, 1e-9);
  EXPECT_NEAR(s.ttft.p(0.5), 0.02, 0.02 * 0.001);
  EXPECT_NEAR(s.latency.cv_pct, 100 * s.latency.std / s.latency.mean, 1e-9);
  EXPECT_EQ(s.token_source, "usage");
  EXPECT_DOUBLE_EQ(s.output_mean, 16);
}

TEST(RunSummaryTest, JsonFollowsTheContract) {
  RunInfo info;
  info.id = "r1";
  info.duration_s = 2.0;
  info.url = "http://127.0.0.1:1/v1/chat/completions";
  const nlohmann::json j = SummaryToJson(Summarize(info, KnownStats()));
  for (const char* key :
       {"run", "requests", "throughput", "latency_s", "ttft_s", "itl_s", "tpot_s", "tokens"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  for (const char* key : {"id", "started_at", "duration_s", "mode", "users", "spawn_rate", "rate",
                          "agents", "url", "model", "api", "token_source"}) {
    EXPECT_TRUE(j["run"].contains(key)) << key;
  }
  for (const char* key : {"mean", "min", "max", "std", "cv_pct", "p50", "p66", "p75", "p80", "p90",
                          "p95", "p98", "p99", "p99_9"}) {
    EXPECT_TRUE(j["latency_s"].contains(key)) << key;
    EXPECT_TRUE(j["tpot_s"].contains(key)) << key;
  }
  EXPECT_EQ(j["requests"]["errors"]["http_429"], 1);
  EXPECT_EQ(j["requests"]["errors"]["http_5xx"], 0);
  EXPECT_FALSE(j["requests"]["errors"].contains("success"));
  EXPECT_TRUE(j["throughput"]["goodput_qps"].is_null());  // no --slo given
  EXPECT_TRUE(j["tpot_s"]["p50"].is_null());              // no sample: null, not 0
  EXPECT_FALSE(j.contains("agents"));
}

TEST(RunSummaryTest, ServerReportedTimingsGoBesideTheClients) {
  RunInfo info;
  info.duration_s = 2.0;
  IntervalStats stats = KnownStats();
  const nlohmann::json none = SummaryToJson(Summarize(info, stats));
  EXPECT_EQ(none["server_total_s"]["count"], 0);
  EXPECT_TRUE(none["server_decode_mean_s"].is_null());
  EXPECT_EQ(FormatSummaryTable(Summarize(info, stats)).find("server"), std::string::npos);

  for (int64_t ms : {80, 180}) stats.server_total.Record(ms * 1'000'000);
  stats.server_decode.Add(150'000'000);
  stats.server_decode.Add(50'000'000);
  const RunSummary s = Summarize(info, stats);
  const nlohmann::json j = SummaryToJson(s);
  EXPECT_EQ(j["server_total_s"]["count"], 2);
  EXPECT_NEAR(j["server_total_s"]["mean"].get<double>(), 0.13, 1e-6);
  EXPECT_NEAR(j["server_decode_mean_s"].get<double>(), 0.1, 1e-9);
  EXPECT_TRUE(j["server_prompt_mean_s"].is_null());
  const std::string table = FormatSummaryTable(s);
  EXPECT_NE(table.find("server-reported  total mean 0.1300 s of 0.2500 s latency (0.1200 s "
                       "outside the server)  decode mean 0.1000 s"),
            std::string::npos)
      << table;
}

TEST(RunSummaryTest, TableShowsEveryAggregate) {
  RunInfo info;
  info.id = "r1";
  info.duration_s = 2.0;
  const std::string table = FormatSummaryTable(Summarize(info, KnownStats()));
  for (const char* column : {"count", "mean", "min", "p50", "p90", "p95", "p99", "p99.9", "max",
                             "cv%", "std", "p66", "p75", "p80", "p98"}) {
    EXPECT_NE(table.find(column), std::string::npos) << column << "\n" << table;
  }
  // Latencies 0.1..0.4 s: p75 is the 3rd sample (0.3 s), std of {.1,.2,.3,.4} is 0.1118.
  EXPECT_NE(table.find("latency       0.1118    0.3000    0.3000    0.4000    0.4000"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("http_429"), std::string::npos) << table;
}

}  // namespace
}  // namespace llmload::master
