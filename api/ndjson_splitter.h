// NdjsonSplitter: splits a newline-delimited JSON stream (Ollama's streamed responses,
// application/x-ndjson) into its lines, however the bytes are split across reads. It reuses its
// buffer: a steady stream allocates nothing, and a line is copied only when it spans reads.
// LF and CRLF end a line; blank lines are skipped. A line longer than the limit puts the
// splitter in its error state, so a stream that never sends a newline cannot grow memory
// without bound.
#ifndef LLMLOAD_API_NDJSON_SPLITTER_H_
#define LLMLOAD_API_NDJSON_SPLITTER_H_

#include <cstddef>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "api/response_decoder.h"

namespace llmload {

class NdjsonSplitter {
 public:
  // Called once per line, without its line end; valid only during the call.
  using LineCallback = absl::FunctionRef<void(absl::string_view line)>;

  explicit NdjsonSplitter(size_t max_line_bytes);

  // False once a line was over the limit; input is then ignored until Reset().
  [[nodiscard]] bool Feed(absl::string_view bytes, LineCallback on_line);
  // The stream ended: kPartialEvent when a line without its newline was left (it is not
  // dispatched: a cut-off JSON object is not an object), kTooLarge after an overlong line.
  FramingEnd Finish() const;
  void Reset();

 private:
  size_t max_line_bytes_;
  std::string partial_;  // the start of a line that continues in the next read
  bool too_large_ = false;
};

}  // namespace llmload

#endif  // LLMLOAD_API_NDJSON_SPLITTER_H_
