#include "common/byte_size.h"

#include <array>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace llmload {

absl::StatusOr<int64_t> ParseByteSize(absl::string_view text, absl::string_view what) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": '", text, "' ", why));
  };
  absl::string_view s = absl::StripAsciiWhitespace(text);
  size_t digits = 0;
  while (digits < s.size() && absl::ascii_isdigit(static_cast<unsigned char>(s[digits]))) {
    ++digits;
  }
  if (absl::StartsWith(s, "-")) return bad("must be above 0");
  if (digits == 0) return bad("is not a size: use bytes, or a number with KiB, MiB or GiB");
  const absl::string_view suffix = absl::StripLeadingAsciiWhitespace(s.substr(digits));
  if (absl::StartsWith(suffix, ".")) return bad("must be a whole number of bytes or KiB/MiB/GiB");
  static constexpr std::array<std::pair<absl::string_view, int>, 5> kSuffixes = {
      {{"", 0}, {"b", 0}, {"kib", 10}, {"mib", 20}, {"gib", 30}}};
  int shift = -1;
  for (const auto& [name, bits] : kSuffixes) {
    if (absl::EqualsIgnoreCase(suffix, name)) shift = bits;
  }
  if (shift < 0) return bad("has an unknown unit: use B, KiB, MiB or GiB");
  uint64_t n = 0;
  constexpr uint64_t kMax = uint64_t{1} << 62;
  if (!absl::SimpleAtoi(s.substr(0, digits), &n) || n > (kMax >> shift)) {
    return bad("is too large");
  }
  if (n == 0) return bad("must be above 0");
  return static_cast<int64_t>(n << shift);
}

}  // namespace llmload
