#include "tokenizer/byte_level_alphabet.h"

#include <array>
#include <cstdint>

#include "common/utf8.h"

namespace llmload::tokenizer {
namespace {

// Bytes that stand for themselves: '!'..'~', U+00A1..U+00AC and U+00AE..U+00FF. The other 68
// (controls, space, DEL, U+0080..U+00A0, the soft hyphen) are written as U+0100 onwards, in
// byte order.
bool StandsForItself(int b) {
  return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
}

constexpr int kAlphabetEnd = 256 + 68;

// Code point in the alphabet -> byte, or -1.
std::array<int16_t, kAlphabetEnd> MakeInverse() {
  std::array<int16_t, kAlphabetEnd> inverse;
  inverse.fill(-1);
  int next = 256;
  for (int b = 0; b < 256; ++b) inverse[StandsForItself(b) ? b : next++] = static_cast<int16_t>(b);
  return inverse;
}

}  // namespace

std::optional<std::string> ByteLevelToBytes(absl::string_view mapped) {
  static const std::array<int16_t, kAlphabetEnd> kInverse = MakeInverse();
  std::string bytes;
  bytes.reserve(mapped.size());
  for (size_t i = 0; i < mapped.size();) {
    uint32_t cp;
    const size_t n = Utf8SequenceAt(mapped, i, &cp);
    if (n == 0 || cp >= kAlphabetEnd || kInverse[cp] < 0) return std::nullopt;
    bytes.push_back(static_cast<char>(kInverse[cp]));
    i += n;
  }
  return bytes;
}

}  // namespace llmload::tokenizer
