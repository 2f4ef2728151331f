// SplitPattern: where a tokenizer.json `Split` pre-tokenizer (or a `Replace` normalizer) cuts
// text, found with RE2. The files' regexes are written for Oniguruma, which the Rust
// tokenizers library uses; they are translated into RE2's syntax with Oniguruma's meaning:
// `\s` is Unicode White_Space (RE2's is ASCII), `\d` is \p{Nd}, `(?i:...)` folds ASCII
// letters only (as the JavaScript reference does). RE2 has no look-around, so the one
// look-ahead these files use, the `\s+(?!\S)|\s+` that ends the GPT-2 family's patterns, is
// done by hand: a run of white space followed by a non-space gives back its last character.
// Any other construct RE2 cannot express is refused with a message naming it.
#ifndef LLMLOAD_TOKENIZER_SPLIT_PATTERN_H_
#define LLMLOAD_TOKENIZER_SPLIT_PATTERN_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "re2/re2.h"
#include "simdjson.h"

namespace llmload::tokenizer {

// A match: text.substr(begin, end - begin).
struct Span {
  size_t begin = 0;
  size_t end = 0;
};

// True for the code points of Unicode's White_Space property, Oniguruma's `\s`.
bool IsUnicodeWhiteSpace(uint32_t code_point);

class SplitPattern {
 public:
  // From a tokenizer.json pattern: {"Regex": "..."} (Oniguruma syntax) or {"String": "..."}
  // (matched literally).
  static absl::StatusOr<SplitPattern> FromRegex(absl::string_view oniguruma);
  static absl::StatusOr<SplitPattern> FromLiteral(absl::string_view literal);

  // Appends the non-empty matches in `text`, left to right, as the reference's global match
  // does (each search starts where the last match ended).
  void FindAll(absl::string_view text, std::vector<Span>* matches) const {
    ForEachMatch(text, [&](const Span& m) { matches->push_back(m); });
  }
  // Calls visit(span) for each of those matches.
  template <typename Visit>
  void ForEachMatch(absl::string_view text, Visit visit) const;

  // The RE2 pattern it runs, or "" for a literal (for tests).
  std::string re2_pattern() const { return regex_ != nullptr ? regex_->pattern() : ""; }

 private:
  SplitPattern(std::shared_ptr<const RE2> regex, std::shared_ptr<const RE2> before_space_run)
      : regex_(std::move(regex)), before_space_run_(std::move(before_space_run)) {}
  explicit SplitPattern(std::string literal) : literal_(std::move(literal)) {}

  // The match at or after `pos`, or false.
  bool NextMatch(absl::string_view text, size_t pos, Span* match) const;
  // The offset just past the code point at text[pos] (one byte when it is not well formed).
  static size_t AfterCodePoint(absl::string_view text, size_t pos);

  std::string literal_;  // a "String" pattern, found without a regex; else regex_
  std::shared_ptr<const RE2> regex_;
  // For a pattern that ended in `\s+(?!\S)|\s+`: the alternatives before it, to tell a white
  // space run they matched (kept whole) from one the `\s+` fallback matched (see above).
  std::shared_ptr<const RE2> before_space_run_;
};

template <typename Visit>
void SplitPattern::ForEachMatch(absl::string_view text, Visit visit) const {
  if (regex_ == nullptr) {
    for (size_t at = text.find(literal_); at != absl::string_view::npos;
         at = text.find(literal_, at + literal_.size())) {
      visit(Span{at, at + literal_.size()});
    }
    return;
  }
  size_t pos = 0;
  Span match;
  while (pos < text.size() && NextMatch(text, pos, &match)) {
    if (match.end > match.begin) {
      visit(match);
      pos = match.end;
    } else if (match.begin < text.size()) {
      pos = AfterCodePoint(text, match.begin);  // an empty match: move on by one character
    } else {
      break;  // an empty match at the very end (`$`): nothing is left to split
    }
  }
}

// A tokenizer.json "pattern" object: {"Regex": "..."} or {"String": "..."}.
absl::StatusOr<SplitPattern> PatternField(simdjson::dom::element pattern);

// The RE2 form of an Oniguruma pattern (see above), or InvalidArgument naming the construct
// that has no RE2 equivalent. Exposed for tests.
absl::StatusOr<std::string> OnigurumaToRe2(absl::string_view pattern);

}  // namespace llmload::tokenizer

#endif  // LLMLOAD_TOKENIZER_SPLIT_PATTERN_H_
