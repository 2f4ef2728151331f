#include "master/sweep_flags.h"

#include <algorithm>
#include <cmath>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "common/duration.h"
#include "schedule/arrival_table.h"

namespace llmload::master {

void AddSweepFlags(CLI::App& app, SweepFlags& f, const std::string& default_mode) {
  f.sweep = default_mode;
  CLI::Option* mode =
      app.add_option(
             "--sweep", f.sweep,
             "Capacity search: rates (the synchronous rate, the maximum throughput, then "
             "--sweep-steps rates between them) or find-max (the highest rate that keeps up "
             "and meets --slo)")
          ->group("Sweep");
  if (!default_mode.empty()) mode->capture_default_str();
  app.add_option("--sweep-steps", f.steps, "rates: how many rates between the two ends")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000))
      ->group("Sweep");
  app.add_option("--sweep-step-time", f.step_time, "How long each step sends")
      ->capture_default_str()
      ->group("Sweep");
  app.add_option("--sweep-max-users", f.max_users,
                 "Requests kept in flight by the maximum-throughput step")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, kMaxUsers))
      ->group("Sweep");
  app.add_option("--sweep-goodput", f.goodput,
                 "find-max: a step passes when at least this share of its requests meet --slo")
      ->capture_default_str()
      ->group("Sweep");
  app.add_option("--sweep-precision", f.precision,
                 "find-max: stop when the bracket is within this fraction of its upper rate")
      ->capture_default_str()
      ->group("Sweep");
}

absl::StatusOr<SweepConfig> ApplySweepFlags(const SweepFlags& f, const WorkloadFlags& w,
                                            absl::Duration stats_interval, WorkloadSpec* spec) {
  auto bad = [](auto... parts) { return absl::InvalidArgumentError(absl::StrCat(parts...)); };
  absl::StatusOr<schedule::SweepMode> mode = schedule::ParseSweepMode(f.sweep);
  if (!mode.ok()) return mode.status();
  for (const auto& [given, flag] :
       {std::pair{w.users_given, "--users"}, std::pair{w.rate.has_value(), "--rate"},
        std::pair{!w.stages.empty(), "--stages"}, std::pair{w.requests > 0, "--requests"},
        std::pair{w.warmup_requests > 0, "--warmup-requests"},
        std::pair{!w.trace.path.empty(), "--trace"}}) {
    if (given) {
      return bad(flag, ": not with --sweep: the sweep sets the load of each step itself (",
                 "use --sweep-step-time, --sweep-steps, --sweep-max-users, --max-concurrency)");
    }
  }
  if (!(f.goodput > 0 && f.goodput <= 1)) {
    return bad("--sweep-goodput: must be above 0 and at most 1, got ", f.goodput);
  }
  if (!(f.precision > 0 && f.precision < 1)) {
    return bad("--sweep-precision: must be above 0 and below 1, got ", f.precision);
  }
  if (*mode == schedule::SweepMode::kFindMax && spec->slos.empty()) {
    return bad(
        "--sweep find-max searches for the highest rate that meets the SLOs: give them, "
        "e.g. --slo ttft=500ms,tpot=50ms");
  }
  absl::StatusOr<absl::Duration> step_time = ParseDuration(f.step_time, "--sweep-step-time");
  if (!step_time.ok()) return step_time.status();
  if (*step_time < absl::Seconds(1)) return bad("--sweep-step-time: at least 1s");

  SweepConfig setup;
  setup.step_time = *step_time;
  setup.warmup = w.warmup_given ? spec->warmup : std::min(absl::Seconds(10), *step_time / 5);
  if (setup.warmup >= setup.step_time) {
    return bad("--warmup: each sweep step's warm-up (", absl::FormatDuration(setup.warmup),
               ") must be shorter than --sweep-step-time (", absl::FormatDuration(setup.step_time),
               ")");
  }
  setup.options.mode = *mode;
  setup.options.steps = f.steps;
  setup.options.max_users = f.max_users;
  setup.options.max_concurrency = w.max_concurrency;
  setup.options.goodput = f.goodput;
  setup.options.precision = f.precision;
  // A quarter of a second more than the stats interval: a delta's interval can run a little
  // past its nominal length.
  setup.settle = stats_interval + absl::Milliseconds(250);
  setup.drain_limit = std::max(spec->stop_timeout, setup.step_time);
  setup.max_queue = w.max_queue.value_or(w.max_concurrency);

  // Every step is an open loop: the synchronous and throughput ones keep their slots busy, the
  // rate steps follow their arrivals. The steps' warm-ups come with their targets.
  spec->open_loop = true;
  spec->rate = 0;
  spec->arrival = w.arrival.empty() ? (w.burstiness != 1 ? "gamma" : "constant") : w.arrival;
  spec->burstiness = w.burstiness;
  spec->max_concurrency = w.max_concurrency;
  spec->max_queue = w.max_queue.value_or(w.max_concurrency);
  spec->warmup = absl::ZeroDuration();
  setup.constant_arrivals = spec->arrival == "constant";
  return setup;
}

}  // namespace llmload::master
