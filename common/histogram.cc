#include "common/histogram.h"

#include <cmath>

#include "absl/strings/str_cat.h"

namespace llmload {
namespace {

absl::Status Malformed(absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("malformed Histogram proto: ", why));
}

}  // namespace

LatencyHistogram::LatencyHistogram() : counts_(kNumBuckets, 0) {}

void LatencyHistogram::RecordN(int64_t value_ns, uint64_t count) noexcept {
  if (count == 0) return;  // must not move min/max
  const int64_t v = std::max<int64_t>(value_ns, 0);
  if (v > kMaxTrackableNs) overflow_ += count;
  counts_[BucketIndex(v)] += count;
  count_ += count;
  sum_ += static_cast<uint64_t>(v) * count;
  min_ = std::min(min_, v);
  max_ = std::max(max_, v);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) noexcept {
  if (other.count_ == 0) return;
  // Only other's used range can hold counts; read it before min_/max_ change (other may be us).
  const size_t first = other.first_used();
  const size_t last = other.last_used();
  for (size_t i = first; i <= last; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  overflow_ += other.overflow_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void LatencyHistogram::Reset() noexcept {
  if (count_ > 0) {
    std::fill(counts_.begin() + first_used(), counts_.begin() + last_used() + 1, 0);
  }
  count_ = 0;
  sum_ = 0;
  overflow_ = 0;
  min_ = std::numeric_limits<int64_t>::max();
  max_ = 0;
}

double LatencyHistogram::mean_ns() const {
  if (count_ == 0) return 0;
  // long double keeps the division exact-ish even when sum_ is past 2^53.
  return static_cast<double>(static_cast<long double>(sum_) / count_);
}

double LatencyHistogram::stddev_ns() const {
  if (count_ == 0) return 0;
  const double mean = mean_ns();
  double acc = 0;
  for (size_t i = first_used(), last = last_used(); i <= last; ++i) {
    if (counts_[i] == 0) continue;
    const double d = static_cast<double>(ReportedValue(i)) - mean;
    acc += static_cast<double>(counts_[i]) * d * d;
  }
  return std::sqrt(acc / static_cast<double>(count_));
}

int64_t LatencyHistogram::BucketLowest(size_t index) {
  // Inverse of BucketIndex: index = e * 1024 + s, with s in [1024, 2048) once e >= 1.
  const int e = std::max(0, static_cast<int>(index >> (kSubBucketBits - 1)) - 1);
  const auto s = static_cast<int64_t>(index - (static_cast<size_t>(e) << (kSubBucketBits - 1)));
  return s << e;
}

int64_t LatencyHistogram::BucketHighest(size_t index) {
  const int e = std::max(0, static_cast<int>(index >> (kSubBucketBits - 1)) - 1);
  const auto s = static_cast<int64_t>(index - (static_cast<size_t>(e) << (kSubBucketBits - 1)));
  return ((s + 1) << e) - 1;
}

int64_t LatencyHistogram::ReportedValue(size_t index) const {
  const int64_t lo = BucketLowest(index);
  const int64_t mid = lo + (BucketHighest(index) - lo + 1) / 2;
  // Clamping makes q=0 and q=1 exact and keeps every answer within what was recorded.
  return std::clamp(mid, min_, max_);
}

uint64_t LatencyHistogram::Rank(double q) const {
  if (!(q > 0)) return 1;  // also NaN
  if (q >= 1) return count_;
  const double r = std::ceil(q * static_cast<double>(count_));
  return std::clamp<uint64_t>(static_cast<uint64_t>(r), 1, count_);
}

int64_t LatencyHistogram::ValueAtQuantile(double q) const {
  int64_t out = 0;
  ValuesAtQuantiles(absl::MakeConstSpan(&q, 1), absl::MakeSpan(&out, 1));
  return out;
}

void LatencyHistogram::ValuesAtQuantiles(absl::Span<const double> qs,
                                         absl::Span<int64_t> out) const {
  const size_t n = std::min(qs.size(), out.size());
  if (n == 0) return;
  if (count_ == 0) {
    std::fill(out.begin(), out.begin() + n, 0);
    return;
  }
  // Compare ranks, not raw doubles, so NaN and out-of-range q cannot fool the one-pass scan.
  const auto by_rank = [this](double a, double b) { return Rank(a) < Rank(b); };
  if (!std::is_sorted(qs.begin(), qs.begin() + n, by_rank)) {
    for (size_t k = 0; k < n; ++k) out[k] = ValueAtQuantile(qs[k]);
    return;
  }
  size_t k = 0;
  uint64_t rank = Rank(qs[0]);  // the rank of qs[k]
  uint64_t seen = 0;
  for (size_t i = first_used(), last = last_used(); i <= last && k < n; ++i) {
    seen += counts_[i];
    while (k < n && rank <= seen) {
      // Ranks 1 and count_ are exactly min_ and max_; anything else is known to its bucket.
      out[k] = rank == 1 ? min_ : rank == count_ ? max_ : ReportedValue(i);
      if (++k < n) rank = Rank(qs[k]);
    }
  }
  // Unreachable (the last used bucket brings `seen` to count_ >= every rank), kept for safety.
  for (; k < n; ++k) out[k] = max_;
}

uint64_t LatencyHistogram::CountAtOrBelow(int64_t bound_ns) const {
  if (count_ == 0 || bound_ns < min_) return 0;
  if (bound_ns >= max_) return count_;
  // Here min_ <= bound_ns < max_. The bucket holding the bound counts only if none of its
  // values can exceed the bound; the bucket of max_ always holds one that does.
  const size_t at = BucketIndex(bound_ns);
  const size_t end = (BucketHighest(at) <= bound_ns && at != last_used()) ? at + 1 : at;
  uint64_t total = 0;
  for (size_t i = first_used(); i < end; ++i) total += counts_[i];
  return total;
}

void LatencyHistogram::ToProto(proto::Histogram* out) const {
  out->Clear();
  out->set_layout_version(kLayoutVersion);
  out->set_total_count(count_);
  out->set_sum_ns(sum_);
  out->set_min_ns(static_cast<uint64_t>(min_ns()));
  out->set_max_ns(static_cast<uint64_t>(max_));
  out->set_overflow_count(overflow_);
  if (count_ == 0) return;
  size_t previous = 0;
  for (size_t i = first_used(), last = last_used(); i <= last; ++i) {
    if (counts_[i] == 0) continue;
    out->add_bucket_index_deltas(static_cast<uint32_t>(i - previous));
    out->add_bucket_counts(counts_[i]);
    previous = i;
  }
}

absl::Status LatencyHistogram::MergeFromProto(const proto::Histogram& in) {
  // Validate everything before touching *this, so a bad message changes nothing.
  absl::Status valid = ValidateProto(in);
  if (valid.ok()) MergeValidatedProto(in);
  return valid;
}

absl::Status LatencyHistogram::ValidateProto(const proto::Histogram& in) {
  if (in.layout_version() != kLayoutVersion) {
    return Malformed(absl::StrCat("layout_version ", in.layout_version(),
                                  " is not supported (this build reads ", kLayoutVersion, ")"));
  }
  const int n = in.bucket_index_deltas_size();
  if (n != in.bucket_counts_size()) {
    return Malformed(
        absl::StrCat(n, " bucket_index_deltas but ", in.bucket_counts_size(), " bucket_counts"));
  }
  const uint64_t total = in.total_count();
  if (total == 0) {
    if (n != 0 || in.sum_ns() != 0 || in.min_ns() != 0 || in.max_ns() != 0 ||
        in.overflow_count() != 0) {
      return Malformed("total_count is 0 but buckets, sum, min, max or overflow are not empty");
    }
    return absl::OkStatus();
  }
  const uint64_t min = in.min_ns();
  const uint64_t max = in.max_ns();
  if (max > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return Malformed(absl::StrCat("max_ns ", max, " does not fit in int64"));
  }
  if (min > max) return Malformed(absl::StrCat("min_ns ", min, " > max_ns ", max));

  uint64_t index = 0;
  uint64_t bucket_total = 0;
  size_t first_index = 0;
  for (int i = 0; i < n; ++i) {
    const uint32_t delta = in.bucket_index_deltas(i);
    if (i > 0 && delta == 0) {
      return Malformed(absl::StrCat("bucket_index_deltas[", i, "] is 0 (repeated bucket)"));
    }
    index += delta;  // at most n * 2^32: cannot wrap a uint64
    if (index >= kNumBuckets) {
      return Malformed(absl::StrCat("bucket index ", index, " at position ", i,
                                    " is out of range (< ", kNumBuckets, ")"));
    }
    if (i == 0) first_index = index;
    const uint64_t count = in.bucket_counts(i);
    if (count == 0) return Malformed(absl::StrCat("bucket_counts[", i, "] is 0"));
    if (__builtin_add_overflow(bucket_total, count, &bucket_total)) {
      return Malformed("bucket_counts overflow uint64");
    }
  }
  if (bucket_total != total) {
    return Malformed(
        absl::StrCat("bucket_counts sum to ", bucket_total, " but total_count is ", total));
  }
  // min and max must lie in the first and last non-empty buckets: keeps our used-range
  // invariant true, and catches extremes that disagree with the buckets.
  const auto min_v = static_cast<int64_t>(min);
  const auto max_v = static_cast<int64_t>(max);
  if (BucketIndex(min_v) != first_index || BucketIndex(max_v) != index) {
    return Malformed(absl::StrCat("min_ns ", min, " / max_ns ", max,
                                  " do not match the first / last non-empty buckets (", first_index,
                                  ", ", index, ")"));
  }
  const uint64_t overflow = in.overflow_count();
  const uint64_t top_count = index == kNumBuckets - 1 ? in.bucket_counts(n - 1) : 0;
  if ((overflow > 0) != (max_v > kMaxTrackableNs) || overflow > top_count) {
    return Malformed(absl::StrCat("overflow_count ", overflow, " is inconsistent with max_ns ", max,
                                  " and a top bucket count of ", top_count));
  }
  // min and max are each one of the values (the same one when there is only one), and the
  // others lie between them: so a single value has min == max == sum, and quantiles read from
  // the buckets and clamped to [min, max] agree with min and max.
  using u128 = unsigned __int128;
  const u128 sum = in.sum_ns();
  if (sum < u128{min} * (total - 1) + max || sum > u128{min} + u128{max} * (total - 1)) {
    return Malformed(absl::StrCat("sum_ns ", in.sum_ns(), " is outside [(total_count - 1) * ",
                                  "min_ns + max_ns, min_ns + (total_count - 1) * max_ns] with ",
                                  "total_count ", total, ", min_ns ", min, ", max_ns ", max));
  }

  return absl::OkStatus();
}

void LatencyHistogram::MergeValidatedProto(const proto::Histogram& in) {
  const uint64_t total = in.total_count();
  if (total == 0) return;
  uint64_t index = 0;
  for (int i = 0; i < in.bucket_index_deltas_size(); ++i) {
    index += in.bucket_index_deltas(i);
    counts_[index] += in.bucket_counts(i);
  }
  count_ += total;
  sum_ += in.sum_ns();
  overflow_ += in.overflow_count();
  min_ = std::min(min_, static_cast<int64_t>(in.min_ns()));
  max_ = std::max(max_, static_cast<int64_t>(in.max_ns()));
}

absl::StatusOr<LatencyHistogram> LatencyHistogram::FromProto(const proto::Histogram& in) {
  LatencyHistogram h;
  absl::Status status = h.MergeFromProto(in);
  if (!status.ok()) return status;
  return h;
}

bool operator==(const LatencyHistogram& a, const LatencyHistogram& b) {
  return a.count_ == b.count_ && a.sum_ == b.sum_ && a.overflow_ == b.overflow_ &&
         a.min_ == b.min_ && a.max_ == b.max_ && a.counts_ == b.counts_;
}

}  // namespace llmload
