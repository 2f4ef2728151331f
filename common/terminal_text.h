// Text from a server (a model id, an error message) made safe to print on a terminal: a hostile
// endpoint must not be able to move the cursor, clear the screen, rewrite earlier lines or set
// the window title through llmload's output. One function, used wherever such text is printed.
#ifndef LLMLOAD_COMMON_TERMINAL_TEXT_H_
#define LLMLOAD_COMMON_TERMINAL_TEXT_H_

#include <string>

#include "absl/strings/string_view.h"

namespace llmload {

// `text` without control characters: C0 (below 0x20: ESC, CR, LF, BEL, ...), DEL (0x7f) and
// the C1 controls U+0080..U+009F (CSI U+009B starts escape sequences on many terminals). Tab,
// CR and LF become a space so that words stay apart; the others are dropped. Valid UTF-8 is
// kept as it is; a byte that is not part of a valid UTF-8 sequence becomes U+FFFD.
std::string TerminalSafe(absl::string_view text);

}  // namespace llmload

#endif  // LLMLOAD_COMMON_TERMINAL_TEXT_H_
