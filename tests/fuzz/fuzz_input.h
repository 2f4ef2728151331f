// What the fuzz targets share: a check that aborts (so libFuzzer saves the input) with the
// condition that failed, a way to take control bytes off the front of an input, and how an
// input chooses the points where it is cut into reads. Splits come from a seeded generator,
// so a target runs the same input the same way every time (libFuzzer needs determinism).
#ifndef LLMLOAD_TESTS_FUZZ_FUZZ_INPUT_H_
#define LLMLOAD_TESTS_FUZZ_FUZZ_INPUT_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "absl/strings/string_view.h"

// Aborts with the failed condition: an invariant of the code under test does not hold.
#define FUZZ_CHECK(cond)                                                                 \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (0)

namespace llmload::fuzz {

// Removes up to `n` (<= 8) bytes from the front of `*input` and returns them as a
// little-endian integer (missing bytes are 0).
inline uint64_t TakeFront(absl::string_view* input, size_t n) {
  uint64_t value = 0;
  for (size_t i = 0; i < n && !input->empty(); ++i) {
    value |= uint64_t{static_cast<unsigned char>(input->front())} << (8 * i);
    input->remove_prefix(1);
  }
  return value;
}

// Cuts `bytes` into consecutive pieces of 0 to `max_piece` bytes (0: a read of nothing; a
// `max_piece` of 0 counts as 1), their sizes drawn from a xorshift generator seeded with `seed`.
// Concatenated, they are `bytes`.
inline std::vector<absl::string_view> SplitBytes(absl::string_view bytes, uint64_t seed,
                                                 size_t max_piece) {
  max_piece = std::max<size_t>(max_piece, 1);
  std::vector<absl::string_view> pieces;
  uint64_t state = seed * 0x9E3779B97F4A7C15ull + 1;  // never 0, which xorshift cannot leave
  while (!bytes.empty()) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    const size_t n = static_cast<size_t>(state % (max_piece + 1));
    pieces.push_back(bytes.substr(0, n));
    bytes.remove_prefix(std::min(n, bytes.size()));
  }
  return pieces;
}

}  // namespace llmload::fuzz

#endif  // LLMLOAD_TESTS_FUZZ_FUZZ_INPUT_H_
