#include "schedule/sweep_plan.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace llmload::schedule {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

}  // namespace

absl::StatusOr<SweepMode> ParseSweepMode(absl::string_view text) {
  if (text == "rates") return SweepMode::kRates;
  if (text == "find-max") return SweepMode::kFindMax;
  return absl::InvalidArgumentError(
      absl::StrCat("--sweep: unknown search '", text, "'; one of: rates, find-max"));
}

const char* SweepModeName(SweepMode mode) {
  return mode == SweepMode::kRates ? "rates" : "find-max";
}

const char* SweepStepKindName(SweepStep::Kind kind) {
  switch (kind) {
    case SweepStep::Kind::kSynchronous:
      return "synchronous";
    case SweepStep::Kind::kThroughput:
      return "throughput";
    case SweepStep::Kind::kRate:
      return "rate";
  }
  return "rate";
}

SweepPlan::SweepPlan(const SweepOptions& options) : options_(options) {
  next_ = SweepStep{SweepStep::Kind::kSynchronous, kInf, 1};
}

std::optional<SweepStep> SweepPlan::Next() const { return next_; }

bool SweepPlan::Passes(const StepMeasure& m) const {
  return m.kept_up && m.within_slo >= options_.goodput;
}

void SweepPlan::Record(const StepMeasure& m) {
  if (!next_) return;
  const SweepStep step = *next_;
  ++recorded_;
  const bool judged =
      options_.mode == SweepMode::kFindMax && step.kind != SweepStep::Kind::kThroughput;
  // The synchronous step has no target to keep up with: it is judged by its SLOs alone.
  StepMeasure judged_measure = m;
  if (step.kind == SweepStep::Kind::kSynchronous) judged_measure.kept_up = true;
  const bool passed = Passes(judged_measure);
  verdicts_.push_back(judged ? std::optional<bool>(passed) : std::nullopt);
  switch (step.kind) {
    case SweepStep::Kind::kSynchronous:
      sync_rate_ = m.completed_rate;
      if (options_.mode == SweepMode::kFindMax) {
        if (passed && sync_rate_ > 0) {
          best_ = sync_rate_;
          lo_ = sync_rate_;
        } else {  // missed one request at a time: no rate can do better
          next_.reset();
          return;
        }
      }
      break;
    case SweepStep::Kind::kThroughput:
      max_rate_ = m.completed_rate;
      if (options_.mode == SweepMode::kRates) {
        const double low = std::min(sync_rate_, max_rate_);
        const double high = std::max(sync_rate_, max_rate_);
        for (int i = 1; i <= options_.steps; ++i) {
          rates_.push_back(low + (high - low) * i / (options_.steps + 1));
        }
      }
      break;
    case SweepStep::Kind::kRate:
      if (options_.mode == SweepMode::kRates) {
        ++rate_index_;
      } else {
        ++search_steps_;
        if (passed) {
          lo_ = step.rate;
          best_ = std::max(best_.value_or(0), step.rate);
          if (bracketing_ && step.rate >= max_rate_) {  // kept up at the maximum throughput
            next_.reset();
            return;
          }
        } else {
          hi_ = step.rate;
          bracketing_ = false;
        }
      }
      break;
  }
  PlanNext();
}

void SweepPlan::PlanNext() {
  next_.reset();
  if (recorded_ == 1) {
    next_ = SweepStep{SweepStep::Kind::kThroughput, kInf, std::max<int64_t>(1, options_.max_users)};
    return;
  }
  if (!(max_rate_ > 0)) return;  // nothing succeeded under load: there is nothing to search
  SweepStep step{SweepStep::Kind::kRate, 0, options_.max_concurrency};
  if (options_.mode == SweepMode::kRates) {
    if (rate_index_ >= rates_.size()) return;
    step.rate = rates_[rate_index_];
    if (step.rate > 0) next_ = step;
    return;
  }
  if (search_steps_ >= options_.max_search_steps) return;
  if (bracketing_) {
    if (lo_ >= max_rate_ * (1 - options_.precision)) return;  // the synchronous rate is the most
    step.rate = std::min(2 * lo_, max_rate_);
  } else {
    if (hi_ - lo_ <= options_.precision * hi_) return;
    step.rate = (lo_ + hi_) / 2;
  }
  next_ = step;
}

std::string SweepPlan::ResultLine() const {
  if (options_.mode == SweepMode::kRates) {
    if (!(max_rate_ > 0)) return "sweep: no request succeeded under load; no rates to sweep";
    return absl::StrFormat(
        "sweep: synchronous %.4g req/s, maximum throughput %.4g req/s, %d rate step(s) between",
        sync_rate_, max_rate_, static_cast<int>(rate_index_));
  }
  if (!best_) {
    return "max rate under SLO: none (the SLOs are missed even one request at a time)";
  }
  return absl::StrFormat("max rate under SLO: %.4g req/s", *best_);
}

}  // namespace llmload::schedule
