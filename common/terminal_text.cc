#include "common/terminal_text.h"

#include <cstdint>

#include "common/utf8.h"

namespace llmload {

std::string TerminalSafe(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<uint8_t>(text[i]);
    if (c < 0x80) {
      if (c == '\t' || c == '\n' || c == '\r') {
        out.push_back(' ');
      } else if (c >= 0x20 && c != 0x7F) {
        out.push_back(static_cast<char>(c));
      }
      ++i;
      continue;
    }
    uint32_t cp = 0;
    const size_t n = Utf8SequenceAt(text, i, &cp);
    if (n == 0) {
      out.append(kUtf8Replacement.data(), kUtf8Replacement.size());
      ++i;
    } else {
      if (cp > 0x9F) out.append(text.data() + i, n);  // U+0080..U+009F: C1 controls
      i += n;
    }
  }
  return out;
}

}  // namespace llmload
