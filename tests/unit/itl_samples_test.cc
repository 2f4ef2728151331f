#include "agent/itl_samples.h"

#include <cstdint>

#include "common/histogram.h"
#include "gtest/gtest.h"

namespace llmload::agent {
namespace {

// Gaps spread over many buckets, so an inexact fold would show.
int64_t Gap(int64_t i) { return 1'000 + (i * 7919) % 50'000'000; }

TEST(ItlSamplesTest, RecordsExactlyWhatOneHistogramFedEveryGapWouldHold) {
  for (int64_t n :
       {int64_t{0}, int64_t{1}, int64_t{100}, static_cast<int64_t>(ItlSamples::kBufferedGaps),
        static_cast<int64_t>(ItlSamples::kBufferedGaps) + 1,
        static_cast<int64_t>(ItlSamples::kBufferedGaps) * 3 + 17}) {
    ItlSamples samples(256);
    LatencyHistogram expected;
    for (int64_t i = 0; i < n; ++i) {
      samples.Add(Gap(i));
      expected.Record(Gap(i));
    }
    EXPECT_EQ(samples.count(), static_cast<size_t>(n));
    EXPECT_EQ(samples.spilled(), n > static_cast<int64_t>(ItlSamples::kBufferedGaps));
    LatencyHistogram got;
    samples.RecordInto(&got);
    EXPECT_TRUE(got == expected) << n;
    EXPECT_EQ(got.count(), expected.count());
    EXPECT_EQ(got.sum_ns(), expected.sum_ns());
    EXPECT_EQ(got.min_ns(), expected.min_ns());
    EXPECT_EQ(got.max_ns(), expected.max_ns());
  }
}

TEST(ItlSamplesTest, ClearForgetsEverythingAndMemoryStaysBounded) {
  ItlSamples samples(256);
  // An endless stream: ten times the buffer. What is kept never exceeds the buffer plus one
  // histogram, however many gaps come.
  for (size_t i = 0; i < ItlSamples::kBufferedGaps * 10; ++i) samples.Add(5'000'000);
  EXPECT_TRUE(samples.spilled());
  EXPECT_EQ(samples.count(), ItlSamples::kBufferedGaps * 10);
  samples.Clear();
  EXPECT_EQ(samples.count(), 0u);
  EXPECT_FALSE(samples.spilled());
  LatencyHistogram none;
  samples.RecordInto(&none);
  EXPECT_EQ(none.count(), 0u);
  samples.Add(42);
  LatencyHistogram one;
  samples.RecordInto(&one);
  EXPECT_EQ(one.count(), 1u);
  EXPECT_EQ(one.max_ns(), 42);
}

}  // namespace
}  // namespace llmload::agent
