// CumulativeText: the new part of a text that a streaming API repeats whole in every event
// (DashScope with parameters.incremental_output=false: each event holds all the text generated
// so far). The engine times content chunks, so each event must report only what it added.
//
// The rule: an event's text must start with the text of the previous one; what follows is the
// event's content (empty: the event added nothing, e.g. the final event repeating the whole
// text with its finish reason). A text that does not start with the previous one (shorter, or
// different) is not what such an API sends: it is refused, and becomes the new reference.
//
// Why the decoder does not guess whether a stream is cumulative: an incremental stream whose
// second delta starts with its first ("\n" then "\n\n", "*" then "**", " a" then " and") looks
// exactly like a cumulative one, so a guess would drop or shorten real tokens. The adapter knows
// what it asked for and tells the decoder.
//
// One reused buffer: after the first responses it has grown to their length, and no event
// allocates.
#ifndef LLMLOAD_API_CUMULATIVE_TEXT_H_
#define LLMLOAD_API_CUMULATIVE_TEXT_H_

#include <string>

#include "absl/strings/string_view.h"

namespace llmload {

class CumulativeText {
 public:
  // The part of `text` after the previous event's text (valid until the next call), or false
  // when `text` does not extend it (then `text` is the reference for the next event).
  [[nodiscard]] bool NewSuffix(absl::string_view text, absl::string_view* suffix);

  // Forgets the text (next response), keeping the buffer unless it grew past 1 MiB.
  void Reset();

  absl::string_view text() const { return text_; }

 private:
  std::string text_;
};

}  // namespace llmload

#endif  // LLMLOAD_API_CUMULATIVE_TEXT_H_
