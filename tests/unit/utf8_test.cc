#include "common/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace llmload {
namespace {

constexpr char kR[] = "\xEF\xBF\xBD";  // U+FFFD

TEST(Utf8SequenceAtTest, DecodesEachLengthAndRefusesIllFormedSequences) {
  uint32_t cp = 0;
  EXPECT_EQ(Utf8SequenceAt("A", 0, &cp), 1u);
  EXPECT_EQ(cp, 0x41u);
  EXPECT_EQ(Utf8SequenceAt("\xC3\xA1", 0, &cp), 2u);  // á
  EXPECT_EQ(cp, 0xE1u);
  EXPECT_EQ(Utf8SequenceAt("\xE4\xBD\xA0", 0, &cp), 3u);  // 你
  EXPECT_EQ(cp, 0x4F60u);
  EXPECT_EQ(Utf8SequenceAt("\xF0\x9F\x8E\x89", 0, &cp), 4u);  // 🎉
  EXPECT_EQ(cp, 0x1F389u);
  EXPECT_EQ(Utf8SequenceAt("\xC0\xAF", 0, &cp), 0u);          // overlong '/'
  EXPECT_EQ(Utf8SequenceAt("\xE0\x80\xAF", 0, &cp), 0u);      // overlong, 3 bytes
  EXPECT_EQ(Utf8SequenceAt("\xED\xA0\x80", 0, &cp), 0u);      // surrogate U+D800
  EXPECT_EQ(Utf8SequenceAt("\xF4\x90\x80\x80", 0, &cp), 0u);  // above U+10FFFF
  EXPECT_EQ(Utf8SequenceAt("\xE4\xBD", 0, &cp), 0u);          // cut short
  EXPECT_EQ(Utf8SequenceAt("\x80", 0, &cp), 0u);              // lone continuation
  EXPECT_EQ(Utf8SequenceAt("a\xC3\xA1", 1, &cp), 2u);
}

TEST(ToWellFormedUtf8Test, KeepsWellFormedTextAsItIs) {
  const std::string text = "Olá, 你好世界 🎉\n\t x";
  EXPECT_EQ(ToWellFormedUtf8(text), text);
  EXPECT_EQ(ToWellFormedUtf8(""), "");
}

TEST(ToWellFormedUtf8Test, ReplacesEachMaximalSubpartOnceAsTheWhatwgDecoderDoes) {
  // A truncated sequence is one maximal subpart: one U+FFFD, and the next byte is read anew.
  EXPECT_EQ(ToWellFormedUtf8("\xE2\x82"
                             "A"),
            std::string(kR) + "A");
  EXPECT_EQ(ToWellFormedUtf8("x\xE2\x82"), std::string("x") + kR);
  EXPECT_EQ(ToWellFormedUtf8("\xF0\x9F\x8E"), kR);
  // A byte that cannot start a sequence, or a second byte out of its lead's range, ends the
  // subpart at the lead: each byte gets its own U+FFFD.
  EXPECT_EQ(ToWellFormedUtf8("\xC0\xAF"), std::string(kR) + kR);
  EXPECT_EQ(ToWellFormedUtf8("\xED\xA0\x80"), std::string(kR) + kR + kR);
  EXPECT_EQ(ToWellFormedUtf8("\xF4\x90\x80\x80"), std::string(kR) + kR + kR + kR);
  EXPECT_EQ(ToWellFormedUtf8("\xF0\x80\x80"), std::string(kR) + kR + kR);
  EXPECT_EQ(ToWellFormedUtf8("\xFF"
                             "b"),
            std::string(kR) + "b");
  // Well-formed text around the damage is kept.
  EXPECT_EQ(ToWellFormedUtf8("\xC3\xA1\xE4\xBD\xC3\xA1"),
            std::string("\xC3\xA1") + kR + "\xC3\xA1");
}

bool IsSpaceOrIdeographicSpace(uint32_t cp) { return cp == ' ' || cp == 0x3000; }

TEST(Utf8PrefixSuffixLengthTest, MeasureTheRunsOfKeptCodePointsAtEachEnd) {
  const std::string text = "  \xE3\x80\x80x y\xE3\x80\x80 ";
  EXPECT_EQ(Utf8PrefixLength(text, IsSpaceOrIdeographicSpace), 5u);  // 2 spaces + U+3000
  EXPECT_EQ(Utf8SuffixLength(text, IsSpaceOrIdeographicSpace), 4u);  // U+3000 + a space
  EXPECT_EQ(Utf8PrefixLength("   ", IsSpaceOrIdeographicSpace), 3u);
  EXPECT_EQ(Utf8SuffixLength("   ", IsSpaceOrIdeographicSpace), 3u);
  EXPECT_EQ(Utf8PrefixLength("", IsSpaceOrIdeographicSpace), 0u);
  // An ill-formed sequence ends the run from either side.
  EXPECT_EQ(Utf8SuffixLength("x\x80 ", IsSpaceOrIdeographicSpace), 1u);
  EXPECT_EQ(Utf8PrefixLength(" \xE3\x80 ", IsSpaceOrIdeographicSpace), 1u);
}

}  // namespace
}  // namespace llmload
