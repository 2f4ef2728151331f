#include "api/cumulative_text.h"

#include "absl/strings/match.h"

namespace llmload {
namespace {

// A buffer grown past this by one long response is given back before the next one: every
// virtual user owns a decoder.
constexpr size_t kKeepBytes = 1 << 20;

}  // namespace

bool CumulativeText::NewSuffix(absl::string_view text, absl::string_view* suffix) {
  if (!absl::StartsWith(text, text_)) {
    text_.assign(text.data(), text.size());
    *suffix = absl::string_view();
    return false;
  }
  const size_t old_size = text_.size();
  text_.append(text.data() + old_size, text.size() - old_size);
  *suffix = absl::string_view(text_).substr(old_size);
  return true;
}

void CumulativeText::Reset() {
  text_.clear();
  if (text_.capacity() > kKeepBytes) text_.shrink_to_fit();
}

}  // namespace llmload
