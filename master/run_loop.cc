#include "master/run_loop.h"

#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
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
#include "master/output_file.h"
#include "master/record_breakdown.h"
#include "master/target_driver.h"
#include "schedule/stages.h"

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

absl::StatusOr<RunOutputs> PrepareRunOutputs(const OutputFlags& flags,
                                             const std::vector<Prompt>* prompts) {
  RunOutputs out;
  out.quiet = flags.quiet;
  out.per_prompt = flags.per_prompt;
  out.prompts = prompts;
  absl::StatusOr<absl::Duration> every =
      ParseDuration(flags.console_interval, "--console-interval");
  if (!every.ok()) return every.status();
  if (*every <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--console-interval: must be above 0");
  }
  out.console_interval = *every;
  const std::vector<std::pair<absl::string_view, std::string>> files = {
      {"--json-out", flags.json_out},
      {"--csv-out", flags.csv_out},
      {"--csv-stats", flags.csv_stats}};
  for (const auto& [flag, path] : files) {
    if (path.empty()) continue;
    if (absl::Status s = CheckOutputPath(path, flag); !s.ok()) return s;
  }
  if (absl::Status s = CheckDistinctOutputPaths(files); !s.ok()) return s;
  out.json_path = flags.json_out;
  out.csv_path = flags.csv_out;
  out.stats_path = flags.csv_stats;
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

namespace {

// An open loop's sends are late when their p99 lateness passes this for kLateSecondsToWarn.
constexpr int64_t kLateSendNs = kNsPerMs;
constexpr int kLateSecondsToWarn = 3;

// One stage of --stages as the run went through it, and its segment of the aggregates.
struct StageSpan {
  int stage = 0;
  int64_t start_ns = 0, end_ns = 0;
};

std::vector<StageResult> SummarizeStages(const RunInfo& info, const std::vector<StageSpan>& spans,
                                         const std::deque<IntervalStats>& segments,
                                         const WorkloadSpec& spec) {
  std::vector<StageResult> out;
  absl::StatusOr<std::vector<schedule::Stage>> stages = schedule::ParseStages(spec.stages);
  for (size_t i = 0; i < spans.size() && i < segments.size(); ++i) {
    RunInfo stage_info = info;
    stage_info.duration_s =
        static_cast<double>(std::max<int64_t>(spans[i].end_ns - spans[i].start_ns, 1)) /
        kNsPerSecond;
    stage_info.send_duration_s = stage_info.duration_s;
    StageResult r;
    r.index = spans[i].stage;
    if (stages.ok() && r.index >= 0 && static_cast<size_t>(r.index) < stages->size()) {
      r.target = (*stages)[r.index].target;
      stage_info.rate = r.target;
    }
    r.summary = std::make_shared<RunSummary>(Summarize(stage_info, segments[i]));
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

int RunLoad(LoadSource& source, const WorkloadSpec& spec, RunInfo info,
            const RunLoopOptions& options, RunOutputs outputs) {
  // Created now that the run is sure to start (see RunOutputs). Should one fail after all
  // (the disk filled up since the flags were checked), nothing has been sent yet.
  std::optional<RequestCsvWriter> request_csv;
  std::optional<StatsCsvWriter> stats_csv;
  absl::Status opened = absl::OkStatus();
  if (!outputs.csv_path.empty()) {
    auto w = RequestCsvWriter::Open(outputs.csv_path, outputs.prompts);
    if (w.ok()) request_csv = std::move(*w);
    opened.Update(w.status());
  }
  if (opened.ok() && !outputs.stats_path.empty()) {
    auto w = StatsCsvWriter::Open(outputs.stats_path);
    if (w.ok()) stats_csv = std::move(*w);
    opened.Update(w.status());
  }
  if (!opened.ok()) {
    std::fprintf(stderr, "llmload: %s\n", std::string(opened.message()).c_str());
    source.Stop(absl::ZeroDuration());
    for (int i = 0; i < 100 && !source.Finished(); ++i) WaitForStopSignal(kTickNs);
    return kExitResultsIncomplete;
  }
  std::optional<RecordBreakdown> breakdown;
  if (outputs.per_prompt) breakdown.emplace(BreakdownKey::kPrompt);
  std::optional<RecordBreakdown> turn_breakdown;
  if (!spec.conversations.empty()) turn_breakdown.emplace(BreakdownKey::kTurn);
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

  absl::StatusOr<TargetDriver> driver = TargetDriver::Create(spec);
  if (!driver.ok()) {
    std::fprintf(stderr, "llmload: %s\n", std::string(driver.status().message()).c_str());
    return kExitBadInput;
  }
  if (spec.open_loop) {
    info.mode = "rate";
    info.rate = spec.rate;
    info.max_concurrency = spec.max_concurrency;
    if (!std::isinf(spec.rate)) info.arrival = spec.arrival;
    if (!spec.trace.empty()) {
      info.trace = TraceInfo{.name = spec.trace_name,
                             .lines = static_cast<int64_t>(spec.trace.size()),
                             .speed = spec.trace_speed,
                             .loop = spec.trace_loop};
    }
  }
  if (spec.synthetic) info.synthetic = DescribeSynthetic(*spec.synthetic, spec.prompts);
  info.dataset = spec.dataset_source;
  // What the dataset turned out to be, before the load starts: a wrong guess costs no run.
  if (info.dataset) std::fprintf(stderr, "llmload: %s", DescribeDatasetLine(*info.dataset).c_str());
  info.goodput_enabled = !spec.slos.empty();
  std::optional<SweepDriver> sweep;
  if (options.sweep) {
    info.mode = "sweep";
    sweep.emplace(*options.sweep, source, aggregator);
    sweep->Start(start_ns, info.started_at_wall_ns, info);
  } else {
    source.SetTarget(driver->current());
  }
  // Each stage of --stages gets its own aggregates: one segment per stage entered.
  std::vector<StageSpan> stage_spans;
  if (driver->has_shape()) {
    aggregator.StartSegment(info.started_at_wall_ns);
    stage_spans.push_back(StageSpan{driver->stage(), start_ns, 0});
  }
  int64_t sends_end_ns = 0;  // when the load was told to stop: an open loop's sending ended
  int late_seconds = 0;      // consecutive seconds with send lateness p99 above 1 ms
  auto stop_load = [&](const char* reason, absl::Duration grace, int64_t now) {
    stopping = true;
    stop_reason = reason;
    sends_end_ns = now;
    source.Stop(grace);
  };

  std::vector<RequestRecord> wire_records;
  auto collect = [&](int64_t now) {
    for (LoadSource::Delta& d : source.TakeDeltas()) {
      if (auto* local = std::get_if<IntervalStats>(&d.stats)) {
        if (request_csv && !local->records.empty()) request_csv->Append(local->records);
        if (breakdown) breakdown->Add(local->records);
        if (turn_breakdown) turn_breakdown->Add(local->records);
        local->records.clear();  // streamed to disk; the aggregator keeps only counts
        aggregator.Add(d.source, d.seq, *local, now);
        continue;
      }
      const proto::StatsDelta& wire = std::get<proto::StatsDelta>(d.stats);
      absl::StatusOr<bool> merged = aggregator.AddWire(d.source, d.seq, wire, now);
      if (!merged.ok()) {
        console.Note(absl::StrCat("llmload: dropped a stats delta from ", d.source, ": ",
                                  merged.status().message()));
      } else if (*merged && wire.records_size() > 0 &&
                 (request_csv || breakdown || turn_breakdown)) {
        wire_records.clear();
        AppendRecordsFromProto(wire, &wire_records);
        if (request_csv) request_csv->Append(wire_records);
        if (breakdown) breakdown->Add(wire_records);
        if (turn_breakdown) turn_breakdown->Add(wire_records);
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
  // A write error is said when it happens, and again with the exit code at the end.
  bool noted_write_error = false;
  auto note_write_errors = [&] {
    for (const std::string* e : {request_csv ? &request_csv->error() : nullptr,
                                 stats_csv ? &stats_csv->error() : nullptr}) {
      if (noted_write_error || e == nullptr || e->empty()) continue;
      noted_write_error = true;
      console.Note(absl::StrCat("llmload: ", *e, "; the run goes on, and will exit ",
                                kExitResultsIncomplete));
    }
  };
  auto snapshot = [&](int64_t now, bool final = false) {
    LiveSnapshot snap;
    snap.wall_ns = WallNowNs();
    snap.elapsed_s = static_cast<double>(now - start_ns) / kNsPerSecond;
    snap.planned_s = static_cast<double>(run_time_ns) / kNsPerSecond;
    snap.users = source.RunningUsers();
    snap.target_users = driver->current().users;
    snap.open_loop = spec.open_loop;
    snap.target_rate = sweep            ? sweep->target_rate()
                       : spec.open_loop ? driver->current().open.rate
                                        : 0;
    snap.stage = driver->stage();
    if (sweep) {
      snap.sweep_step = sweep->step_index();
      snap.sweep_kind = sweep->step_kind();
    }
    snap.agents = source.Agents();
    const double ramp_s = spec.open_loop || driver->has_shape()
                              ? 0
                              : static_cast<double>(spec.users) / spec.spawn_rate;
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
        console.Note(absl::StrFormat(
            "llmload: stopping (signal %d): letting in-flight requests finish for up to %s; "
            "press Ctrl-C again to cancel them now",
            sig, absl::FormatDuration(spec.stop_timeout)));
        stop_load("interrupted", spec.stop_timeout, now);
      } else if (!cancelled_hard) {
        cancelled_hard = true;
        console.Note("llmload: cancelling in-flight requests");
        source.Stop(absl::ZeroDuration());
      }
    }
    if (!stopping && run_time_ns > 0 && now - start_ns >= run_time_ns) {
      stop_load("run time reached", spec.stop_timeout, now);
    }
    if (!stopping && source.BudgetDone()) {
      stop_load("request count reached", spec.stop_timeout, now);
    }
    if (!stopping && driver->has_shape()) {
      const int stage_before = driver->stage();
      if (std::optional<schedule::LoadTarget> t = driver->Tick(absl::Nanoseconds(now - start_ns))) {
        source.SetTarget(*t);
      }
      if (driver->stage() != stage_before && !driver->done()) {
        stage_spans.back().end_ns = now;
        aggregator.StartSegment(WallNowNs());
        stage_spans.push_back(StageSpan{driver->stage(), now, 0});
      }
      if (driver->done()) stop_load("stages done", spec.stop_timeout, now);
    }
    // Deltas are merged as soon as they are here (a tick at most), so the live figures lag
    // the agents by their stats interval only; the per-second work is the snapshot.
    collect(now);
    if (sweep && !stopping) {
      sweep->Tick(now, WallNowNs());
      if (sweep->done()) {
        if (!sweep->ended_early().empty()) console.Note("llmload: sweep: " + sweep->ended_early());
        stop_load(sweep->ended_early().empty() ? "sweep done" : "sweep ended early",
                  spec.stop_timeout, now);
      }
    }
    if (now >= next_snapshot) {
      next_snapshot = now + kSnapshotEveryNs;
      warn_if_unreachable("; still counting");
      std::string notice = source.TakeNotice();
      if (!notice.empty()) console.Note(notice);
      // An open loop whose sends go out late: the client, not the server, is behind.
      if (spec.open_loop && !stopping) {
        const IntervalStats* last = aggregator.PreviousSecond(now);
        const bool late = last != nullptr && last->send_lateness.count() > 0 &&
                          last->send_lateness.ValueAtQuantile(0.99) > kLateSendNs;
        late_seconds = late ? late_seconds + 1 : 0;
        if (late_seconds == kLateSecondsToWarn) {
          console.Note(absl::StrFormat(
              "llmload: warning: the client is late: send lateness p99 %.2f ms for %d s, so "
              "the schedule is not kept (latency still runs from the scheduled times); use "
              "more --threads or agents, or a lower --rate",
              static_cast<double>(last->send_lateness.ValueAtQuantile(0.99)) / kNsPerMs,
              kLateSecondsToWarn));
        }
      }
      LiveSnapshot snap = snapshot(now);
      if (stats_csv) {
        stats_csv->Append(snap);
        stats_csv->Flush();
      }
      // Rows reach the kernel at least every second: a killed run loses at most the last one.
      if (request_csv) request_csv->Flush();
      note_write_errors();
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
  if (stats_csv) stats_csv->Append(final_snap);

  // The run lasted until its last request ended, not until this loop noticed (up to a tick
  // later): short runs would otherwise under-report every rate.
  const int64_t last_end = aggregator.totals().last_end_wall_ns;
  info.duration_s = last_end > info.started_at_wall_ns
                        ? static_cast<double>(last_end - info.started_at_wall_ns) / kNsPerSecond
                        : static_cast<double>(end_ns - start_ns) / kNsPerSecond;
  info.agents = source.Agents();
  info.agent_list = source.AgentList();
  if (sends_end_ns > start_ns) {
    info.send_duration_s = static_cast<double>(sends_end_ns - start_ns) / kNsPerSecond;
  }
  if (spec.open_loop && !sweep) info.rate = driver->current().open.rate;
  RunSummary summary = Summarize(info, aggregator.totals());
  if (sweep) {
    sweep->Abandon(stop_reason);  // a no-op when the search ended by itself
    summary.sweep = sweep->Finish();
  }
  if (!stage_spans.empty()) {
    stage_spans.back().end_ns = sends_end_ns > 0 ? sends_end_ns : end_ns;
    summary.stages = SummarizeStages(info, stage_spans, aggregator.segments(), spec);
  }
  if (breakdown) summary.prompts = breakdown->Summarize(spec.prompts);
  if (turn_breakdown) summary.turns = turn_breakdown->Summarize();
  // Every file is complete and closed before the summary goes to stdout, so a closed
  // stdout or stderr (SIGPIPE is ignored: see llmload_main.cc) cannot cost a file.
  std::vector<std::string> errors;
  auto keep_error = [&errors](const absl::Status& s) {
    if (!s.ok()) errors.emplace_back(s.message());
  };
  if (stats_csv) keep_error(stats_csv->Close());
  if (request_csv) keep_error(request_csv->Close());
  if (!outputs.json_path.empty()) {
    auto json_file =
        OutputFile::Create(outputs.json_path, "--json-out", OutputFile::Mode::kReplaceWhenDone);
    if (json_file.ok()) {
      (*json_file)->Write(SummaryToJson(summary).dump(2) + "\n");
      keep_error((*json_file)->Close());
    } else {
      keep_error(json_file.status());
    }
  }
  std::fputs(FormatSummaryTable(summary).c_str(), stdout);
  std::printf("stopped: %s\n", stop_reason.c_str());
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    errors.push_back(absl::StrCat("the summary on stdout: write failed: ", std::strerror(errno)));
  }
  for (const std::string& e : errors) std::fprintf(stderr, "llmload: %s\n", e.c_str());
  if (!errors.empty()) {
    std::fprintf(stderr, "llmload: results incomplete: %zu output(s) not written (exit %d)\n",
                 errors.size(), kExitResultsIncomplete);
    return kExitResultsIncomplete;
  }
  return summary.total > 0 && summary.succeeded == 0 ? kExitAllFailed : kExitOk;
}

}  // namespace llmload::master
