// Reads deploy/grafana/llmload-dashboard.json for tests: the dashboard itself, and every
// llmload metric name its queries use (panel targets, variables, anywhere in the JSON), so a
// test can check each against what the exporter really serves.
#ifndef LLMLOAD_TESTS_SUPPORT_GRAFANA_DASHBOARD_H_
#define LLMLOAD_TESTS_SUPPORT_GRAFANA_DASHBOARD_H_

#include <set>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"

namespace llmload::testing {

// The dashboard from the source tree (a discarded value if it does not parse).
nlohmann::json LoadGrafanaDashboard();

// Every "expr" of every panel target, rows' nested panels included.
std::vector<std::string> DashboardExpressions(const nlohmann::json& dashboard);

// Every token that looks like one of our metric names (llmload_...) in any string of the JSON.
std::set<std::string> DashboardMetricNames(const nlohmann::json& dashboard);

}  // namespace llmload::testing

#endif  // LLMLOAD_TESTS_SUPPORT_GRAFANA_DASHBOARD_H_
