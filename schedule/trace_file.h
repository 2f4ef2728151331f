// Reading a `--trace FILE`: a recorded workload replayed request by request, each sent at its
// recorded offset from the run's start. The format is JSONL in the style of Mooncake's traces,
// one request per line:
//   {"timestamp": 27482, "input_length": 6955, "output_length": 52, "hash_ids": [46, 47]}
//   {"timestamp": 27500.5, "prompt": "What is TCP?"}
//   {"timestamp": 28000, "messages": [{"role": "user", "content": "Hi"}]}
//   - `timestamp` (required): milliseconds from the trace's start, a finite number >= 0, integer
//     or fraction (rounded to the nearest ns), at most kMaxTraceTimestampMs (about 11.6 days).
//   - Either `input_length` (an integer from 1 to 1,000,000, and 400,000,000 summed over the
//     trace: common/trace_request.h's limits; a synthetic prompt of that many
//     tokens, common/synthetic_prompt.h) with optional `hash_ids` (at most 100,000 integers
//     >= 0, the prompt's prefix blocks), or the text itself: `prompt` (a string) or `messages`
//     (OpenAI-style, the last user message), as in a --dataset file (common/input_file.h);
//     `prompt` wins over `messages`. Giving both kinds, or `hash_ids` without `input_length`,
//     is an error.
//   - `output_length` (optional, an integer >= 1): the request's max_tokens.
//   - Other fields are ignored (Mooncake's traces carry more).
// As in a dataset, a UTF-8 BOM is ignored, CRLF accepted and blank lines skipped (still
// counted in line numbers). Lines need not be in timestamp order: the requests are stably
// sorted by timestamp, so equal timestamps keep the file's order, and each keeps its own line
// number. At most 10,000,000 lines. Every error names "<path>:<line>: " and the field, e.g.
//   trace.jsonl:3: field 'timestamp' must be a number >= 0, got string
// and a trace with no request is an error.
#ifndef LLMLOAD_SCHEDULE_TRACE_FILE_H_
#define LLMLOAD_SCHEDULE_TRACE_FILE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/trace_request.h"

namespace llmload::schedule {

// The limits against absurd input; each one exceeded is an error naming the line.
inline constexpr int64_t kMaxTraceLines = 10'000'000;
inline constexpr int64_t kMaxTraceHashIds = 100'000;

struct Trace {
  std::string path;                    // as given, for messages
  std::vector<TraceRequest> requests;  // sorted by offset_ns (stable: ties in file order)
};

// Parses a trace file's whole contents (BOM included); `path` names it in messages.
// Separate from LoadTraceFile so the parser can be tested and fuzzed without files.
absl::StatusOr<Trace> ParseTrace(absl::string_view contents, absl::string_view path);

// Reads the file at `path`, then ParseTrace. An unreadable file is an error naming the path
// and the system's reason.
absl::StatusOr<Trace> LoadTraceFile(const std::string& path);

}  // namespace llmload::schedule

#endif  // LLMLOAD_SCHEDULE_TRACE_FILE_H_
