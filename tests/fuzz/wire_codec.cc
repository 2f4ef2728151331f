// Fuzzes common/wire_codec.h, the decoding of what agents send the master over the network:
// the input is parsed as a proto::StatsDelta and merged into IntervalStats, as the master
// does. A malformed delta must be refused with a Status and change nothing; an accepted one
// must give histograms that agree with it and survive a round trip through the wire form.
// The same bytes are also decoded as a proto::WorkloadSpec (what an agent receives).
#include "common/wire_codec.h"

#include <array>
#include <cstddef>
#include <cstdint>

#include "common/interval_stats.h"
#include "google/protobuf/stubs/logging.h"
#include "proto/llmload.pb.h"
#include "tests/fuzz/fuzz_input.h"

namespace llmload {
namespace {

void CheckHistogram(const LatencyHistogram& h, const proto::Histogram& in) {
  FUZZ_CHECK(h.count() == in.total_count());
  FUZZ_CHECK(h.sum_ns() == in.sum_ns());
  if (h.count() == 0) return;
  FUZZ_CHECK(h.min_ns() == static_cast<int64_t>(in.min_ns()));
  FUZZ_CHECK(h.max_ns() == static_cast<int64_t>(in.max_ns()));
  constexpr std::array<double, 6> kQs = {0, 0.5, 0.9, 0.99, 0.999, 1};
  std::array<int64_t, kQs.size()> values{};
  h.ValuesAtQuantiles(kQs, absl::MakeSpan(values));
  for (size_t i = 0; i < kQs.size(); ++i) {
    FUZZ_CHECK(values[i] >= h.min_ns() && values[i] <= h.max_ns());
    FUZZ_CHECK(i == 0 || values[i] >= values[i - 1]);
  }
  FUZZ_CHECK(values.front() == h.min_ns() && values.back() == h.max_ns());
  FUZZ_CHECK(h.mean_ns() >= static_cast<double>(h.min_ns()) * (1 - 1e-9));
  FUZZ_CHECK(h.mean_ns() <= static_cast<double>(h.max_ns()) * (1 + 1e-9));
  FUZZ_CHECK(h.stddev_ns() >= 0);
  FUZZ_CHECK(h.CountAtOrBelow(h.max_ns()) == h.count());
  FUZZ_CHECK(h.CountAtOrBelow(h.min_ns() - 1) == 0);
}

bool SameStats(const IntervalStats& a, const IntervalStats& b) {
  return a.start_wall_ns == b.start_wall_ns && a.end_wall_ns == b.end_wall_ns &&
         a.outcomes == b.outcomes && a.input_tokens == b.input_tokens &&
         a.output_tokens == b.output_tokens && a.tokens_from_usage == b.tokens_from_usage &&
         a.tokens_from_chunks == b.tokens_from_chunks && a.slo_met == b.slo_met &&
         a.last_end_wall_ns == b.last_end_wall_ns && a.e2e == b.e2e && a.ttft == b.ttft &&
         a.itl == b.itl && a.tpot == b.tpot && a.records.size() == b.records.size();
}

}  // namespace
}  // namespace llmload

// Protobuf logs an error for each string field with invalid UTF-8; that is expected here, and
// printing it would cost more than the decoding.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace llmload;  // NOLINT: a fuzz target's entry point, outside the namespace
  proto::StatsDelta delta;
  if (delta.ParseFromArray(data, static_cast<int>(size))) {
    IntervalStats stats;
    const absl::Status status = MergeStatsFromProto(delta, &stats);
    FUZZ_CHECK(status.ok() == ValidateStatsProto(delta).ok());
    if (!status.ok()) {
      FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument);
      FUZZ_CHECK(SameStats(stats, IntervalStats()));
    } else {
      CheckHistogram(stats.e2e, delta.e2e());
      CheckHistogram(stats.ttft, delta.ttft());
      CheckHistogram(stats.itl, delta.itl());
      CheckHistogram(stats.tpot, delta.tpot());
      FUZZ_CHECK(stats.records.size() == static_cast<size_t>(delta.records_size()));
      FUZZ_CHECK(stats.requests() == RequestsInStatsProto(delta));
      proto::StatsDelta wire;
      StatsToProto(stats, &wire);
      IntervalStats again;
      FUZZ_CHECK(MergeStatsFromProto(wire, &again).ok());
      FUZZ_CHECK(SameStats(again, stats));
      // Merging into stats that already hold the delta doubles the counts, exactly.
      FUZZ_CHECK(MergeStatsFromProto(delta, &again).ok());
      FUZZ_CHECK(again.e2e.count() == 2 * stats.e2e.count());
    }
  }
  proto::WorkloadSpec spec;
  if (spec.ParseFromArray(data, static_cast<int>(size))) (void)SpecFromProto(spec);
  return 0;
}
