// Normalizer: the text changes a tokenizer.json's "normalizer" makes before the text is split
// (Llama 2's "prepend ▁, spaces become ▁", Qwen's NFC), as a list of steps applied in order.
// Supported: Sequence, NFC, NFD, NFKC, NFKD, Prepend, Replace (a string or a regex) and Strip;
// any other type is refused with its name.
#ifndef LLMLOAD_TOKENIZER_NORMALIZER_H_
#define LLMLOAD_TOKENIZER_NORMALIZER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "simdjson.h"
#include "tokenizer/split_pattern.h"

namespace llmload::tokenizer {

class Normalizer {
 public:
  // From the file's "normalizer" value (absent or null: no normalizer); `where` names it in errors.
  static absl::StatusOr<Normalizer> FromJson(std::optional<simdjson::dom::element> json,
                                             absl::string_view where);

  // True when it changes nothing (no steps).
  bool empty() const { return steps_.empty(); }

  // `text` (well-formed UTF-8) normalized.
  std::string Apply(absl::string_view text) const;
  // The same into *out, with *spare as the other buffer steps write into: their capacity is
  // reused from call to call (a warm encoder allocates nothing for ASCII text).
  void Apply(absl::string_view text, std::string* out, std::string* spare) const;

 private:
  struct Step {
    enum class Kind { kUnicodeForm, kPrepend, kReplace, kStrip };
    Kind kind;
    int utf8proc_options = 0;             // kUnicodeForm
    std::string text;                     // kPrepend: the prefix; kReplace: the replacement
    std::optional<SplitPattern> pattern;  // kReplace
    bool strip_left = false;              // kStrip
    bool strip_right = false;
  };
  static absl::Status AddSteps(simdjson::dom::element json, const std::string& where,
                               std::vector<Step>* steps);
  // Writes `text` with `step` applied into *out (cleared first).
  static void ApplyStep(const Step& step, absl::string_view text, std::string* out);

  std::vector<Step> steps_;
};

}  // namespace llmload::tokenizer

#endif  // LLMLOAD_TOKENIZER_NORMALIZER_H_
