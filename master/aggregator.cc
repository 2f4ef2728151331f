#include "master/aggregator.h"

#include <algorithm>

#include "common/clock.h"
#include "common/wire_codec.h"

namespace llmload::master {

Aggregator::Aggregator(absl::Duration window) : window_(window) {}

bool Aggregator::Seen(const SourceState& s, uint64_t seq) {
  return seq <= s.contiguous || s.ahead.contains(seq);
}

void Aggregator::MarkSeen(SourceState& s, uint64_t seq) {
  if (seq == s.contiguous + 1) {
    ++s.contiguous;
    while (s.ahead.erase(s.contiguous + 1) > 0) ++s.contiguous;
  } else {
    s.ahead.insert(seq);
  }
}

IntervalStats& Aggregator::SlotFor(int64_t now_ns) {
  if (first_ns_ < 0) first_ns_ = now_ns;
  const int64_t second = now_ns / kNsPerSecond;
  if (slots_.empty() || slots_.back().second != second) {
    slots_.push_back(Slot{second, IntervalStats()});
  }
  const int64_t window_s = std::max<int64_t>(1, absl::ToInt64Seconds(window_));
  while (slots_.size() > 1 && slots_.front().second <= second - window_s) slots_.pop_front();
  return slots_.back().stats;
}

bool Aggregator::Add(absl::string_view source, uint64_t seq, const IntervalStats& delta,
                     int64_t now_ns) {
  SourceState& s = sources_[source];
  if (Seen(s, seq)) return false;
  MarkSeen(s, seq);
  s.requests += delta.requests();
  totals_.Merge(delta);
  SlotFor(now_ns).Merge(delta);
  if (IntervalStats* segment = SegmentFor(delta.start_wall_ns, delta.end_wall_ns)) {
    segment->Merge(delta);
  }
  return true;
}

absl::StatusOr<bool> Aggregator::AddWire(absl::string_view source, uint64_t seq,
                                         const proto::StatsDelta& delta, int64_t now_ns) {
  SourceState& s = sources_[source];
  if (Seen(s, seq)) return false;
  absl::Status valid = ValidateStatsProto(delta);
  if (!valid.ok()) return valid;
  MarkSeen(s, seq);
  s.requests += RequestsInStatsProto(delta);
  MergeValidatedStats(delta, &totals_);
  MergeValidatedStats(delta, &SlotFor(now_ns));
  if (IntervalStats* segment = SegmentFor(delta.start_wall_ns(), delta.end_wall_ns())) {
    MergeValidatedStats(delta, segment);
  }
  return true;
}

uint64_t Aggregator::source_requests(absl::string_view source) const {
  auto it = sources_.find(source);
  return it == sources_.end() ? 0 : it->second.requests;
}

IntervalStats* Aggregator::SegmentFor(int64_t start_wall_ns, int64_t end_wall_ns) {
  if (segments_.empty()) return nullptr;
  const int64_t middle = start_wall_ns / 2 + end_wall_ns / 2;
  size_t i = segments_.size() - 1;
  while (i > 0 && segment_starts_[i] > middle) --i;
  return &segments_[i];
}

const IntervalStats* Aggregator::PreviousSecond(int64_t now_ns) const {
  const int64_t previous = now_ns / kNsPerSecond - 1;
  for (const Slot& slot : slots_) {
    if (slot.second == previous) return &slot.stats;
  }
  return nullptr;
}

Aggregator::WindowView Aggregator::Window(int64_t now_ns) const {
  WindowView view;
  const int64_t window_s = std::max<int64_t>(1, absl::ToInt64Seconds(window_));
  const int64_t second = now_ns / kNsPerSecond;
  for (const Slot& slot : slots_) {
    if (slot.second > second - window_s) view.stats.Merge(slot.stats);
  }
  // The slots cover window_s - 1 whole seconds plus the current, partial one.
  const int64_t covered = (window_s - 1) * kNsPerSecond + now_ns % kNsPerSecond;
  const int64_t since_first = first_ns_ < 0 ? 0 : now_ns - first_ns_;
  view.span_s =
      static_cast<double>(std::max<int64_t>(std::min(since_first, covered), 1)) / kNsPerSecond;
  return view;
}

}  // namespace llmload::master
