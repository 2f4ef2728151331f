#include "common/terminal_text.h"

#include "gtest/gtest.h"

namespace llmload {
namespace {

TEST(TerminalSafeTest, PlainTextAndValidUtf8AreKept) {
  EXPECT_EQ(TerminalSafe("meta-llama/Llama-3.1-8B-Instruct"), "meta-llama/Llama-3.1-8B-Instruct");
  EXPECT_EQ(TerminalSafe("caf\xC3\xA9 \xE6\xBC\xA2 \xF0\x9F\x98\x80"),
            "caf\xC3\xA9 \xE6\xBC\xA2 \xF0\x9F\x98\x80");
  EXPECT_EQ(TerminalSafe(""), "");
}

TEST(TerminalSafeTest, ControlCharactersAreStripped) {
  // Clear screen, set the window title, ring the bell, overwrite the line.
  EXPECT_EQ(TerminalSafe("evil\x1b[2J\x1b]0;pwned\x07!"), "evil[2J]0;pwned!");
  EXPECT_EQ(TerminalSafe("a\r\nb\tc"), "a  b c");
  EXPECT_EQ(TerminalSafe(std::string("x\0y\x7fz\x01", 6)), "xyz");
  // C1 controls, in their UTF-8 form: CSI (U+009B) and NEL (U+0085).
  EXPECT_EQ(TerminalSafe("a\xC2\x9B"
                         "31mb\xC2\x85"),
            "a31mb");
  // U+00A0 (no-break space) is the first character after the C1 block: kept.
  EXPECT_EQ(TerminalSafe("a\xC2\xA0"
                         "b"),
            "a\xC2\xA0"
            "b");
}

TEST(TerminalSafeTest, InvalidUtf8BecomesReplacementCharacters) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(TerminalSafe("a\x9B"
                         "b"),
            "a" + fffd + "b");                                             // a bare C1 byte
  EXPECT_EQ(TerminalSafe("\xC0\xAF"), fffd + fffd);                        // overlong '/'
  EXPECT_EQ(TerminalSafe("\xED\xA0\x80"), fffd + fffd + fffd);             // a surrogate
  EXPECT_EQ(TerminalSafe("\xE6\xBC"), fffd + fffd);                        // cut short
  EXPECT_EQ(TerminalSafe("\xF4\x90\x80\x80"), fffd + fffd + fffd + fffd);  // above U+10FFFF
}

}  // namespace
}  // namespace llmload
