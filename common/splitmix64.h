// SplitMix64 (Steele, Lea and Flood, 2014): the 64-bit mixer and the small seedable generator
// behind llmload's own deterministic draws (seed derivation, synthetic prompts). Our own code
// rather than std:: engines and distributions, so that a seed gives the same numbers with every
// standard library, and a replayed run sends the same text.
#ifndef LLMLOAD_COMMON_SPLITMIX64_H_
#define LLMLOAD_COMMON_SPLITMIX64_H_

#include <cstdint>

namespace llmload {

// SplitMix64's output for state `x`: spreads nearby inputs (0, 1, 2...) over all 64 bits, so
// that seeds 1 and 2 do not start generators from neighbouring states.
constexpr uint64_t SplitMix64(uint64_t x) {
  uint64_t z = x + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// The SplitMix64 sequence from `seed`: SplitMix64(seed), SplitMix64(seed + golden), ...
class SplitMix64Generator {
 public:
  explicit constexpr SplitMix64Generator(uint64_t seed) : state_(seed) {}

  constexpr uint64_t Next() {
    const uint64_t out = SplitMix64(state_);
    state_ += 0x9e3779b97f4a7c15ULL;
    return out;
  }

  // A draw in [0, n) for n >= 1, by multiply-shift of the high 32 bits (bias below n / 2^32).
  constexpr uint32_t Below(uint32_t n) { return static_cast<uint32_t>(((Next() >> 32) * n) >> 32); }

 private:
  uint64_t state_;
};

}  // namespace llmload

#endif  // LLMLOAD_COMMON_SPLITMIX64_H_
