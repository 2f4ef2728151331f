#include "master/sweep_summary.h"

#include <cmath>

#include "absl/strings/str_format.h"
#include "master/run_summary.h"

namespace llmload::master {
namespace {

// JSON has no infinity: a step that keeps its slots busy has no target rate (null).
nlohmann::json RateOrNull(double rate) {
  return std::isfinite(rate) ? nlohmann::json(rate) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json SweepToJson(const SweepSummary& sweep) {
  nlohmann::json j;
  j["mode"] = sweep.mode;
  j["step_time_s"] = sweep.step_time_s;
  j["warmup_s"] = sweep.warmup_s;
  nlohmann::json& steps = j["steps"];
  steps = nlohmann::json::array();
  for (const SweepStepResult& step : sweep.steps) {
    nlohmann::json one = step.summary ? AggregatesToJson(*step.summary) : nlohmann::json::object();
    one.erase("run");
    one.erase("agents");
    one["step"] = step.index;
    one["kind"] = step.kind;
    one["target_rate"] = RateOrNull(step.target_rate);
    one["max_concurrency"] = step.max_concurrency;
    one["achieved_rate"] = step.achieved_rate;
    one["completed_rate"] = step.completed_rate;
    one["within_slo"] =
        step.within_slo ? nlohmann::json(*step.within_slo) : nlohmann::json(nullptr);
    one["kept_up"] = step.kept_up;
    one["passed"] = step.passed ? nlohmann::json(*step.passed) : nlohmann::json(nullptr);
    if (step.summary) one["duration_s"] = step.summary->run.duration_s;
    steps.push_back(std::move(one));
  }
  nlohmann::json& result = j["result"];
  result["synchronous_rate"] = sweep.synchronous_rate;
  result["max_throughput"] = sweep.max_throughput;
  result["max_rate_under_slo"] = sweep.max_rate_under_slo
                                     ? nlohmann::json(*sweep.max_rate_under_slo)
                                     : nlohmann::json(nullptr);
  result["text"] = sweep.result;
  result["ended_early"] =
      sweep.ended_early.empty() ? nlohmann::json(nullptr) : nlohmann::json(sweep.ended_early);
  return j;
}

std::string FormatSweepTable(const SweepSummary& sweep) {
  std::string out =
      absl::StrFormat("\nsweep (%s): %.4g s per step, the first %.4g s of each left out\n",
                      sweep.mode, sweep.step_time_s, sweep.warmup_s);
  absl::StrAppendFormat(&out, "%4s %-11s %10s %10s %10s %8s %9s %9s %9s %8s %6s\n", "step", "kind",
                        "target/s", "sent/s", "done/s", "in-SLO", "ttft p50", "ttft p99", "e2e p99",
                        "failed", "pass");
  for (const SweepStepResult& step : sweep.steps) {
    const std::string target = std::isfinite(step.target_rate)
                                   ? absl::StrFormat("%.4g", step.target_rate)
                                   : absl::StrFormat("%d busy", step.max_concurrency);
    const RunSummary* s = step.summary.get();
    const std::string pass = !step.passed ? "-" : (*step.passed ? "yes" : "no");
    const std::string in_slo =
        step.within_slo ? absl::StrFormat("%.1f%%", 100 * *step.within_slo) : "-";
    absl::StrAppendFormat(&out,
                          "%4d %-11s %10s %10.4g %10.4g %8s %8.1fms %8.1fms %8.1fms %8d %6s\n",
                          step.index, step.kind, target, step.achieved_rate, step.completed_rate,
                          in_slo, s ? 1e3 * s->ttft.p(0.50) : 0, s ? 1e3 * s->ttft.p(0.99) : 0,
                          s ? 1e3 * s->latency.p(0.99) : 0, s ? s->failed : 0, pass);
  }
  if (!sweep.ended_early.empty())
    absl::StrAppendFormat(&out, "sweep ended early: %s\n", sweep.ended_early);
  absl::StrAppendFormat(&out, "%s\n", sweep.result);
  return out;
}

}  // namespace llmload::master
