// A mergeable latency histogram (the idea of HdrHistogram, written for llmload): agents record
// every request's latencies into one per thread, ship it to the master as a sparse proto each
// interval, and the master merges them. Percentiles are always read from merged histograms,
// never averaged, and merging is exact: merging A and B gives the same histogram as recording
// all of A's and B's values into one.
//
// Layout: values are int64 nanoseconds in log-linear buckets with 2048 sub-buckets. A value v
// goes to bucket e * 1024 + (v >> e), where e = max(0, bit_width(v) - 11). So 0..2047 ns are
// exact, and above that a bucket's width is at most 1/1024 of its lowest value, so a bucket's
// midpoint is within 1/2048 (0.05%) of any value in it. The layout covers 0 .. 2^42 - 1 ns
// (about 73 minutes, so more than the 1 hour we promise) in 33,792 uint64 counters (264 KiB),
// allocated once at construction.
//
// Out-of-range values: negative values count as 0; values above kMaxTrackableNs are counted in
// the top bucket and in overflow_count(). min, max and sum always use the (non-negative) value
// itself, so they stay exact.
//
// Not thread-safe: each recording thread owns its histogram (that is what keeps Record() at a
// few nanoseconds); threads hand over copies or protos and someone merges them.
#ifndef LLMLOAD_COMMON_HISTOGRAM_H_
#define LLMLOAD_COMMON_HISTOGRAM_H_

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "proto/llmload.pb.h"

namespace llmload {

class LatencyHistogram {
 public:
  // Values below 2^kSubBucketBits are recorded exactly.
  static constexpr int kSubBucketBits = 11;
  static constexpr int64_t kSubBucketCount = int64_t{1} << kSubBucketBits;  // 2048
  static constexpr int64_t kSubBucketHalf = kSubBucketCount / 2;            // 1024
  // The largest value with a bucket of its own. Larger values share the top bucket.
  static constexpr int64_t kMaxTrackableNs = (int64_t{1} << 42) - 1;
  static constexpr size_t kNumBuckets =
      static_cast<size_t>((42 - kSubBucketBits + 1) * kSubBucketHalf + kSubBucketHalf);
  // Names the layout above in the proto, so a peer with another layout is refused, not misread.
  static constexpr uint32_t kLayoutVersion = 1;

  LatencyHistogram();
  // Copyable and movable. A moved-from histogram may only be assigned to or destroyed.
  LatencyHistogram(const LatencyHistogram&) = default;
  LatencyHistogram& operator=(const LatencyHistogram&) = default;
  LatencyHistogram(LatencyHistogram&&) noexcept = default;
  LatencyHistogram& operator=(LatencyHistogram&&) noexcept = default;

  // The hot path: no allocation, no lock, no data-dependent branch (the clamps compile to
  // conditional moves). Inline so the caller's loop sees it.
  void Record(int64_t value_ns) noexcept {
    const int64_t v = std::max<int64_t>(value_ns, 0);
    overflow_ += static_cast<uint64_t>(v > kMaxTrackableNs);
    ++counts_[BucketIndex(v)];
    ++count_;
    sum_ += static_cast<uint64_t>(v);
    min_ = std::min(min_, v);
    max_ = std::max(max_, v);
  }
  // Records `value_ns` `count` times (same result as calling Record() `count` times).
  void RecordN(int64_t value_ns, uint64_t count) noexcept;

  // Adds everything recorded in `other` (which may be *this).
  void Merge(const LatencyHistogram& other) noexcept;
  // Back to empty, without reallocating.
  void Reset() noexcept;

  uint64_t count() const { return count_; }
  // 0 on an empty histogram.
  int64_t min_ns() const { return count_ == 0 ? 0 : min_; }
  int64_t max_ns() const { return max_; }
  // Exact sum of the recorded (non-negative) values; wraps past 2^64 ns (584 years in total).
  uint64_t sum_ns() const { return sum_; }
  // How many values were above kMaxTrackableNs.
  uint64_t overflow_count() const { return overflow_; }
  // Exact (from the integer sum); 0 on an empty histogram.
  double mean_ns() const;
  // Population standard deviation, from bucket midpoints around the exact mean (so within
  // about 0.05% relative); 0 on an empty histogram.
  double stddev_ns() const;

  // The value of nearest rank max(1, ceil(q * count())) for q in [0, 1] (q is clamped into it,
  // NaN counts as 0), reported as its bucket's midpoint clamped to [min_ns(), max_ns()]: within
  // 1/2048 relative of the exact sample of that rank. Ranks 1 and count() are reported as the
  // exact min_ns() and max_ns() (so q = 0 and q = 1 are exact, even for values beyond
  // kMaxTrackableNs). 0 on an empty histogram. Costs one scan of the used buckets.
  int64_t ValueAtQuantile(double q) const;
  // ValueAtQuantile for each of `qs`, into `out` (same size), in one scan when `qs` is sorted
  // ascending (unsorted input still gives right answers, one scan per quantile).
  void ValuesAtQuantiles(absl::Span<const double> qs, absl::Span<int64_t> out) const;

  // How many recorded values are <= bound_ns, for cumulative exporters such as Prometheus
  // `le` buckets. Exact when bound_ns < 2048, bound_ns < min_ns() (0) or bound_ns >= max_ns()
  // (count()). Otherwise a bucket counts only if its highest value is <= bound_ns: the bucket
  // that straddles the bound is left out, so the result never over-counts, and under-counts
  // only values within 1/1024 relative below the bound.
  uint64_t CountAtOrBelow(int64_t bound_ns) const;

  // Sparse wire form: only non-empty buckets, as index deltas and counts (packed).
  void ToProto(proto::Histogram* out) const;
  // Checks `in` completely (layout version, indices, counts against total_count, min <= max
  // and consistent with the buckets, a sum that values with that count, min and max can have)
  // and merges it in. On a malformed message returns InvalidArgument and leaves *this unchanged.
  absl::Status MergeFromProto(const proto::Histogram& in);
  // The two halves of MergeFromProto, for callers that validate a message once and merge it
  // into several histograms: ValidateProto checks everything MergeFromProto checks, and
  // MergeValidatedProto must only be given a message that passed it.
  static absl::Status ValidateProto(const proto::Histogram& in);
  void MergeValidatedProto(const proto::Histogram& in);
  static absl::StatusOr<LatencyHistogram> FromProto(const proto::Histogram& in);

  // Same recorded values (as far as the layout can tell), same count, sum, min, max, overflow.
  friend bool operator==(const LatencyHistogram& a, const LatencyHistogram& b);

  // The layout, public for exporters and tests.
  static size_t BucketIndex(int64_t value_ns) noexcept {
    const auto u = static_cast<uint64_t>(std::clamp<int64_t>(value_ns, 0, kMaxTrackableNs));
    // OR-ing in the low bits makes e = 0 for values below 2048 without a branch.
    const int e = std::bit_width(u | (kSubBucketCount - 1)) - kSubBucketBits;
    return (static_cast<size_t>(e) << (kSubBucketBits - 1)) + static_cast<size_t>(u >> e);
  }
  // The lowest and highest value that land in bucket `index` (< kNumBuckets).
  static int64_t BucketLowest(size_t index);
  static int64_t BucketHighest(size_t index);

 private:
  // The value reported for bucket `index`: its midpoint, clamped to what was really recorded.
  int64_t ReportedValue(size_t index) const;
  // Nearest rank (1-based) of quantile q among count_ values; count_ must be > 0.
  uint64_t Rank(double q) const;
  // Every non-zero counter lies in [first_used(), last_used()] (only if count_ > 0), because
  // min_ and max_ are the extremes and BucketIndex is monotonic. Scans use this range.
  size_t first_used() const { return BucketIndex(min_); }
  size_t last_used() const { return BucketIndex(max_); }

  std::vector<uint64_t> counts_;  // kNumBuckets counters
  uint64_t count_ = 0;
  uint64_t sum_ = 0;
  uint64_t overflow_ = 0;
  int64_t min_ = std::numeric_limits<int64_t>::max();  // so the first Record() sets it
  int64_t max_ = 0;
};

}  // namespace llmload

#endif  // LLMLOAD_COMMON_HISTOGRAM_H_
