// Rng: the small, fast, seedable PRNG (SplitMix64) behind everything random in the mock:
// token words, latency jitter, error and truncation draws. One Rng per response, seeded from
// --seed and the request number, so a run is reproducible and a response costs no locking.
#ifndef LLMLOAD_MOCK_RANDOM_H_
#define LLMLOAD_MOCK_RANDOM_H_

#include <cstdint>
#include <limits>

namespace llmload::mock {

class Rng {
 public:
  using result_type = uint64_t;
  explicit Rng(uint64_t seed = 0) : state_(seed) {}
  // Seeds from several values (e.g. --seed, request number, purpose) without correlations.
  Rng(uint64_t seed, uint64_t stream) : state_(Mix(seed ^ Mix(stream + 0x9e3779b97f4a7c15ULL))) {}

  static constexpr uint64_t min() { return 0; }
  static constexpr uint64_t max() { return std::numeric_limits<uint64_t>::max(); }
  uint64_t operator()() { return Mix(state_ += 0x9e3779b97f4a7c15ULL); }
  // Uniform double in [0, 1).
  double Uniform() { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }

  static uint64_t Mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

}  // namespace llmload::mock

#endif  // LLMLOAD_MOCK_RANDOM_H_
