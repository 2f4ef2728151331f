// Fuzzes the trace parser (schedule/trace_file.h, ParseTrace: what LoadTraceFile does after
// reading the file) and the prompt each accepted line sends (schedule/trace_replay.h,
// TracePrompt). An accepted trace is non-empty and sorted by offset, equal offsets in file
// order; each line is either a non-empty, valid UTF-8 prompt or a synthetic prompt of exactly
// input_length words; any other input is an error that names the file.
//
// Input: 1 control byte (bits 0-2: --trace-block-tokens - 1), then the file's contents.
#include "schedule/trace_file.h"

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/prompt.h"
#include "schedule/trace_replay.h"
#include "simdjson.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

// Synthetic prompts are built only up to this length, to keep each run fast.
constexpr int64_t kMaxBuiltTokens = 2048;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view contents(reinterpret_cast<const char*>(data), size);
  const int64_t block_tokens = static_cast<int64_t>(llmload::fuzz::TakeFront(&contents, 1) & 7) + 1;

  auto trace = llmload::schedule::ParseTrace(contents, "dir/fuzz.jsonl");
  if (!trace.ok()) {
    const absl::string_view message = trace.status().message();
    FUZZ_CHECK(absl::StartsWith(message, "dir/fuzz.jsonl:") ||
               absl::StartsWith(message, "--trace: 'dir/fuzz.jsonl'"));
    return 0;
  }
  FUZZ_CHECK(!trace->requests.empty());
  const llmload::TraceRequest* previous = nullptr;
  for (const llmload::TraceRequest& line : trace->requests) {
    FUZZ_CHECK(line.line >= 1 && line.offset_ns >= 0);
    if (previous != nullptr) {
      FUZZ_CHECK(previous->offset_ns <= line.offset_ns);
      if (previous->offset_ns == line.offset_ns) FUZZ_CHECK(previous->line < line.line);
    }
    previous = &line;
    FUZZ_CHECK(!line.output_length.has_value() || *line.output_length >= 1);
    if (line.input_length == 0) {
      FUZZ_CHECK(line.hash_ids.empty());
      FUZZ_CHECK(!absl::StripAsciiWhitespace(line.prompt).empty());
      FUZZ_CHECK(simdjson::validate_utf8(line.prompt.data(), line.prompt.size()));
    } else {
      FUZZ_CHECK(line.prompt.empty());
      FUZZ_CHECK(line.input_length >= 1 && line.input_length <= llmload::kMaxTraceInputLength);
      for (const int64_t id : line.hash_ids) FUZZ_CHECK(id >= 0);
    }
    if (line.input_length > kMaxBuiltTokens) continue;
    const llmload::Prompt prompt = llmload::schedule::TracePrompt(line, "fuzz.jsonl", block_tokens);
    FUZZ_CHECK(prompt.id == "fuzz.jsonl:" + std::to_string(line.line));
    FUZZ_CHECK(prompt.max_tokens == line.output_length);
    if (line.input_length == 0) {
      FUZZ_CHECK(prompt.text == line.prompt);
    } else {
      const auto words = absl::StrSplit(prompt.text, ' ');
      FUZZ_CHECK(std::distance(words.begin(), words.end()) == line.input_length);
    }
  }
  return 0;
}
