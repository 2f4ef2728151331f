#include "common/histogram.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace llmload {
namespace {

constexpr int64_t kUs = 1'000;
constexpr int64_t kMs = 1'000'000;
constexpr int64_t kSec = 1'000'000'000;
constexpr int64_t kHour = 3600 * kSec;

const std::vector<double> kQuantiles = {0,    0.001, 0.01, 0.1,  0.25,  0.5, 0.66,
                                        0.75, 0.9,   0.95, 0.99, 0.999, 1.0};

// The exact nearest-rank quantile of a sorted sample, by the definition the histogram uses.
int64_t ExactQuantile(const std::vector<int64_t>& sorted, double q) {
  const auto n = static_cast<uint64_t>(sorted.size());
  uint64_t rank = q <= 0 ? 1 : static_cast<uint64_t>(std::ceil(q * static_cast<double>(n)));
  rank = std::clamp<uint64_t>(rank, 1, n);
  return sorted[rank - 1];
}

struct Distribution {
  std::string name;
  std::function<int64_t(std::mt19937_64&)> draw;
};

std::vector<Distribution> Distributions() {
  return {
      {"log_uniform_1us_1h",
       [](std::mt19937_64& rng) {
         std::uniform_real_distribution<double> d(std::log(1.0 * kUs), std::log(1.0 * kHour));
         return static_cast<int64_t>(std::exp(d(rng)));
       }},
      {"lognormal_20ms",
       [](std::mt19937_64& rng) {
         std::lognormal_distribution<double> d(std::log(20.0 * kMs), 0.5);
         return static_cast<int64_t>(d(rng));
       }},
      {"exponential_50ms",
       [](std::mt19937_64& rng) {
         std::exponential_distribution<double> d(1.0 / (50.0 * kMs));
         return static_cast<int64_t>(d(rng));
       }},
      {"bimodal_2ms_2s",
       [](std::mt19937_64& rng) {
         std::bernoulli_distribution slow(0.1);
         std::normal_distribution<double> fast_d(2.0 * kMs, 0.2 * kMs);
         std::normal_distribution<double> slow_d(2.0 * kSec, 0.3 * kSec);
         return std::max<int64_t>(1, static_cast<int64_t>(slow(rng) ? slow_d(rng) : fast_d(rng)));
       }},
      {"constant_123456789", [](std::mt19937_64&) { return int64_t{123'456'789}; }},
      {"small_exact_below_2048",
       [](std::mt19937_64& rng) { return std::uniform_int_distribution<int64_t>(0, 2047)(rng); }},
  };
}

std::vector<int64_t> Sample(const Distribution& dist, size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<int64_t> values(n);
  for (auto& v : values) v = dist.draw(rng);
  return values;
}

LatencyHistogram HistogramOf(const std::vector<int64_t>& values) {
  LatencyHistogram h;
  for (int64_t v : values) h.Record(v);
  return h;
}

TEST(LatencyHistogramTest, EmptyHistogramReportsZeros) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min_ns(), 0);
  EXPECT_EQ(h.max_ns(), 0);
  EXPECT_EQ(h.sum_ns(), 0u);
  EXPECT_EQ(h.mean_ns(), 0);
  EXPECT_EQ(h.stddev_ns(), 0);
  EXPECT_EQ(h.ValueAtQuantile(0.5), 0);
  EXPECT_EQ(h.CountAtOrBelow(kHour), 0u);
  EXPECT_TRUE(h == LatencyHistogram());
}

TEST(LatencyHistogramTest, LayoutIsContiguousAndWithinRelativeBound) {
  EXPECT_EQ(LatencyHistogram::kNumBuckets, 33792u);
  EXPECT_GE(LatencyHistogram::kMaxTrackableNs, kHour);
  EXPECT_EQ(LatencyHistogram::BucketLowest(0), 0);
  EXPECT_EQ(LatencyHistogram::BucketHighest(LatencyHistogram::kNumBuckets - 1),
            LatencyHistogram::kMaxTrackableNs);
  for (size_t i = 0; i < LatencyHistogram::kNumBuckets; ++i) {
    const int64_t lo = LatencyHistogram::BucketLowest(i);
    const int64_t hi = LatencyHistogram::BucketHighest(i);
    ASSERT_LE(lo, hi) << i;
    ASSERT_EQ(LatencyHistogram::BucketIndex(lo), i);
    ASSERT_EQ(LatencyHistogram::BucketIndex(hi), i);
    if (i + 1 < LatencyHistogram::kNumBuckets) {
      ASSERT_EQ(hi + 1, LatencyHistogram::BucketLowest(i + 1)) << i;
    }
    if (i < 2048) {
      ASSERT_EQ(lo, hi) << "values below 2048 ns must be exact";
    } else {
      // Width / lowest value <= 1/1024, so the midpoint is within 1/2048 of anything in it.
      ASSERT_LE(static_cast<double>(hi - lo + 1) / static_cast<double>(lo), 1.0 / 1024) << i;
    }
  }
}

TEST(LatencyHistogramTest, QuantilesWithinRelativeErrorForManyDistributions) {
  constexpr size_t kSamples = 200'000;
  for (const Distribution& dist : Distributions()) {
    SCOPED_TRACE(dist.name);
    std::vector<int64_t> values = Sample(dist, kSamples, /*seed=*/42);
    LatencyHistogram h = HistogramOf(values);
    std::sort(values.begin(), values.end());

    EXPECT_EQ(h.count(), kSamples);
    EXPECT_EQ(h.min_ns(), values.front());
    EXPECT_EQ(h.max_ns(), values.back());
    uint64_t sum = 0;
    for (int64_t v : values) sum += static_cast<uint64_t>(v);
    EXPECT_EQ(h.sum_ns(), sum);
    const double mean = static_cast<double>(sum) / kSamples;
    EXPECT_NEAR(h.mean_ns(), mean, 1e-9 * mean);

    double var = 0;
    for (int64_t v : values) var += (v - mean) * (v - mean);
    const double stddev = std::sqrt(var / kSamples);
    EXPECT_NEAR(h.stddev_ns(), stddev, 0.01 * stddev + 1e-9);

    std::vector<int64_t> batch(kQuantiles.size());
    h.ValuesAtQuantiles(kQuantiles, absl::MakeSpan(batch));
    for (size_t k = 0; k < kQuantiles.size(); ++k) {
      const double q = kQuantiles[k];
      const int64_t exact = ExactQuantile(values, q);
      const int64_t got = h.ValueAtQuantile(q);
      EXPECT_EQ(batch[k], got) << "q=" << q;
      EXPECT_LE(std::abs(static_cast<double>(got - exact)), 0.001 * static_cast<double>(exact))
          << "q=" << q << " exact=" << exact << " got=" << got;
      // The layout promises more than the 0.1% above: half a bucket, 1/2048.
      EXPECT_LE(std::abs(static_cast<double>(got - exact)), static_cast<double>(exact) / 2048)
          << "q=" << q;
      if (exact < 2048) {
        EXPECT_EQ(got, exact) << "q=" << q;
      }
    }
    EXPECT_EQ(h.ValueAtQuantile(0), values.front());
    EXPECT_EQ(h.ValueAtQuantile(1), values.back());
  }
}

TEST(LatencyHistogramTest, ConstantValueIsExactEverywhere) {
  LatencyHistogram h;
  h.RecordN(987'654'321, 1000);
  for (double q : kQuantiles) EXPECT_EQ(h.ValueAtQuantile(q), 987'654'321) << q;
  EXPECT_EQ(h.stddev_ns(), 0);
  EXPECT_EQ(h.mean_ns(), 987'654'321);
}

TEST(LatencyHistogramTest, NearestRankOnSmallExactData) {
  LatencyHistogram h;
  for (int64_t v : {10, 20, 30, 40}) h.Record(v);
  EXPECT_EQ(h.ValueAtQuantile(0), 10);
  EXPECT_EQ(h.ValueAtQuantile(0.25), 10);  // rank ceil(1) = 1
  EXPECT_EQ(h.ValueAtQuantile(0.26), 20);  // rank ceil(1.04) = 2
  EXPECT_EQ(h.ValueAtQuantile(0.5), 20);
  EXPECT_EQ(h.ValueAtQuantile(0.75), 30);
  EXPECT_EQ(h.ValueAtQuantile(0.99), 40);
  EXPECT_EQ(h.ValueAtQuantile(1), 40);
  // Out-of-range and NaN quantiles are clamped, not undefined.
  EXPECT_EQ(h.ValueAtQuantile(-1), 10);
  EXPECT_EQ(h.ValueAtQuantile(2), 40);
  EXPECT_EQ(h.ValueAtQuantile(std::nan("")), 10);
}

TEST(LatencyHistogramTest, ValuesAtQuantilesHandlesUnsortedInput) {
  const LatencyHistogram h = HistogramOf(Sample(Distributions()[1], 10'000, 7));
  const std::vector<double> qs = {0.99, 0.5, 0.9, 0.0, 1.0};
  std::vector<int64_t> out(qs.size());
  h.ValuesAtQuantiles(qs, absl::MakeSpan(out));
  for (size_t k = 0; k < qs.size(); ++k) EXPECT_EQ(out[k], h.ValueAtQuantile(qs[k])) << qs[k];
  EXPECT_LT(out[1], out[0]);    // p50 < p99: the unsorted order was honoured
  h.ValuesAtQuantiles({}, {});  // nothing asked, nothing written (and no crash)
}

TEST(LatencyHistogramTest, RecordNEqualsRepeatedRecord) {
  LatencyHistogram a, b;
  a.RecordN(5 * kMs, 3);
  a.RecordN(7 * kMs, 0);  // no-op: must not move min/max
  for (int i = 0; i < 3; ++i) b.Record(5 * kMs);
  EXPECT_TRUE(a == b);
  EXPECT_EQ(a.max_ns(), 5 * kMs);
}

TEST(LatencyHistogramTest, MergeOfRandomSplitEqualsWhole) {
  std::mt19937_64 rng(1234);
  for (const Distribution& dist : Distributions()) {
    SCOPED_TRACE(dist.name);
    const std::vector<int64_t> values = Sample(dist, 50'000, 99);
    const LatencyHistogram whole = HistogramOf(values);
    for (int trial = 0; trial < 3; ++trial) {
      const size_t parts = std::uniform_int_distribution<size_t>(2, 8)(rng);
      std::vector<LatencyHistogram> hs(parts);
      std::uniform_int_distribution<size_t> pick(0, parts - 1);
      for (int64_t v : values) hs[pick(rng)].Record(v);
      std::shuffle(hs.begin(), hs.end(), rng);
      LatencyHistogram merged;
      for (const auto& h : hs) merged.Merge(h);
      EXPECT_TRUE(merged == whole) << parts << " parts";
      EXPECT_EQ(merged.count(), whole.count());
      EXPECT_EQ(merged.min_ns(), whole.min_ns());
      EXPECT_EQ(merged.max_ns(), whole.max_ns());
      EXPECT_EQ(merged.sum_ns(), whole.sum_ns());
      for (double q : kQuantiles) EXPECT_EQ(merged.ValueAtQuantile(q), whole.ValueAtQuantile(q));
    }
  }
}

TEST(LatencyHistogramTest, MergeWithEmpty) {
  const LatencyHistogram full = HistogramOf({3 * kMs, 40 * kMs, 500});
  LatencyHistogram into_empty;
  into_empty.Merge(full);
  EXPECT_TRUE(into_empty == full);
  EXPECT_EQ(into_empty.min_ns(), 500);

  LatencyHistogram copy = full;
  copy.Merge(LatencyHistogram());
  EXPECT_TRUE(copy == full);

  LatencyHistogram self = full;
  self.Merge(self);
  EXPECT_EQ(self.count(), 6u);
  EXPECT_EQ(self.CountAtOrBelow(500), 2u);
}

TEST(LatencyHistogramTest, CopyAndMoveKeepContents) {
  const LatencyHistogram original = HistogramOf({1, 2 * kMs, 3 * kSec});
  LatencyHistogram copy = original;
  EXPECT_TRUE(copy == original);
  LatencyHistogram moved = std::move(copy);
  EXPECT_TRUE(moved == original);
  moved.Record(5);
  EXPECT_FALSE(moved == original);
}

TEST(LatencyHistogramTest, ResetEmptiesAndAllowsReuse) {
  LatencyHistogram h = HistogramOf(Sample(Distributions()[0], 10'000, 5));
  h.Reset();
  EXPECT_TRUE(h == LatencyHistogram());
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.ValueAtQuantile(0.5), 0);
  h.Record(42);
  EXPECT_EQ(h.count(), 1u);
  EXPECT_EQ(h.min_ns(), 42);
  EXPECT_EQ(h.max_ns(), 42);
  EXPECT_EQ(h.ValueAtQuantile(0.5), 42);
}

TEST(LatencyHistogramTest, ClampsNegativeAndHugeValues) {
  LatencyHistogram h;
  h.Record(-5);
  h.Record(std::numeric_limits<int64_t>::min());
  EXPECT_EQ(h.count(), 2u);
  EXPECT_EQ(h.min_ns(), 0);
  EXPECT_EQ(h.max_ns(), 0);
  EXPECT_EQ(h.CountAtOrBelow(0), 2u);

  const int64_t over = LatencyHistogram::kMaxTrackableNs + 1;
  h.Record(kHour);  // inside the layout
  h.Record(over);
  h.Record(10 * kHour);
  EXPECT_EQ(h.overflow_count(), 2u);
  EXPECT_EQ(h.max_ns(), 10 * kHour);  // max stays exact
  EXPECT_EQ(h.sum_ns(), static_cast<uint64_t>(kHour + over + 10 * kHour));
  EXPECT_EQ(h.ValueAtQuantile(1), 10 * kHour);
  // 1 h is tracked within the bound; the overflowed values share the top bucket.
  EXPECT_NEAR(h.ValueAtQuantile(0.6), kHour, kHour / 2048.0);
  EXPECT_EQ(LatencyHistogram::BucketIndex(over), LatencyHistogram::kNumBuckets - 1);
  EXPECT_EQ(LatencyHistogram::BucketIndex(std::numeric_limits<int64_t>::max()),
            LatencyHistogram::kNumBuckets - 1);
  // The top bucket holds values above any bound below max, so it is never counted early.
  EXPECT_EQ(h.CountAtOrBelow(2 * kHour), 3u);
  EXPECT_EQ(h.CountAtOrBelow(10 * kHour), 5u);

  auto round_trip = [&] {
    proto::Histogram p;
    h.ToProto(&p);
    return LatencyHistogram::FromProto(p);
  }();
  ASSERT_TRUE(round_trip.ok()) << round_trip.status();
  EXPECT_TRUE(*round_trip == h);
}

TEST(LatencyHistogramTest, CountAtOrBelowOnKnownData) {
  LatencyHistogram h;
  for (int64_t v : {100, 100, 2047, 2048, 2049, 1'000'000, 5'000'000}) h.Record(v);
  EXPECT_EQ(h.CountAtOrBelow(-1), 0u);
  EXPECT_EQ(h.CountAtOrBelow(99), 0u);
  EXPECT_EQ(h.CountAtOrBelow(100), 2u);  // exact range
  EXPECT_EQ(h.CountAtOrBelow(2047), 3u);
  EXPECT_EQ(h.CountAtOrBelow(2048), 3u);  // bucket [2048, 2049] straddles: left out
  EXPECT_EQ(h.CountAtOrBelow(2049), 5u);  // its highest value is 2049: now counted
  // 1'000'000 sits in a bucket of width 512 ([999'936, 1'000'447]).
  EXPECT_EQ(LatencyHistogram::BucketHighest(LatencyHistogram::BucketIndex(1'000'000)), 1'000'447);
  EXPECT_EQ(h.CountAtOrBelow(1'000'000), 5u);  // straddling: under-counts by one
  EXPECT_EQ(h.CountAtOrBelow(1'000'447), 6u);
  EXPECT_EQ(h.CountAtOrBelow(4'999'999), 6u);  // below max, inside max's bucket
  EXPECT_EQ(h.CountAtOrBelow(5'000'000), 7u);  // >= max: exact
  EXPECT_EQ(h.CountAtOrBelow(kHour), 7u);
}

TEST(LatencyHistogramTest, ProtoRoundTripIsExactAndSparse) {
  for (const Distribution& dist : Distributions()) {
    SCOPED_TRACE(dist.name);
    const LatencyHistogram h = HistogramOf(Sample(dist, 20'000, 3));
    proto::Histogram p;
    h.ToProto(&p);
    EXPECT_EQ(p.layout_version(), LatencyHistogram::kLayoutVersion);
    EXPECT_EQ(p.bucket_index_deltas_size(), p.bucket_counts_size());
    EXPECT_LE(p.bucket_counts_size(), 20'000);
    for (uint64_t c : p.bucket_counts()) EXPECT_GT(c, 0u);
    auto back = LatencyHistogram::FromProto(p);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_TRUE(*back == h);
  }
  LatencyHistogram constant;
  constant.RecordN(20 * kMs, 100'000);
  proto::Histogram p;
  constant.ToProto(&p);
  EXPECT_EQ(p.bucket_counts_size(), 1);
  EXPECT_EQ(p.bucket_index_deltas(0), LatencyHistogram::BucketIndex(20 * kMs));
  EXPECT_LT(p.ByteSizeLong(), 40u);

  LatencyHistogram empty;
  empty.ToProto(&p);
  EXPECT_EQ(p.bucket_counts_size(), 0);
  auto back = LatencyHistogram::FromProto(p);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(*back == empty);
}

TEST(LatencyHistogramTest, MergeFromProtoOfHalvesEqualsWhole) {
  const std::vector<int64_t> values = Sample(Distributions()[3], 30'000, 11);
  const LatencyHistogram whole = HistogramOf(values);
  const LatencyHistogram first = HistogramOf({values.begin(), values.begin() + 10'000});
  const LatencyHistogram second = HistogramOf({values.begin() + 10'000, values.end()});
  proto::Histogram p1, p2;
  first.ToProto(&p1);
  second.ToProto(&p2);
  LatencyHistogram merged;
  ASSERT_TRUE(merged.MergeFromProto(p2).ok());
  ASSERT_TRUE(merged.MergeFromProto(p1).ok());
  EXPECT_TRUE(merged == whole);
}

// A small valid message to break in one way at a time.
proto::Histogram ValidProto() {
  proto::Histogram p;
  HistogramOf({1'000, 5 * kMs, 5 * kMs, 2 * kSec}).ToProto(&p);
  return p;
}

TEST(LatencyHistogramTest, MalformedProtosAreRefusedWithoutChangingTheHistogram) {
  ASSERT_TRUE(LatencyHistogram::FromProto(ValidProto()).ok());
  const LatencyHistogram before = HistogramOf({7, 8, 9});
  struct Case {
    std::string name;
    std::string reason;  // expected in the error message
    std::function<void(proto::Histogram&)> corrupt;
  };
  const std::vector<Case> cases = {
      {"version 0", "layout_version 0", [](auto& p) { p.set_layout_version(0); }},
      {"version 2", "layout_version 2", [](auto& p) { p.set_layout_version(2); }},
      {"index out of range", "out of range",
       [](auto& p) { p.set_bucket_index_deltas(2, LatencyHistogram::kNumBuckets); }},
      {"index delta wraps", "out of range",
       [](auto& p) { p.set_bucket_index_deltas(1, 0xFFFFFFFFu); }},
      {"repeated index", "repeated bucket", [](auto& p) { p.set_bucket_index_deltas(1, 0); }},
      {"count sum too small", "bucket_counts sum to",
       [](auto& p) { p.set_total_count(p.total_count() + 1); }},
      {"count sum too large", "bucket_counts sum to", [](auto& p) { p.set_bucket_counts(0, 2); }},
      {"zero count", "bucket_counts[0] is 0",
       [](auto& p) {
         p.set_bucket_counts(0, 0);
         p.set_total_count(p.total_count() - 1);
       }},
      {"counts overflow", "overflow uint64",
       [](auto& p) {
         p.set_bucket_counts(0, ~uint64_t{0});
         p.set_bucket_counts(1, 3);
       }},
      {"length mismatch", "bucket_index_deltas but", [](auto& p) { p.add_bucket_counts(1); }},
      {"min > max", "> max_ns", [](auto& p) { p.set_min_ns(p.max_ns() + 1); }},
      {"min not in first bucket", "do not match", [](auto& p) { p.set_min_ns(4 * kMs); }},
      {"max not in last bucket", "do not match", [](auto& p) { p.set_max_ns(3 * kSec); }},
      {"max beyond int64", "does not fit in int64", [](auto& p) { p.set_max_ns(~uint64_t{0}); }},
      {"sum below count * min", "sum_ns", [](auto& p) { p.set_sum_ns(3); }},
      {"sum above count * max", "sum_ns", [](auto& p) { p.set_sum_ns(~uint64_t{0}); }},
      // Found by tests/fuzz/wire_codec.cc: sums within count * [min, max] that no values with
      // these extremes can have; one value with min != max made p100 differ from max.
      {"sum below (count - 1) * min + max", "sum_ns",
       [](auto& p) { p.set_sum_ns(3 * 1'000 + 2 * kSec - 1); }},
      {"sum above min + (count - 1) * max", "sum_ns",
       [](auto& p) { p.set_sum_ns(1'000 + 3 * 2 * kSec + 1); }},
      {"one value, min != max in its bucket", "sum_ns",
       [](auto& p) {
         HistogramOf({5 * kMs}).ToProto(&p);
         p.set_max_ns(5 * kMs + 4);
       }},
      {"overflow without a top bucket", "overflow_count", [](auto& p) { p.set_overflow_count(1); }},
      {"empty with buckets", "total_count is 0", [](auto& p) { p.set_total_count(0); }},
      {"empty with min", "total_count is 0",
       [](auto& p) {
         p.Clear();
         p.set_layout_version(LatencyHistogram::kLayoutVersion);
         p.set_min_ns(5);
       }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    proto::Histogram p = ValidProto();
    c.corrupt(p);
    LatencyHistogram h = before;
    const absl::Status status = h.MergeFromProto(p);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
    EXPECT_NE(status.message().find("malformed Histogram proto"), absl::string_view::npos);
    EXPECT_NE(status.message().find(c.reason), absl::string_view::npos) << status;
    EXPECT_TRUE(h == before) << "a refused message must change nothing";
    EXPECT_FALSE(LatencyHistogram::FromProto(p).ok());
  }
}

}  // namespace
}  // namespace llmload
