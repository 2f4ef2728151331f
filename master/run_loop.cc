#include "master/run_loop.h"

#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <optional>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/cli_command.h"
#include "common/clock.h"
#include "common/duration.h"
#include "common/stop_signals.h"
#include "common/wire_codec.h"
#include "master/console_view.h"
#include "master/csv_output.h"

namespace llmload::master {
namespace {

constexpr int64_t kTickNs = 100 * kNsPerMs;
constexpr int64_t kSnapshotEveryNs = kNsPerSecond;

}  // namespace

std::string NewRunId() {
  const time_t now = time(nullptr);
  tm utc;
  gmtime_r(&now, &utc);
  char buf[32];
  strftime(buf, sizeof(buf), "%Y%m%d-%H%M%S", &utc);
  std::random_device rd;
  return absl::StrFormat("%s-%04x", buf, rd() & 0xffff);
}

absl::StatusOr<RunOutputs> OpenRunOutputs(const OutputFlags& flags,
                                          const std::vector<Prompt>* prompts) {
  RunOutputs out;
  out.quiet = flags.quiet;
  absl::StatusOr<absl::Duration> every =
      ParseDuration(flags.console_interval, "--console-interval");
  if (!every.ok()) return every.status();
  if (*every <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--console-interval: must be above 0");
  }
  out.console_interval = *every;
  if (!flags.csv_out.empty()) {
    auto w = RequestCsvWriter::Open(flags.csv_out, prompts);
    if (!w.ok()) return w.status();
    out.request_csv = std::move(*w);
  }
  if (!flags.csv_stats.empty()) {
    auto w = StatsCsvWriter::Open(flags.csv_stats);
    if (!w.ok()) return w.status();
    out.stats_csv = std::move(*w);
  }
  if (flags.per_prompt) out.prompt_breakdown.emplace();
  if (!flags.json_out.empty()) {
    auto f = OpenOutputFile(flags.json_out, "--json-out");
    if (!f.ok()) return f.status();
    out.json_file = std::move(*f);
  }
  return out;
}

absl::StatusOr<absl::Duration> ParseStatsWindow(const std::string& text) {
  absl::StatusOr<absl::Duration> window = ParseDuration(text, "--window");
  if (!window.ok()) return window.status();
  if (*window < absl::Seconds(1) || *window != absl::Seconds(absl::ToInt64Seconds(*window))) {
    return absl::InvalidArgumentError(
        absl::StrCat("--window: '", text, "' must be a whole number of seconds, at least 1s"));
  }
  return *window;
}

int RunLoad(LoadSource& source, const WorkloadSpec& spec, RunInfo info,
            const RunLoopOptions& options, RunOutputs outputs) {
  std::optional<RequestCsvWriter>& request_csv = outputs.request_csv;
  std::optional<StatsCsvWriter>& stats_csv = outputs.stats_csv;
  std::optional<UniqueFile>& json_file = outputs.json_file;
  std::optional<PromptBreakdown>& breakdown = outputs.prompt_breakdown;
  ConsoleView console(stderr, isatty(STDERR_FILENO) == 1);
  Aggregator aggregator(options.stats_window);
  const int64_t start_ns = MonotonicNowNs();
  info.started_at_wall_ns = WallNowNs();
  aggregator.set_window_start(start_ns);

  const int64_t run_time_ns = absl::ToInt64Nanoseconds(spec.run_time);
  const int64_t console_ns = absl::ToInt64Nanoseconds(outputs.console_interval);
  int64_t next_snapshot = start_ns + kSnapshotEveryNs;
  int64_t next_console = start_ns + console_ns;
  bool stopping = false;
  bool cancelled_hard = false;
  bool warned_unreachable = false;
  int64_t end_ns = 0;
  std::string stop_reason;

  source.SetTarget(spec.users, spec.spawn_rate);

  std::vector<RequestRecord> wire_records;
  auto collect = [&](int64_t now) {
    for (LoadSource::Delta& d : source.TakeDeltas()) {
      if (auto* local = std::get_if<IntervalStats>(&d.stats)) {
        if (request_csv && !local->records.empty()) request_csv->Append(local->records);
        if (breakdown) breakdown->Add(local->records);
        local->records.clear();  // streamed to disk; the aggregator keeps only counts
        aggregator.Add(d.source, d.seq, *local, now);
        continue;
      }
      const proto::StatsDelta& wire = std::get<proto::StatsDelta>(d.stats);
      absl::StatusOr<bool> merged = aggregator.AddWire(d.source, d.seq, wire, now);
      if (!merged.ok()) {
        console.Note(absl::StrCat("llmload: dropped a stats delta from ", d.source, ": ",
                                  merged.status().message()));
      } else if (*merged && wire.records_size() > 0 && (request_csv || breakdown)) {
        wire_records.clear();
        AppendRecordsFromProto(wire, &wire_records);
        if (request_csv) request_csv->Append(wire_records);
        if (breakdown) breakdown->Add(wire_records);
      }
    }
  };
  // Said once, as soon as a delta shows connection failures and no success at all.
  auto warn_if_unreachable = [&](const char* suffix) {
    const IntervalStats& t = aggregator.totals();
    if (warned_unreachable || t.succeeded() > 0 ||
        t.outcomes[static_cast<size_t>(ErrorClass::kConnect)] == 0) {
      return;
    }
    warned_unreachable = true;
    console.Note(absl::StrCat("llmload: cannot connect to ", spec.url,
                              " (is the server up and the URL right?)", suffix));
  };
  auto snapshot = [&](int64_t now, bool final = false) {
    LiveSnapshot snap;
    snap.wall_ns = WallNowNs();
    snap.elapsed_s = static_cast<double>(now - start_ns) / kNsPerSecond;
    snap.planned_s = static_cast<double>(run_time_ns) / kNsPerSecond;
    snap.users = source.RunningUsers();
    snap.target_users = spec.users;
    snap.agents = source.Agents();
    const double ramp_s = static_cast<double>(spec.users) / spec.spawn_rate;
    snap.phase = stopping ? "stopping" : (snap.elapsed_s < ramp_s ? "ramping" : "running");
    const std::vector<AgentSummary> agent_list = source.AgentList();
    for (const AgentSummary& a : agent_list) ++snap.agents_by_state[a.state];
    if (agent_list.empty()) {  // the in-process engine of `llmload run`
      ++snap.agents_by_state[final ? "stopped" : (stopping ? "stopping" : "running")];
    }
    FillFromAggregator(aggregator, now, snap);
    return snap;
  };

  if (options.on_tick) options.on_tick(snapshot(start_ns), aggregator);  // target, agents
  while (true) {
    const int sig = WaitForStopSignal(kTickNs);
    const int64_t now = MonotonicNowNs();
    if (sig != 0) {
      if (!stopping) {
        stopping = true;
        stop_reason = "interrupted";
        console.Note(absl::StrFormat(
            "llmload: stopping (signal %d): letting in-flight requests finish for up to %s; "
            "press Ctrl-C again to cancel them now",
            sig, absl::FormatDuration(spec.stop_timeout)));
        source.Stop(spec.stop_timeout);
      } else if (!cancelled_hard) {
        cancelled_hard = true;
        console.Note("llmload: cancelling in-flight requests");
        source.Stop(absl::ZeroDuration());
      }
    }
    if (!stopping && run_time_ns > 0 && now - start_ns >= run_time_ns) {
      stopping = true;
      stop_reason = "run time reached";
      source.Stop(spec.stop_timeout);
    }
    if (!stopping && source.BudgetDone()) {
      stopping = true;
      stop_reason = "request count reached";
      source.Stop(spec.stop_timeout);
    }
    // Deltas are merged as soon as they are here (a tick at most), so the live figures lag
    // the agents by their stats interval only; the per-second work is the snapshot.
    collect(now);
    if (now >= next_snapshot) {
      next_snapshot = now + kSnapshotEveryNs;
      warn_if_unreachable("; still counting");
      std::string notice = source.TakeNotice();
      if (!notice.empty()) console.Note(notice);
      LiveSnapshot snap = snapshot(now);
      if (stats_csv) {
        stats_csv->Append(snap);
        stats_csv->Flush();
      }
      if (options.on_tick) options.on_tick(snap, aggregator);
    }
    if (!outputs.quiet && now >= next_console) {
      console.Show(snapshot(now));
      next_console = now + console_ns;
    }
    if (stopping && source.Finished()) {
      end_ns = MonotonicNowNs();
      break;
    }
  }
  collect(end_ns);
  warn_if_unreachable("");
  LiveSnapshot final_snap = snapshot(end_ns, /*final=*/true);
  if (options.on_tick) options.on_tick(final_snap, aggregator);
  if (stats_csv) {
    stats_csv->Append(final_snap);
    stats_csv->Flush();
  }
  if (request_csv) request_csv->Flush();

  // The run lasted until its last request ended, not until this loop noticed (up to a tick
  // later): short runs would otherwise under-report every rate.
  const int64_t last_end = aggregator.totals().last_end_wall_ns;
  info.duration_s = last_end > info.started_at_wall_ns
                        ? static_cast<double>(last_end - info.started_at_wall_ns) / kNsPerSecond
                        : static_cast<double>(end_ns - start_ns) / kNsPerSecond;
  info.agents = source.Agents();
  info.agent_list = source.AgentList();
  info.goodput_enabled = !spec.slos.empty();
  RunSummary summary = Summarize(info, aggregator.totals());
  if (breakdown) summary.prompts = breakdown->Summarize(spec.prompts);
  std::fputs(FormatSummaryTable(summary).c_str(), stdout);
  std::printf("stopped: %s\n", stop_reason.c_str());
  if (json_file) {
    const std::string json = SummaryToJson(summary).dump(2) + "\n";
    std::fwrite(json.data(), 1, json.size(), json_file->get());
    json_file->reset();
  }
  std::fflush(stdout);
  return summary.total > 0 && summary.succeeded == 0 ? kExitAllFailed : kExitOk;
}

}  // namespace llmload::master
