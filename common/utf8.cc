#include "common/utf8.h"

namespace llmload {
namespace {

// The range the second byte of a sequence led by `lead` must fall in (the first byte of an
// overlong form, a surrogate or a code point above U+10FFFF is caught there), and how many
// continuation bytes follow the lead; 0 continuation bytes for a byte that cannot lead.
struct LeadByte {
  int continuation_bytes = 0;
  uint8_t second_low = 0x80;
  uint8_t second_high = 0xBF;
};

LeadByte ClassifyLead(uint8_t c) {
  if (c >= 0xC2 && c <= 0xDF) return {1};
  if (c == 0xE0) return {2, 0xA0, 0xBF};
  if (c == 0xED) return {2, 0x80, 0x9F};
  if (c >= 0xE1 && c <= 0xEF) return {2};
  if (c == 0xF0) return {3, 0x90, 0xBF};
  if (c == 0xF4) return {3, 0x80, 0x8F};
  if (c >= 0xF1 && c <= 0xF3) return {3};
  return {0};
}

// How many bytes from s[i] on belong to the (possibly ill-formed) sequence there: the whole
// sequence when it is well formed, else its maximal subpart (at least 1), the unit the WHATWG
// decoder replaces by one U+FFFD. *complete says which.
size_t SequenceExtent(absl::string_view s, size_t i, bool* complete) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const LeadByte lead = ClassifyLead(byte(i));
  *complete = false;
  if (lead.continuation_bytes == 0) return 1;
  size_t n = 1;
  for (int k = 0; k < lead.continuation_bytes; ++k) {
    if (i + n >= s.size()) return n;
    const uint8_t low = k == 0 ? lead.second_low : 0x80;
    const uint8_t high = k == 0 ? lead.second_high : 0xBF;
    if (byte(i + n) < low || byte(i + n) > high) return n;
    ++n;
  }
  *complete = true;
  return n;
}

}  // namespace

size_t Utf8SequenceAt(absl::string_view s, size_t i, uint32_t* code_point) {
  const auto c = static_cast<uint8_t>(s[i]);
  if (c < 0x80) {
    *code_point = c;
    return 1;
  }
  bool complete;
  const size_t n = SequenceExtent(s, i, &complete);
  if (!complete) return 0;
  static constexpr uint8_t kLeadMask[] = {0, 0, 0x1F, 0x0F, 0x07};
  uint32_t cp = c & kLeadMask[n];
  for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<uint8_t>(s[i + k]) & 0x3F);
  *code_point = cp;
  return n;
}

size_t Utf8PrefixLength(absl::string_view s, bool (*keep)(uint32_t code_point)) {
  size_t i = 0;
  while (i < s.size()) {
    uint32_t cp;
    const size_t n = Utf8SequenceAt(s, i, &cp);
    if (n == 0 || !keep(cp)) break;
    i += n;
  }
  return i;
}

size_t Utf8SuffixLength(absl::string_view s, bool (*keep)(uint32_t code_point)) {
  size_t end = s.size();
  while (end > 0) {
    size_t start = end - 1;
    while (start > 0 && end - start < 4 && (static_cast<uint8_t>(s[start]) & 0xC0) == 0x80) {
      --start;
    }
    uint32_t cp;
    if (Utf8SequenceAt(s, start, &cp) != end - start || !keep(cp)) break;
    end = start;
  }
  return s.size() - end;
}

std::string ToWellFormedUtf8(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    // Copy the longest ASCII run in one append.
    size_t run = i;
    while (run < s.size() && static_cast<uint8_t>(s[run]) < 0x80) ++run;
    out.append(s.data() + i, run - i);
    i = run;
    if (i == s.size()) break;
    bool complete;
    const size_t n = SequenceExtent(s, i, &complete);
    if (complete) {
      out.append(s.data() + i, n);
    } else {
      out.append(kUtf8Replacement.data(), kUtf8Replacement.size());
    }
    i += n;
  }
  return out;
}

}  // namespace llmload
