// `--prompt-template TEXT`: wraps every dataset prompt in fixed text, as seed 001 does with
// `prompt.format(context=document)`. `{context}` stands for the prompt (it must appear at
// least once); `{{` and `}}` are literal braces, as in Python's format strings; any other
// `{...}` is an error naming it, so a typo is not sent to the model as text.
#ifndef LLMLOAD_DATASET_PROMPT_TEMPLATE_H_
#define LLMLOAD_DATASET_PROMPT_TEMPLATE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace llmload::dataset {

class PromptTemplate {
 public:
  static absl::StatusOr<PromptTemplate> Parse(absl::string_view text);

  // The template with every {context} replaced by `context`.
  std::string Apply(absl::string_view context) const;

 private:
  std::vector<std::string> pieces_;  // the literal text between the {context}s: one more
};

}  // namespace llmload::dataset

#endif  // LLMLOAD_DATASET_PROMPT_TEMPLATE_H_
