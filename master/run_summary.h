// RunSummary: the whole-run aggregates of ../shared/METRICS.md computed from merged stats,
// and their two renderings: the JSON summary (--json-out, a stable contract: extend it,
// never rename) and the console table printed at the end of a run.
#ifndef LLMLOAD_MASTER_RUN_SUMMARY_H_
#define LLMLOAD_MASTER_RUN_SUMMARY_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/dataset.h"
#include "common/histogram.h"
#include "common/interval_stats.h"
#include "common/prompt.h"
#include "common/synthetic_dataset.h"
#include "master/sweep_summary.h"
#include "nlohmann/json.hpp"

namespace llmload::master {

// The quantiles every latency metric reports, and their JSON key suffixes.
inline constexpr std::array<double, 9> kReportQuantiles = {0.50, 0.66, 0.75, 0.80, 0.90,
                                                           0.95, 0.98, 0.99, 0.999};
inline constexpr std::array<const char*, 9> kReportQuantileKeys = {
    "p50", "p66", "p75", "p80", "p90", "p95", "p98", "p99", "p99_9"};

// Mean, spread and quantiles of one latency metric, in seconds.
struct LatencyStats {
  uint64_t count = 0;
  double mean = 0, min = 0, max = 0, std = 0, cv_pct = 0;
  std::array<double, kReportQuantiles.size()> quantiles{};
  static LatencyStats From(const LatencyHistogram& h);
  double p(double q) const;  // one of kReportQuantiles
};

struct AgentSummary {
  std::string id;
  std::string hostname;
  int64_t users = 0;
  uint64_t requests = 0;
  std::string state;
};

// A replayed trace (--trace): which file, how many lines, how fast.
struct TraceInfo {
  std::string name;  // the file's basename
  int64_t lines = 0;
  double speed = 1;
  bool loop = false;
};

// Synthetic prompts (--input-tokens): the lengths asked for, beside the ones the server counted.
struct SyntheticInfo {
  int64_t prompts = 0;
  std::string input;      // as asked: "512", "512±64", "uniform:100,900"
  double input_mean = 0;  // over the prompts made
  std::string output;     // "" when --output-tokens was not given
  std::optional<double> output_mean;
  int64_t prefix_tokens = 0, prefix_groups = 1;
};

// The lengths `prompts` (made from `dataset`) ask for: their words are their tokens
// (common/synthetic_prompt.h), their max_tokens the output lengths.
SyntheticInfo DescribeSynthetic(const SyntheticDataset& dataset,
                                const std::vector<Prompt>& prompts);

// "dataset  PATH, read as FORMAT (why): N records, ..." for the summary and the run's start.
std::string DescribeDatasetLine(const DatasetSource& source);

// Facts about the run that the stats do not carry.
struct RunInfo {
  std::string id;
  int64_t started_at_wall_ns = 0;
  double duration_s = 0;
  // Open loop: from the start until the load was told to stop, the time over which requests
  // were sent (duration_s also holds the drain of the last replies); 0: duration_s.
  double send_duration_s = 0;
  std::string mode = "users";  // "users" or "rate"
  int64_t users = 0;
  double spawn_rate = 0;
  std::optional<double> rate;   // open loop: the target rate (infinite: --rate inf)
  int64_t max_concurrency = 0;  // open loop: the cap (0: none)
  std::string arrival;          // open loop: the arrival process ("poisson", ..., "trace")
  std::optional<TraceInfo> trace;
  std::optional<SyntheticInfo> synthetic;
  std::optional<DatasetSource> dataset;  // --dataset: its format and how many prompts it gave
  int agents = 1;
  std::string url;
  std::string model;
  std::string api;
  bool goodput_enabled = false;          // some --slo was given
  std::vector<AgentSummary> agent_list;  // distributed mode only
};

// One prompt's (`--per-prompt`) or one turn's (`--multi-turn`) share of the run
// (master/record_breakdown.h).
struct BreakdownRow {
  uint32_t index = 0;                                // the prompt's index, or the turn's from 0
  std::string id;                                    // the prompt's id, or the turn's number from 1
  uint64_t requests = 0, succeeded = 0, failed = 0;  // cancelled ones left out
  LatencyStats latency, ttft;                        // of successful requests
  double input_mean = 0, output_mean = 0;            // tokens per successful request
};

// An open loop's schedule, as the client kept it (the JSON's "schedule").
struct ScheduleSummary {
  double target_rate = 0;       // requests per second asked for (the last target; inf: --rate inf)
  int64_t max_concurrency = 0;  // the cap in flight (0: none)
  std::string arrival;          // the arrival process; empty: none (--rate inf)
  std::optional<TraceInfo> trace;
  double achieved_rate = 0;  // sent per second over the time the load was sending
  uint64_t sent = 0, dropped = 0;
  LatencyStats send_lateness;  // actual minus scheduled send
};

struct RunSummary;
// One stage of --stages (master/target_driver.h): its target and its own aggregates.
struct StageResult {
  int index = 0;
  double target = 0;  // users, or requests per second in an open loop
  std::shared_ptr<const RunSummary> summary;
};

struct RunSummary {
  RunInfo run;
  std::string token_source;  // "usage", "chunks", "mixed", or "none" (nothing succeeded)
  uint64_t total = 0, succeeded = 0, failed = 0, cancelled = 0;
  double success_rate = 0;
  std::array<uint64_t, kErrorClassCount> outcomes{};
  uint64_t attempts = 0;                             // requests plus retries, cancelled included
  std::array<uint64_t, kErrorClassCount> retries{};  // retried attempts, by their class
  double qps = 0, rpm = 0, output_tokens_per_s = 0, total_tokens_per_s = 0;
  std::optional<double> goodput_qps;
  LatencyStats latency, ttft, itl, tpot;
  // What servers reported of their own time (api/response_decoder.h ServerTimings), where the
  // API says: the whole request, and the means of prefill, decode and queueing (nullopt: no
  // request reported it).
  LatencyStats server_total;
  std::optional<double> server_prompt_mean, server_decode_mean, server_queue_mean;
  uint64_t input_tokens = 0, output_tokens = 0;
  double input_mean = 0, output_mean = 0;
  std::vector<BreakdownRow> prompts;  // only with --per-prompt
  std::vector<BreakdownRow> turns;    // only with --multi-turn

  // Open loop only (RunInfo::mode "rate"): what the client did against its schedule, and
  // latency and TTFT from the actual send (they hide the client's own queueing).
  std::optional<ScheduleSummary> schedule;
  LatencyStats latency_uncorrected, ttft_uncorrected;
  uint64_t warmup_requests = 0;       // sent in the warm-up and left out of everything above
  std::vector<StageResult> stages;    // only with --stages
  std::optional<SweepSummary> sweep;  // only in `llmload sweep`
};

RunSummary Summarize(const RunInfo& info, const IntervalStats& totals);

nlohmann::json SummaryToJson(const RunSummary& summary);
// The aggregate blocks of one summary (run, requests, throughput, latencies, ...), without
// the per-stage list: what each entry of "stages" holds too.
nlohmann::json AggregatesToJson(const RunSummary& summary);

// The end-of-run table for humans.
std::string FormatSummaryTable(const RunSummary& summary);

}  // namespace llmload::master

#endif  // LLMLOAD_MASTER_RUN_SUMMARY_H_
