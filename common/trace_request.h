// One line of a replayed trace (`--trace FILE`, schedule/trace_file.h): when the request is
// sent, on the run's time line, and what it carries. Shared by the master, which reads the
// file, and the agents, which receive the trace in the WorkloadSpec, build the prompts of
// their own stripe of lines and send each at its recorded offset.
#ifndef LLMLOAD_COMMON_TRACE_REQUEST_H_
#define LLMLOAD_COMMON_TRACE_REQUEST_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmload {

// Bounds on what a trace file can make the master and the agents do; the parser refuses a
// file past them, and an agent a trace off the wire.
// The longest synthetic prompt a line may ask for, in tokens.
inline constexpr int64_t kMaxTraceInputLength = 1'000'000;
// The synthetic prompts' tokens summed over the trace: an agent builds its stripe's prompts
// before it starts (about 5 bytes a token), so this bounds its memory to about 2 GB.
inline constexpr int64_t kMaxTraceInputTokens = 400'000'000;
// The latest offset, in ms from the trace's start (about 11.6 days)...
inline constexpr int64_t kMaxTraceTimestampMs = 1'000'000'000;
inline constexpr int64_t kMaxTraceOffsetNs = kMaxTraceTimestampMs * 1'000'000;
// ...and the slowest --trace-speed: together they keep every line's due time within 32 years,
// inside what the engine's timers hold (73 years, schedule/arrival_process.h).
inline constexpr double kMinTraceSpeed = 0.001;

struct TraceRequest {
  int64_t offset_ns = 0;  // the line's `timestamp` (ms from the trace's start), in ns
  int64_t line = 0;       // 1-based line of the file, for messages and prompt ids
  // Either a prompt of its own (`prompt`, or the last user message of `messages`)...
  std::string prompt;
  // ...or a synthetic one of `input_length` tokens (common/synthetic_prompt.h), built from
  // the prefix blocks `hash_ids` when given (Mooncake's trace format).
  int64_t input_length = 0;  // 0: `prompt` is the text
  std::vector<int64_t> hash_ids;
  std::optional<int64_t> output_length;  // the request's max_tokens; unset: the run's

  friend bool operator==(const TraceRequest&, const TraceRequest&) = default;
};

}  // namespace llmload

#endif  // LLMLOAD_COMMON_TRACE_REQUEST_H_
