#include "dataset/prompt_template.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace llmload::dataset {

absl::StatusOr<PromptTemplate> PromptTemplate::Parse(absl::string_view text) {
  constexpr absl::string_view kPlaceholder = "{context}";
  PromptTemplate t;
  std::string piece;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') {
      piece.push_back('{');
      ++i;
    } else if (c == '}' && i + 1 < text.size() && text[i + 1] == '}') {
      piece.push_back('}');
      ++i;
    } else if (c == '{') {
      const size_t close = text.find('}', i);
      if (close == absl::string_view::npos) {
        return absl::InvalidArgumentError(absl::StrCat("--prompt-template: '{' at character ",
                                                       i + 1,
                                                       " is not closed (write {{ for a brace)"));
      }
      const absl::string_view name = text.substr(i, close - i + 1);
      if (name != kPlaceholder) {
        return absl::InvalidArgumentError(
            absl::StrCat("--prompt-template: unknown placeholder ", name,
                         " (the one placeholder is {context}, the dataset's prompt; write {{ "
                         "and }} for braces)"));
      }
      t.pieces_.push_back(std::move(piece));
      piece.clear();
      i = close;
    } else if (c == '}') {
      return absl::InvalidArgumentError(absl::StrCat("--prompt-template: '}' at character ", i + 1,
                                                     " closes nothing (write }} for a brace)"));
    } else {
      piece.push_back(c);
    }
  }
  if (t.pieces_.empty()) {
    return absl::InvalidArgumentError(
        "--prompt-template: the template has no {context}, so every prompt would be the same");
  }
  t.pieces_.push_back(std::move(piece));
  return t;
}

std::string PromptTemplate::Apply(absl::string_view context) const {
  std::string out = pieces_[0];
  for (size_t i = 1; i < pieces_.size(); ++i) absl::StrAppend(&out, context, pieces_[i]);
  return out;
}

}  // namespace llmload::dataset
