// Translations between the C++ types both sides use (WorkloadSpec, IntervalStats) and their
// wire form in proto/llmload.proto. Decoding validates: a malformed message from the network
// becomes an InvalidArgument status, never a crash or a silently wrong number.
#ifndef LLMLOAD_COMMON_WIRE_CODEC_H_
#define LLMLOAD_COMMON_WIRE_CODEC_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/interval_stats.h"
#include "common/workload_spec.h"
#include "proto/llmload.pb.h"

namespace llmload {

void SpecToProto(const WorkloadSpec& spec, proto::WorkloadSpec* out);
absl::StatusOr<WorkloadSpec> SpecFromProto(const proto::WorkloadSpec& in);

void StatsToProto(const IntervalStats& stats, proto::StatsDelta* out);
// Merges the delta's contents, records included, into `out` (so decoding into a fresh
// IntervalStats copies it); a malformed delta changes nothing.
absl::Status MergeStatsFromProto(const proto::StatsDelta& in, IntervalStats* out);

// The parts of MergeStatsFromProto, for the master's hot path: validate a delta once, then
// merge it straight into the running totals and window without building a temporary (each
// IntervalStats holds four dense histograms). Records are left to AppendRecordsFromProto.
absl::Status ValidateStatsProto(const proto::StatsDelta& in);
void MergeValidatedStats(const proto::StatsDelta& in, IntervalStats* out);
void AppendRecordsFromProto(const proto::StatsDelta& in, std::vector<RequestRecord>* out);
// Ended requests in a delta (cancelled ones excluded), as IntervalStats::requests().
uint64_t RequestsInStatsProto(const proto::StatsDelta& in);

}  // namespace llmload

#endif  // LLMLOAD_COMMON_WIRE_CODEC_H_
