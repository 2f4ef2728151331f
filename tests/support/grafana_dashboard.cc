#include "support/grafana_dashboard.h"

#include <fstream>
#include <regex>
#include <sstream>

namespace llmload::testing {
namespace {

void CollectStrings(const nlohmann::json& j, std::vector<std::string>& out) {
  if (j.is_string()) {
    out.push_back(j.get<std::string>());
  } else if (j.is_structured()) {
    for (const auto& item : j) CollectStrings(item, out);
  }
}

void CollectExprs(const nlohmann::json& panels, std::vector<std::string>& out) {
  if (!panels.is_array()) return;
  for (const auto& panel : panels) {
    if (panel.contains("targets") && panel["targets"].is_array()) {
      for (const auto& t : panel["targets"]) {
        if (t.contains("expr") && t["expr"].is_string()) out.push_back(t["expr"]);
      }
    }
    if (panel.contains("panels")) CollectExprs(panel["panels"], out);
  }
}

}  // namespace

nlohmann::json LoadGrafanaDashboard() {
  std::ifstream in(std::string(LLMLOAD_SOURCE_DIR) + "/deploy/grafana/llmload-dashboard.json");
  std::stringstream ss;
  ss << in.rdbuf();
  return nlohmann::json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
}

std::vector<std::string> DashboardExpressions(const nlohmann::json& dashboard) {
  std::vector<std::string> exprs;
  if (dashboard.is_object() && dashboard.contains("panels")) {
    CollectExprs(dashboard["panels"], exprs);
  }
  return exprs;
}

std::set<std::string> DashboardMetricNames(const nlohmann::json& dashboard) {
  std::vector<std::string> strings;
  CollectStrings(dashboard, strings);
  static const std::regex kName("llmload_[A-Za-z0-9_]+");  // ours have no colons
  std::set<std::string> names;
  for (const std::string& s : strings) {
    for (auto it = std::sregex_iterator(s.begin(), s.end(), kName); it != std::sregex_iterator();
         ++it) {
      names.insert(it->str());
    }
  }
  return names;
}

}  // namespace llmload::testing
