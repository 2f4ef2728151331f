#include "master/run_summary.h"

#include <algorithm>
#include <cmath>
#include <ctime>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/clock.h"
#include "common/terminal_text.h"

namespace llmload::master {

std::string DescribeDatasetLine(const DatasetSource& d) {
  std::string out = absl::StrFormat("dataset  %s, read as %s (%s): %d records", d.path, d.format,
                                    d.chosen_by, d.records);
  if (d.skipped > 0) absl::StrAppendFormat(&out, ", %d passed over (%s)", d.skipped, d.skipped_why);
  if (d.available != d.records - d.skipped) {
    absl::StrAppendFormat(&out, ", %d within the length filters", d.available);
  }
  absl::StrAppendFormat(&out, ", %d used%s\n", d.used, d.shuffled ? " (shuffled)" : "");
  return out;
}

SyntheticInfo DescribeSynthetic(const SyntheticDataset& dataset,
                                const std::vector<Prompt>& prompts) {
  SyntheticInfo info;
  info.prompts = static_cast<int64_t>(prompts.size());
  info.input = dataset.input.ToString();
  if (dataset.output) info.output = dataset.output->ToString();
  info.prefix_tokens = dataset.prefix_tokens;
  info.prefix_groups = dataset.prefix_groups;
  if (prompts.empty()) return info;
  double words = 0, max_tokens = 0;
  for (const Prompt& p : prompts) {
    words +=
        p.text.empty() ? 0 : static_cast<double>(std::count(p.text.begin(), p.text.end(), ' ') + 1);
    max_tokens += static_cast<double>(p.max_tokens.value_or(0));
  }
  const double n = static_cast<double>(prompts.size());
  info.input_mean = words / n;
  if (dataset.output) info.output_mean = max_tokens / n;
  return info;
}
namespace {

// One key per failure class (every class but success and cancelled), always present.
nlohmann::json FailureClassesToJson(const std::array<uint64_t, kErrorClassCount>& counts) {
  nlohmann::json out = nlohmann::json::object();
  for (size_t i = 0; i < kErrorClassCount; ++i) {
    const auto c = static_cast<ErrorClass>(i);
    if (c == ErrorClass::kSuccess || c == ErrorClass::kCancelled) continue;
    out[std::string(ErrorClassName(c))] = counts[i];
  }
  return out;
}

constexpr double kSecondsPerNs = 1e-9;

std::string Iso8601(int64_t wall_ns) {
  const time_t secs = static_cast<time_t>(wall_ns / kNsPerSecond);
  tm utc;
  gmtime_r(&secs, &utc);
  char buf[32];
  strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &utc);
  return absl::StrFormat("%s.%03dZ", buf, static_cast<int>((wall_ns % kNsPerSecond) / kNsPerMs));
}

nlohmann::json LatencyJson(const LatencyStats& s) {
  nlohmann::json j;
  if (s.count == 0) {
    // No sample: say so rather than report a zero latency.
    for (const char* k : {"mean", "min", "max", "std", "cv_pct"}) j[k] = nullptr;
    for (const char* k : kReportQuantileKeys) j[k] = nullptr;
    j["count"] = 0;
    return j;
  }
  j["mean"] = s.mean;
  j["min"] = s.min;
  j["max"] = s.max;
  j["std"] = s.std;
  j["cv_pct"] = s.cv_pct;
  for (size_t i = 0; i < kReportQuantiles.size(); ++i) j[kReportQuantileKeys[i]] = s.quantiles[i];
  j["count"] = s.count;
  return j;
}

}  // namespace

LatencyStats LatencyStats::From(const LatencyHistogram& h) {
  LatencyStats s;
  s.count = h.count();
  if (s.count == 0) return s;
  s.mean = h.mean_ns() * kSecondsPerNs;
  s.min = static_cast<double>(h.min_ns()) * kSecondsPerNs;
  s.max = static_cast<double>(h.max_ns()) * kSecondsPerNs;
  s.std = h.stddev_ns() * kSecondsPerNs;
  s.cv_pct = s.mean > 0 ? 100.0 * s.std / s.mean : 0;
  for (size_t i = 0; i < kReportQuantiles.size(); ++i) {
    s.quantiles[i] = static_cast<double>(h.ValueAtQuantile(kReportQuantiles[i])) * kSecondsPerNs;
  }
  return s;
}

double LatencyStats::p(double q) const {
  for (size_t i = 0; i < kReportQuantiles.size(); ++i) {
    if (kReportQuantiles[i] == q) return quantiles[i];
  }
  return 0;
}

RunSummary Summarize(const RunInfo& info, const IntervalStats& totals) {
  RunSummary s;
  s.run = info;
  s.outcomes = totals.outcomes;
  s.attempts = totals.attempts;
  s.retries = totals.retries;
  s.succeeded = totals.succeeded();
  s.failed = totals.failed();
  s.cancelled = totals.cancelled();
  s.total = s.succeeded + s.failed;
  s.success_rate = s.total > 0 ? static_cast<double>(s.succeeded) / s.total : 0;
  const double d = info.duration_s > 0 ? info.duration_s : 1e-9;
  s.qps = s.total / d;
  s.rpm = s.qps * 60;
  s.output_tokens_per_s = totals.output_tokens / d;
  s.total_tokens_per_s = (totals.input_tokens + totals.output_tokens) / d;
  if (info.goodput_enabled) s.goodput_qps = totals.slo_met / d;
  s.latency = LatencyStats::From(totals.e2e);
  s.ttft = LatencyStats::From(totals.ttft);
  s.itl = LatencyStats::From(totals.itl);
  s.tpot = LatencyStats::From(totals.tpot);
  s.server_total = LatencyStats::From(totals.server_total);
  auto mean = [](const DurationSum& d) {
    return d.count > 0 ? std::optional<double>(d.mean_s()) : std::nullopt;
  };
  s.server_prompt_mean = mean(totals.server_prompt);
  s.server_decode_mean = mean(totals.server_decode);
  s.server_queue_mean = mean(totals.server_queue);
  if (info.mode == "rate") {
    ScheduleSummary& schedule = s.schedule.emplace();
    schedule.target_rate = info.rate.value_or(0);
    schedule.max_concurrency = info.max_concurrency;
    schedule.arrival = info.arrival;
    schedule.trace = info.trace;
    schedule.achieved_rate = totals.sent / (info.send_duration_s > 0 ? info.send_duration_s : d);
    schedule.sent = totals.sent;
    schedule.dropped = totals.dropped;
    schedule.send_lateness = LatencyStats::From(totals.send_lateness);
    s.latency_uncorrected = LatencyStats::From(totals.e2e_uncorrected);
    s.ttft_uncorrected = LatencyStats::From(totals.ttft_uncorrected);
  }
  s.warmup_requests = totals.warmup_requests;
  s.input_tokens = totals.input_tokens;
  s.output_tokens = totals.output_tokens;
  s.input_mean = s.succeeded > 0 ? static_cast<double>(totals.input_tokens) / s.succeeded : 0;
  s.output_mean = s.succeeded > 0 ? static_cast<double>(totals.output_tokens) / s.succeeded : 0;
  if (totals.tokens_from_chunks == 0 && totals.tokens_from_usage == 0) {
    s.token_source = "none";  // no successful request to count
  } else if (totals.tokens_from_chunks == 0) {
    s.token_source = "usage";
  } else if (totals.tokens_from_usage == 0) {
    s.token_source = "chunks";
  } else {
    s.token_source = "mixed";
  }
  return s;
}

nlohmann::json SummaryToJson(const RunSummary& s) {
  nlohmann::json j = AggregatesToJson(s);
  if (!s.stages.empty()) {
    nlohmann::json& list = j["stages"];
    list = nlohmann::json::array();
    for (const StageResult& stage : s.stages) {
      nlohmann::json one = AggregatesToJson(*stage.summary);
      one.erase("run");
      one.erase("agents");
      one["stage"] = stage.index;
      one["target"] = stage.target;
      one["duration_s"] = stage.summary->run.duration_s;
      list.push_back(std::move(one));
    }
  }
  if (s.sweep) j["sweep"] = SweepToJson(*s.sweep);
  return j;
}

nlohmann::json AggregatesToJson(const RunSummary& s) {
  nlohmann::json j;
  nlohmann::json& run = j["run"];
  run["id"] = s.run.id;
  run["started_at"] = Iso8601(s.run.started_at_wall_ns);
  run["duration_s"] = s.run.duration_s;
  run["mode"] = s.run.mode;
  run["users"] = s.run.users;
  run["spawn_rate"] = s.run.spawn_rate;
  run["rate"] = s.run.rate ? nlohmann::json(*s.run.rate) : nlohmann::json(nullptr);
  run["agents"] = s.run.agents;
  run["url"] = s.run.url;
  run["model"] = s.run.model;
  run["api"] = s.run.api;
  run["token_source"] = s.token_source;

  nlohmann::json& req = j["requests"];
  req["total"] = s.total;
  req["succeeded"] = s.succeeded;
  req["failed"] = s.failed;
  req["success_rate"] = s.success_rate;
  req["cancelled"] = s.cancelled;
  req["errors"] = FailureClassesToJson(s.outcomes);
  req["attempts"] = s.attempts;
  req["retries"] = FailureClassesToJson(s.retries);

  nlohmann::json& tp = j["throughput"];
  tp["qps"] = s.qps;
  tp["rpm"] = s.rpm;
  tp["output_tokens_per_s"] = s.output_tokens_per_s;
  tp["total_tokens_per_s"] = s.total_tokens_per_s;
  tp["goodput_qps"] = s.goodput_qps ? nlohmann::json(*s.goodput_qps) : nlohmann::json(nullptr);

  j["latency_s"] = LatencyJson(s.latency);
  j["ttft_s"] = LatencyJson(s.ttft);
  j["itl_s"] = LatencyJson(s.itl);
  j["tpot_s"] = LatencyJson(s.tpot);
  auto optional = [](const std::optional<double>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  if (s.schedule) {
    j["latency_s_uncorrected"] = LatencyJson(s.latency_uncorrected);
    j["ttft_s_uncorrected"] = LatencyJson(s.ttft_uncorrected);
    const ScheduleSummary& sc = *s.schedule;
    // JSON has no infinity: --rate inf (no schedule, the cap kept busy) is null.
    j["schedule"] = {
        {"target_rate",
         std::isinf(sc.target_rate) ? nlohmann::json(nullptr) : nlohmann::json(sc.target_rate)},
        {"max_concurrency", sc.max_concurrency},
        {"arrival", sc.arrival.empty() ? nlohmann::json(nullptr) : nlohmann::json(sc.arrival)},
        {"trace", sc.trace ? nlohmann::json{{"file", sc.trace->name},
                                            {"lines", sc.trace->lines},
                                            {"speed", sc.trace->speed},
                                            {"loop", sc.trace->loop}}
                           : nlohmann::json(nullptr)},
        {"achieved_rate", sc.achieved_rate},
        {"sent", sc.sent},
        {"dropped", sc.dropped},
        {"send_lateness_s", LatencyJson(sc.send_lateness)}};
  }
  req["warmup"] = s.warmup_requests;
  j["server_total_s"] = LatencyJson(s.server_total);
  j["server_prompt_mean_s"] = optional(s.server_prompt_mean);
  j["server_decode_mean_s"] = optional(s.server_decode_mean);
  j["server_queue_mean_s"] = optional(s.server_queue_mean);

  // A breakdown's rows: a prompt's named by its id, a turn's by its number from 1.
  auto breakdown = [](const std::vector<BreakdownRow>& rows, bool turns) {
    nlohmann::json list = nlohmann::json::array();
    for (const BreakdownRow& p : rows) {
      nlohmann::json row;
      if (turns) {
        row["turn"] = p.index + 1;
      } else {
        row["id"] = p.id;
      }
      row["requests"] = p.requests;
      row["succeeded"] = p.succeeded;
      row["failed"] = p.failed;
      row["latency_s"] = LatencyJson(p.latency);
      row["ttft_s"] = LatencyJson(p.ttft);
      row["input_tokens_mean"] = p.input_mean;
      row["output_tokens_mean"] = p.output_mean;
      list.push_back(std::move(row));
    }
    return list;
  };
  if (!s.prompts.empty()) j["prompts"] = breakdown(s.prompts, /*turns=*/false);
  if (!s.turns.empty()) j["turns"] = breakdown(s.turns, /*turns=*/true);
  nlohmann::json& tok = j["tokens"];
  tok["input_total"] = s.input_tokens;
  tok["output_total"] = s.output_tokens;
  tok["input_mean"] = s.input_mean;
  tok["output_mean"] = s.output_mean;
  if (const std::optional<SyntheticInfo>& syn = s.run.synthetic) {
    j["synthetic"] = {
        {"prompts", syn->prompts},
        {"input_tokens", syn->input},
        {"input_tokens_requested_mean", syn->input_mean},
        {"output_tokens", syn->output.empty() ? nlohmann::json() : nlohmann::json(syn->output)},
        {"output_tokens_requested_mean", optional(syn->output_mean)},
        {"prefix_tokens", syn->prefix_tokens},
        {"prefix_groups", syn->prefix_groups}};
  }

  if (const std::optional<DatasetSource>& d = s.run.dataset) {
    j["dataset"] = {
        {"path", d->path},
        {"format", d->format},
        {"chosen_by", d->chosen_by},
        {"records", d->records},
        {"skipped", d->skipped},
        {"skipped_why", d->skipped_why.empty() ? nlohmann::json() : nlohmann::json(d->skipped_why)},
        {"available", d->available},
        {"used", d->used},
        {"shuffled", d->shuffled}};
  }

  if (!s.run.agent_list.empty()) {
    nlohmann::json agents = nlohmann::json::array();
    for (const AgentSummary& a : s.run.agent_list) {
      agents.push_back({{"id", a.id},
                        {"hostname", a.hostname},
                        {"users", a.users},
                        {"requests", a.requests},
                        {"state", a.state}});
    }
    j["agents"] = agents;
  }
  return j;
}

std::string FormatSummaryTable(const RunSummary& s) {
  std::string out;
  absl::StrAppendFormat(&out, "\n=== llmload summary: run %s ===\n", s.run.id);
  // The model id may come from the server (/v1/models): no escape code of its reaches the screen.
  absl::StrAppendFormat(&out, "target   %s  (%s, model %s)\n", s.run.url, s.run.api,
                        TerminalSafe(s.run.model));
  if (s.sweep) {
    absl::StrAppendFormat(&out, "load     sweep (%s): %d step(s), %d agent(s), %.2f s\n",
                          s.sweep->mode, s.sweep->steps.size(), s.run.agents, s.run.duration_s);
  } else if (s.schedule) {
    const ScheduleSummary& sc = *s.schedule;
    if (std::isinf(sc.target_rate)) {
      absl::StrAppendFormat(
          &out, "load     open loop keeping %d in flight (--rate inf), %d agent(s), %.2f s\n",
          sc.max_concurrency, s.run.agents, s.run.duration_s);
    } else if (sc.trace) {
      absl::StrAppendFormat(
          &out, "load     trace %s: %d lines at %.4gx%s (%.4g req/s mean), %d agent(s), %.2f s\n",
          TerminalSafe(sc.trace->name), sc.trace->lines, sc.trace->speed,
          sc.trace->loop ? ", looped" : "", sc.target_rate, s.run.agents, s.run.duration_s);
    } else {
      absl::StrAppendFormat(&out, "load     open loop at %.4g req/s, %d agent(s), %.2f s\n",
                            sc.target_rate, s.run.agents, s.run.duration_s);
    }
    absl::StrAppendFormat(&out,
                          "schedule %d sent (%.2f req/s achieved), %d dropped; send lateness "
                          "p50 %.3f ms, p99 %.3f ms, max %.3f ms\n",
                          sc.sent, sc.achieved_rate, sc.dropped, 1e3 * sc.send_lateness.p(0.50),
                          1e3 * sc.send_lateness.p(0.99), 1e3 * sc.send_lateness.max);
  } else {
    absl::StrAppendFormat(&out, "load     %d users at %.4g/s spawn rate, %d agent(s), %.2f s\n",
                          s.run.users, s.run.spawn_rate, s.run.agents, s.run.duration_s);
  }
  if (s.warmup_requests > 0) {
    absl::StrAppendFormat(&out, "warm-up  %d requests sent and left out of every figure below\n",
                          s.warmup_requests);
  }
  absl::StrAppendFormat(&out, "requests %d total, %d ok, %d failed (%.2f%% success)", s.total,
                        s.succeeded, s.failed, 100.0 * s.success_rate);
  if (s.cancelled > 0) absl::StrAppendFormat(&out, ", %d cancelled at stop", s.cancelled);
  uint64_t retried = 0;
  for (uint64_t n : s.retries) retried += n;
  if (retried > 0) {
    absl::StrAppendFormat(&out, "; %d attempts (%d retries)", s.attempts, retried);
  }
  out += "\n";
  absl::StrAppendFormat(&out,
                        "rate     %.2f req/s  %.1f req/min  %.1f output tok/s  %.1f total tok/s",
                        s.qps, s.rpm, s.output_tokens_per_s, s.total_tokens_per_s);
  if (s.goodput_qps) absl::StrAppendFormat(&out, "  goodput %.2f req/s", *s.goodput_qps);
  out += "\n";
  absl::StrAppendFormat(&out, "tokens   %d in (mean %.1f), %d out (mean %.1f), counted from %s\n",
                        s.input_tokens, s.input_mean, s.output_tokens, s.output_mean,
                        s.token_source);
  if (const std::optional<SyntheticInfo>& syn = s.run.synthetic) {
    // What was asked for, to read beside what the server counted (the chat template's tokens
    // are the server's, and vocabularies other than the word list's differ: docs/prompts.md).
    absl::StrAppendFormat(&out, "asked    %d synthetic prompts of %s tokens (mean %.1f)",
                          syn->prompts, syn->input, syn->input_mean);
    if (syn->output_mean) {
      absl::StrAppendFormat(&out, ", %s output tokens (mean %.1f)", syn->output, *syn->output_mean);
    }
    if (syn->prefix_tokens > 0) {
      absl::StrAppendFormat(&out, ", %d shared prefixes of %d tokens", syn->prefix_groups,
                            syn->prefix_tokens);
    }
    out += "\n";
  }
  if (const std::optional<DatasetSource>& d = s.run.dataset) out += DescribeDatasetLine(*d);
  out += "\n";
  absl::StrAppendFormat(&out, "%-10s %8s %9s %9s %9s %9s %9s %9s %9s %9s %7s\n", "metric (s)",
                        "count", "mean", "min", "p50", "p90", "p95", "p99", "p99.9", "max", "cv%");
  auto row = [&out](const char* name, const LatencyStats& l) {
    if (l.count == 0) {
      absl::StrAppendFormat(&out, "%-10s %8d %9s\n", name, 0, "-");
      return;
    }
    absl::StrAppendFormat(&out, "%-10s %8d %9.4f %9.4f %9.4f %9.4f %9.4f %9.4f %9.4f %9.4f %7.1f\n",
                          name, l.count, l.mean, l.min, l.p(0.50), l.p(0.90), l.p(0.95), l.p(0.99),
                          l.p(0.999), l.max, l.cv_pct);
  };
  row("latency", s.latency);
  row("ttft", s.ttft);
  row("itl", s.itl);
  row("tpot", s.tpot);
  if (s.server_total.count > 0) row("server", s.server_total);
  if (s.schedule) {  // from the actual send: what a client hiding its own queueing reports
    row("latency*", s.latency_uncorrected);
    row("ttft*", s.ttft_uncorrected);
  }
  // The rest of METRICS.md's aggregates, in a second block so that lines stay under 110
  // columns.
  absl::StrAppendFormat(&out, "\n%-10s %9s %9s %9s %9s %9s\n", "metric (s)", "std", "p66", "p75",
                        "p80", "p98");
  auto more = [&out](const char* name, const LatencyStats& l) {
    if (l.count == 0) {
      absl::StrAppendFormat(&out, "%-10s %9s\n", name, "-");
      return;
    }
    absl::StrAppendFormat(&out, "%-10s %9.4f %9.4f %9.4f %9.4f %9.4f\n", name, l.std, l.p(0.66),
                          l.p(0.75), l.p(0.80), l.p(0.98));
  };
  more("latency", s.latency);
  more("ttft", s.ttft);
  more("itl", s.itl);
  more("tpot", s.tpot);
  if (s.server_total.count > 0) more("server", s.server_total);
  if (s.schedule) {
    out +=
        "\nlatency and ttft run from each request's scheduled send; latency* and ttft* from its "
        "actual send\n";
  }
  if (s.server_total.count > 0 || s.server_prompt_mean || s.server_decode_mean ||
      s.server_queue_mean) {
    // The network's and the client's share at a glance: what the client measured beyond what
    // the server says it spent.
    out += "\nserver-reported";
    if (s.server_total.count > 0 && s.latency.count > 0) {
      absl::StrAppendFormat(
          &out, "  total mean %.4f s of %.4f s latency (%.4f s outside the server)",
          s.server_total.mean, s.latency.mean, s.latency.mean - s.server_total.mean);
    }
    for (const auto& [name, v] :
         {std::pair{"prompt", &s.server_prompt_mean}, std::pair{"decode", &s.server_decode_mean},
          std::pair{"queue", &s.server_queue_mean}}) {
      if (*v) absl::StrAppendFormat(&out, "  %s mean %.4f s", name, **v);
    }
    out += "\n";
  }
  bool any_error = false;
  for (size_t i = 0; i < kErrorClassCount; ++i) {
    const auto c = static_cast<ErrorClass>(i);
    if (c == ErrorClass::kSuccess || c == ErrorClass::kCancelled || s.outcomes[i] == 0) continue;
    if (!any_error) out += "\nerrors by class\n";
    any_error = true;
    absl::StrAppendFormat(&out, "  %-18s %d\n", ErrorClassName(c), s.outcomes[i]);
  }
  if (!s.stages.empty()) {
    absl::StrAppendFormat(&out, "\n%-6s %10s %8s %9s %9s %9s %9s %9s\n", "stage",
                          s.schedule ? "rate" : "users", "requests", "req/s", "lat p50", "lat p99",
                          "ttft p50", "ttft p99");
    for (const StageResult& stage : s.stages) {
      const RunSummary& r = *stage.summary;
      absl::StrAppendFormat(&out, "%-6d %10.4g %8d %9.2f %9.4f %9.4f %9.4f %9.4f\n", stage.index,
                            stage.target, r.total, r.qps, r.latency.p(0.50), r.latency.p(0.99),
                            r.ttft.p(0.50), r.ttft.p(0.99));
    }
  }
  // The test design's per-prompt comparison, and a conversation's growth turn by turn: latency
  // and TTFT side by side, per row.
  auto breakdown = [&out](absl::string_view title, const std::vector<BreakdownRow>& rows) {
    if (rows.empty()) return;
    absl::StrAppendFormat(&out, "\n%-20s %6s %6s %7s | %-43s | %s\n", title, "ok", "failed",
                          "in tok", "latency (s): mean std cv% p95 p99",
                          "ttft (s): mean min max p99");
    for (const BreakdownRow& p : rows) {
      const std::string id = p.id.size() > 20 ? p.id.substr(0, 19) + "~" : p.id;
      absl::StrAppendFormat(&out, "%-20s %6d %6d %7.1f | ", id, p.succeeded, p.failed,
                            p.input_mean);
      if (p.latency.count == 0) {
        absl::StrAppendFormat(&out, "%-43s | %s\n", "-", "-");
        continue;
      }
      absl::StrAppendFormat(&out, "%8.4f %8.4f %6.1f %8.4f %8.4f | ", p.latency.mean, p.latency.std,
                            p.latency.cv_pct, p.latency.p(0.95), p.latency.p(0.99));
      if (p.ttft.count == 0) {
        out += "-\n";
      } else {
        absl::StrAppendFormat(&out, "%8.4f %8.4f %8.4f %8.4f\n", p.ttft.mean, p.ttft.min,
                              p.ttft.max, p.ttft.p(0.99));
      }
    }
  };
  breakdown("per prompt", s.prompts);
  breakdown("per turn", s.turns);
  if (!s.run.agent_list.empty()) {
    out += "\nagents\n";
    for (const AgentSummary& a : s.run.agent_list) {
      absl::StrAppendFormat(&out, "  %-24s %-16s users %-6d requests %-8d %s\n", a.id, a.hostname,
                            a.users, a.requests, a.state);
    }
  }
  if (s.sweep) out += FormatSweepTable(*s.sweep);
  return out;
}

}  // namespace llmload::master
