#include "master/sweep_driver.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_format.h"
#include "common/clock.h"

namespace llmload::master {
namespace {

// A rate step keeps up unless its second half holds this much more in flight than its first.
constexpr double kGrowthFactor = 1.25;
constexpr double kGrowthSlack = 2;  // requests: small counts fluctuate by a few

double Seconds(absl::Duration d) { return absl::ToDoubleSeconds(d); }

}  // namespace

SweepDriver::SweepDriver(const SweepConfig& config, LoadSource& source, Aggregator& aggregator)
    : config_(config), source_(source), aggregator_(aggregator), plan_(config.options) {}

const char* SweepDriver::step_kind() const {
  return step_ ? schedule::SweepStepKindName(step_->kind) : "";
}

schedule::LoadTarget SweepDriver::TargetFor(const schedule::SweepStep& step, int64_t now_ns) const {
  schedule::LoadTarget t;
  t.open.rate = step.rate;
  t.open.max_concurrency = step.max_concurrency;
  t.open.max_queue = std::isinf(step.rate) ? 0 : config_.max_queue;
  t.warmup_end_ns = now_ns - run_start_ns_ + absl::ToInt64Nanoseconds(config_.warmup);
  return t;
}

void SweepDriver::Start(int64_t now_ns, int64_t wall_ns, const RunInfo& base) {
  base_ = base;
  run_start_ns_ = now_ns;
  step_ = plan_.Next();
  aggregator_.StartSegment(wall_ns);
  Begin(now_ns, wall_ns);
}

void SweepDriver::Begin(int64_t now_ns, int64_t wall_ns) {
  ++step_index_;
  step_start_ns_ = now_ns;
  step_start_wall_ns_ = wall_ns;
  send_end_ns_ = 0;
  in_flight_first_ = in_flight_second_ = 0;
  samples_first_ = samples_second_ = 0;
  step_closed_ = false;
  phase_ = Phase::kSending;
  phase_start_ns_ = now_ns;
  source_.SetTarget(TargetFor(*step_, now_ns));
}

void SweepDriver::Tick(int64_t now_ns, int64_t wall_ns) {
  if (done_) return;
  const int64_t in_phase = now_ns - phase_start_ns_;
  switch (phase_) {
    case Phase::kSending: {
      const int64_t warmup = absl::ToInt64Nanoseconds(config_.warmup);
      const int64_t step = absl::ToInt64Nanoseconds(config_.step_time);
      if (in_phase >= step) {
        // No new sends: an arrival still waiting for a slot is sent and counted in this step.
        schedule::LoadTarget idle = TargetFor(*step_, step_start_ns_);
        idle.open.rate = 0;
        source_.SetTarget(idle);
        send_end_ns_ = now_ns;
        phase_ = Phase::kDraining;
        phase_start_ns_ = now_ns;
        break;
      }
      if (in_phase >= warmup) {
        const double in_flight = static_cast<double>(source_.RunningUsers());
        if (in_phase < warmup + (step - warmup) / 2) {
          in_flight_first_ += in_flight;
          ++samples_first_;
        } else {
          in_flight_second_ += in_flight;
          ++samples_second_;
        }
      }
      break;
    }
    case Phase::kDraining:
      if (source_.RunningUsers() == 0) {
        phase_ = Phase::kSettleBefore;
        phase_start_ns_ = now_ns;
      } else if (in_phase > absl::ToInt64Nanoseconds(config_.drain_limit)) {
        Abandon(absl::StrFormat(
            "step %d still had %d request(s) in flight %s after it stopped sending (the "
            "endpoint is far behind); their replies would have counted in the next step",
            step_index_, source_.RunningUsers(), absl::FormatDuration(config_.drain_limit)));
      }
      break;
    case Phase::kSettleBefore:
      if (in_phase < absl::ToInt64Nanoseconds(config_.settle)) break;
      CloseStep(now_ns, /*complete=*/true);
      step_ = plan_.Next();
      if (!step_) {
        done_ = true;
        phase_ = Phase::kDone;
        break;
      }
      aggregator_.StartSegment(wall_ns);
      phase_ = Phase::kSettleAfter;
      phase_start_ns_ = now_ns;
      break;
    case Phase::kSettleAfter:
      if (in_phase >= absl::ToInt64Nanoseconds(config_.settle)) Begin(now_ns, wall_ns);
      break;
    case Phase::kDone:
      break;
  }
}

void SweepDriver::CloseStep(int64_t now_ns, bool complete) {
  if (step_closed_ || !step_ || aggregator_.segments().empty()) return;
  step_closed_ = true;
  const IntervalStats& segment = aggregator_.segments().back();
  const int64_t send_end = send_end_ns_ > 0 ? send_end_ns_ : now_ns;
  const double send_s =
      std::max(1e-3, static_cast<double>(send_end - step_start_ns_) / kNsPerSecond);
  const double measured_s = std::max(1e-3, send_s - Seconds(config_.warmup));

  RunInfo info = base_;
  info.started_at_wall_ns = step_start_wall_ns_;
  info.mode = "rate";
  info.rate = step_->rate;
  info.max_concurrency = step_->max_concurrency;
  info.duration_s = measured_s;
  info.send_duration_s = send_s;
  auto summary = std::make_shared<RunSummary>(Summarize(info, segment));

  schedule::StepMeasure m;
  m.achieved_rate = static_cast<double>(segment.sent) / send_s;
  m.completed_rate = static_cast<double>(summary->succeeded) / measured_s;
  m.within_slo = !base_.goodput_enabled ? 1.0
                 : summary->total > 0
                     ? static_cast<double>(segment.slo_met) / static_cast<double>(summary->total)
                     : 0.0;
  if (std::isfinite(step_->rate)) {
    // Sent on schedule: all of it for constant arrivals, within 4 sigma of the count for a
    // random process (2,000 Poisson arrivals carry ~2% noise of their own).
    const double expected = step_->rate * send_s;
    const double noise = config_.constant_arrivals ? 0 : 4 * std::sqrt(expected);
    const bool on_schedule = static_cast<double>(segment.sent) >=
                             std::min(config_.options.min_kept_up * expected, expected - noise);
    const double first = samples_first_ > 0 ? in_flight_first_ / samples_first_ : 0;
    const double second = samples_second_ > 0 ? in_flight_second_ / samples_second_ : 0;
    const bool growing = second > kGrowthFactor * first + kGrowthSlack;
    m.kept_up = on_schedule && segment.dropped == 0 && !growing;
  }
  SweepStepResult r;
  r.index = step_index_;
  r.kind = schedule::SweepStepKindName(step_->kind);
  r.target_rate = step_->rate;
  r.max_concurrency = step_->max_concurrency;
  r.achieved_rate = m.achieved_rate;
  r.completed_rate = m.completed_rate;
  if (base_.goodput_enabled) r.within_slo = m.within_slo;
  r.kept_up = m.kept_up;
  r.summary = std::move(summary);
  if (complete) {
    plan_.Record(m);
    r.passed = plan_.verdicts().back();
  }
  results_.push_back(std::move(r));
}

void SweepDriver::Abandon(const std::string& why) {
  if (done_) return;
  done_ = true;
  ended_early_ = why;
  if (phase_ == Phase::kSending) send_end_ns_ = MonotonicNowNs();
  // A step that had not begun sending (a settle) has nothing to close.
  if (phase_ == Phase::kSettleAfter) step_closed_ = true;
  phase_ = Phase::kDone;
}

SweepSummary SweepDriver::Finish() {
  // The step in progress when the sweep was cut short: its figures, without a verdict.
  CloseStep(MonotonicNowNs(), /*complete=*/false);
  SweepSummary s;
  s.mode = schedule::SweepModeName(config_.options.mode);
  s.step_time_s = Seconds(config_.step_time);
  s.warmup_s = Seconds(config_.warmup);
  s.synchronous_rate = plan_.synchronous_rate();
  s.max_throughput = plan_.max_throughput();
  s.ended_early = ended_early_;
  s.steps = results_;
  if (ended_early_.empty()) {
    s.max_rate_under_slo = plan_.max_rate_under_slo();
    s.result = plan_.ResultLine();
  } else if (config_.options.mode == schedule::SweepMode::kFindMax) {
    const std::optional<double> best = plan_.max_rate_under_slo();
    s.result = best ? absl::StrFormat(
                          "no result: the search did not finish (the highest rate that passed "
                          "before it stopped: %.4g req/s)",
                          *best)
                    : "no result: the search did not finish";
  } else {
    s.result = "sweep incomplete: " + plan_.ResultLine();
  }
  return s;
}

}  // namespace llmload::master
