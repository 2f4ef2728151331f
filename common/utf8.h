// Reading UTF-8 one code point at a time, strictly (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF). One decoder for everything that checks, escapes or
// repairs text: input files, JSON the mock writes, text printed on a terminal, and what the
// tokenizer is given.
#ifndef LLMLOAD_COMMON_UTF8_H_
#define LLMLOAD_COMMON_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace llmload {

// U+FFFD REPLACEMENT CHARACTER in UTF-8.
inline constexpr absl::string_view kUtf8Replacement = "\xEF\xBF\xBD";

// Length (1 to 4) of the well-formed UTF-8 sequence that starts at s[i], or 0 when none does;
// *code_point gets its code point. i must be below s.size().
size_t Utf8SequenceAt(absl::string_view s, size_t i, uint32_t* code_point);

// How many bytes at the start (Utf8PrefixLength) or the end (Utf8SuffixLength) of `s` are
// code points for which `keep` is true: the extent of the white space to strip, for example.
// An ill-formed sequence ends the run.
size_t Utf8PrefixLength(absl::string_view s, bool (*keep)(uint32_t code_point));
size_t Utf8SuffixLength(absl::string_view s, bool (*keep)(uint32_t code_point));

// `s` with every ill-formed part replaced by U+FFFD the way the WHATWG Encoding Standard's
// decoder does it (one U+FFFD per maximal subpart of an ill-formed sequence), which is what
// JavaScript's TextDecoder and Python's bytes.decode(errors="replace") produce. Well-formed
// text comes back unchanged.
std::string ToWellFormedUtf8(absl::string_view s);

}  // namespace llmload

#endif  // LLMLOAD_COMMON_UTF8_H_
