// Aggregator: the master's view of a run. It merges stats deltas from agents (or from the
// in-process engine) exactly once each, keyed by (source, sequence number), so a delta that
// is resent after a reconnect is never counted twice. It keeps run totals and a sliding
// window of one-second slots (by arrival time at the master, so agents' clock skew does not
// matter) for the "current" QPS and percentiles.
#ifndef LLMLOAD_MASTER_AGGREGATOR_H_
#define LLMLOAD_MASTER_AGGREGATOR_H_

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/interval_stats.h"
#include "proto/llmload.pb.h"

namespace llmload::master {

class Aggregator {
 public:
  explicit Aggregator(absl::Duration window = absl::Seconds(10));

  // Merges `delta` unless (source, seq) was merged before; returns whether it was merged.
  // `now_ns` is the arrival time on any clock, used consistently with Window().
  bool Add(absl::string_view source, uint64_t seq, const IntervalStats& delta, int64_t now_ns);
  // The same for a delta as it came off the wire, merged straight into the totals and the
  // window (no temporary IntervalStats: that is what keeps a master with 100 agents cheap).
  // A malformed delta is refused whole with InvalidArgument; records are not kept here.
  absl::StatusOr<bool> AddWire(absl::string_view source, uint64_t seq,
                               const proto::StatsDelta& delta, int64_t now_ns);

  const IntervalStats& totals() const { return totals_; }
  // Ended requests merged from one source (e.g. one agent).
  uint64_t source_requests(absl::string_view source) const;

  // Everything that arrived within the window ending at `now_ns`, and the span it covers
  // (shorter than the window early in a run).
  struct WindowView {
    IntervalStats stats;
    double span_s = 0;
  };
  WindowView Window(int64_t now_ns) const;
  // What arrived in the last whole second before `now_ns`; null when nothing did.
  const IntervalStats* PreviousSecond(int64_t now_ns) const;

  // Segments of the run (the stages of --stages, the steps of a sweep), each beginning at a
  // wall-clock time: every merged delta also goes into the totals of the segment in force at
  // the middle of the delta's own interval (its start_wall_ns..end_wall_ns, on the agent's
  // clock), so each segment gets the same aggregates as the whole run. A delta spans one
  // stats interval (250 ms in `llmload run`, the agents' --stats-interval otherwise), so
  // requests near a boundary may count in the segment next to theirs.
  void StartSegment(int64_t start_wall_ns) {
    segments_.emplace_back();
    segment_starts_.push_back(start_wall_ns);
  }
  const std::deque<IntervalStats>& segments() const { return segments_; }
  void set_window_start(int64_t start_ns) { first_ns_ = start_ns; }

 private:
  struct SourceState {
    uint64_t contiguous = 0;              // every seq <= this has been merged (seqs start at 1)
    absl::flat_hash_set<uint64_t> ahead;  // merged seqs beyond the contiguous run
    uint64_t requests = 0;
  };
  static bool Seen(const SourceState& s, uint64_t seq);
  static void MarkSeen(SourceState& s, uint64_t seq);
  // The window slot for arrivals at `now_ns`, dropping slots that left the window.
  IntervalStats& SlotFor(int64_t now_ns);
  struct Slot {
    int64_t second = 0;
    IntervalStats stats;
  };

  const absl::Duration window_;
  IntervalStats totals_;
  absl::flat_hash_map<std::string, SourceState> sources_;
  std::deque<Slot> slots_;
  // The segment of a delta that spans [start_wall_ns, end_wall_ns]; null without segments.
  IntervalStats* SegmentFor(int64_t start_wall_ns, int64_t end_wall_ns);
  std::deque<IntervalStats> segments_;  // a deque: references stay valid as it grows
  std::vector<int64_t> segment_starts_;
  int64_t first_ns_ = -1;
};

}  // namespace llmload::master

#endif  // LLMLOAD_MASTER_AGGREGATOR_H_
