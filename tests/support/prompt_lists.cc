#include "support/prompt_lists.h"

namespace llmload::testing {

std::vector<std::string> TextsOf(const std::vector<Prompt>& prompts) {
  std::vector<std::string> texts;
  for (const Prompt& p : prompts) texts.push_back(p.text);
  return texts;
}

std::vector<std::string> IdsOf(const std::vector<Prompt>& prompts) {
  std::vector<std::string> ids;
  for (const Prompt& p : prompts) ids.push_back(p.id);
  return ids;
}

}  // namespace llmload::testing
