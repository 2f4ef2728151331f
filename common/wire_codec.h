// Translations between the C++ types both sides use (WorkloadSpec, IntervalStats) and their
// wire form in proto/llmload.proto. Decoding validates: a malformed message from the network
// becomes an InvalidArgument status, never a crash or a silently wrong number.
#ifndef LLMLOAD_COMMON_WIRE_CODEC_H_
#define LLMLOAD_COMMON_WIRE_CODEC_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/interval_stats.h"
#include "common/workload_spec.h"
#include "proto/llmload.pb.h"

namespace llmload {

void SpecToProto(const WorkloadSpec& spec, proto::WorkloadSpec* out);
absl::StatusOr<WorkloadSpec> SpecFromProto(const proto::WorkloadSpec& in);

void StatsToProto(const IntervalStats& stats, proto::StatsDelta* out);
// Merges the delta's contents into `out` (so decoding into a fresh IntervalStats copies it).
absl::Status MergeStatsFromProto(const proto::StatsDelta& in, IntervalStats* out);

}  // namespace llmload

#endif  // LLMLOAD_COMMON_WIRE_CODEC_H_
