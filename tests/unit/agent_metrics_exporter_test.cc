// An agent's own /metrics: the five gauges of the last heartbeat, labelled with agent_id.
#include "agent/agent_metrics_exporter.h"

#include "gtest/gtest.h"
#include "support/mock_process.h"
#include "support/prometheus_text.h"

namespace llmload::agent {
namespace {

using ::llmload::testing::ParsePrometheusText;
using ::llmload::testing::PromText;

TEST(AgentMetricsExporterTest, RendersTheLastHeartbeat) {
  AgentMetricsExporter e("agent-7");
  e.Update(AgentLoad{180.5, 0.0125, 42, 50, 93.5});
  absl::StatusOr<PromText> t = ParsePrometheusText(e.RenderText());
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->samples.size(), 5u);
  EXPECT_EQ(t->Value("llmload_agent_cpu_percent", {{"agent_id", "agent-7"}}), 180.5);
  EXPECT_EQ(t->Value("llmload_agent_event_loop_lag_seconds", {{"agent_id", "agent-7"}}), 0.0125);
  EXPECT_EQ(t->Value("llmload_agent_active_connections", {{"agent_id", "agent-7"}}), 42);
  EXPECT_EQ(t->Value("llmload_agent_users", {{"agent_id", "agent-7"}}), 50);
  EXPECT_EQ(t->Value("llmload_agent_engine_busy_percent", {{"agent_id", "agent-7"}}), 93.5);
  for (const auto& [name, type] : t->types) EXPECT_EQ(type, "gauge") << name;
}

TEST(AgentMetricsExporterTest, ServesOnLoopback) {
  AgentMetricsExporter e("a");
  ASSERT_TRUE(e.Serve("127.0.0.1:0").ok());
  e.Update(AgentLoad{1, 0, 2, 3});
  std::optional<std::string> body = ::llmload::testing::HttpGet(e.endpoint()->url());
  ASSERT_TRUE(body.has_value());
  absl::StatusOr<PromText> t = ParsePrometheusText(*body);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->Value("llmload_agent_users"), 3);
}

}  // namespace
}  // namespace llmload::agent
