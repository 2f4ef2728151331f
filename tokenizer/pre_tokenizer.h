// PreTokenizer: how a tokenizer.json's "pre_tokenizer" cuts normalized text into the pieces
// BPE runs on separately (Llama 3 splits "Hello world!" into "Hello", " world", "!"). A list
// of steps, each applied to every piece the one before made. Supported: Sequence, Split (a
// regex or a string; Isolated, Removed, MergedWithPrevious, MergedWithNext and Contiguous, as
// the Rust library defines them) and ByteLevel; any other type is refused with its name.
#ifndef LLMLOAD_TOKENIZER_PRE_TOKENIZER_H_
#define LLMLOAD_TOKENIZER_PRE_TOKENIZER_H_

#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "simdjson.h"
#include "tokenizer/split_pattern.h"

namespace llmload::tokenizer {

class PreTokenizer {
 public:
  // From the file's "pre_tokenizer" value (absent or null: the whole text is one piece).
  static absl::StatusOr<PreTokenizer> FromJson(std::optional<simdjson::dom::element> json,
                                               absl::string_view where);

  // True when a ByteLevel step is there: BPE then runs on bytes, and the vocabulary is
  // written in the byte-level alphabet (tokenizer/byte_level_alphabet.h).
  bool byte_level() const { return byte_level_; }

  // What splitting reuses from text to text (one per thread), so that a warm encoder
  // allocates nothing: the pieces themselves, the strings a ByteLevel prefix space makes,
  // and the steps' working lists.
  struct Scratch {
    std::vector<absl::string_view> pieces;
    std::deque<std::string> storage;
    std::vector<absl::string_view> next;
    std::vector<Span> matches;
    std::vector<std::pair<Span, bool>> parts;  // a run of the piece, and whether it matched
    std::vector<Span> kept;
  };

  // Fills scratch->pieces with the pieces of `text`, in order. They point into `text`, or
  // into scratch->storage; both must outlive them.
  void Split(absl::string_view text, Scratch* scratch) const;

 private:
  enum class Behavior { kIsolated, kRemoved, kMergedWithPrevious, kMergedWithNext, kContiguous };
  struct Step {
    std::optional<SplitPattern> pattern;  // a Split step, or ByteLevel's use_regex
    Behavior behavior = Behavior::kIsolated;
    bool add_prefix_space = false;  // ByteLevel
  };
  static absl::Status AddSteps(simdjson::dom::element json, const std::string& where,
                               PreTokenizer* pre_tokenizer);
  // Appends the pieces `step` cuts `piece` into to scratch->next.
  void ApplyStep(const Step& step, absl::string_view piece, Scratch* scratch) const;

  std::vector<Step> steps_;
  bool byte_level_ = false;
};

}  // namespace llmload::tokenizer

#endif  // LLMLOAD_TOKENIZER_PRE_TOKENIZER_H_
