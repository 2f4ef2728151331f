#include "common/prompt.h"

#include <cstdio>
#include <cstdlib>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/splitmix64.h"

namespace llmload {

absl::StatusOr<PromptOrder> ParsePromptOrder(absl::string_view text) {
  std::string value = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  if (value == "round-robin") return PromptOrder::kRoundRobin;
  if (value == "random") return PromptOrder::kRandom;
  return absl::InvalidArgumentError(absl::StrCat(
      "--prompt-order: '", text, "' is not a prompt order (use round-robin or random)"));
}

absl::string_view PromptOrderName(PromptOrder order) {
  switch (order) {
    case PromptOrder::kRoundRobin:
      return "round-robin";
    case PromptOrder::kRandom:
      return "random";
  }
  return "unknown";
}

PromptPicker::PromptPicker(size_t count, PromptOrder order, uint64_t seed, uint64_t stream)
    : count_(count), order_(order) {
  if (count == 0) {
    // Loaders never return an empty set, so reaching this is a bug in the caller; a modulo by
    // zero later would be a far less readable crash.
    std::fprintf(stderr, "PromptPicker: constructed with zero prompts\n");
    std::abort();
  }
  next_ = static_cast<size_t>(stream % count);
  // Seeding as in the PCG reference (pcg32_srandom_r), with the initial state mixed from both
  // seed and stream so that streams differ in state as well as in increment.
  inc_ = (stream << 1u) | 1u;
  state_ = 0;
  NextRandom32();
  state_ += SplitMix64(seed ^ SplitMix64(stream));
  NextRandom32();
}

uint32_t PromptPicker::NextRandom32() {
  uint64_t old = state_;
  state_ = old * 6364136223846793005ULL + inc_;
  auto xorshifted = static_cast<uint32_t>(((old >> 18u) ^ old) >> 27u);
  auto rot = static_cast<uint32_t>(old >> 59u);
  return (xorshifted >> rot) | (xorshifted << ((-rot) & 31u));
}

size_t PromptPicker::Next() {
  if (order_ == PromptOrder::kRoundRobin) {
    size_t index = next_;
    next_ = (next_ + 1 == count_) ? 0 : next_ + 1;
    return index;
  }
  if (count_ <= std::numeric_limits<uint32_t>::max()) {
    // Lemire's multiply-shift with rejection: unbiased, and the division only runs in the rare
    // case the low word falls below the threshold.
    const auto range = static_cast<uint32_t>(count_);
    uint64_t m = static_cast<uint64_t>(NextRandom32()) * range;
    auto low = static_cast<uint32_t>(m);
    if (low < range) {
      const uint32_t threshold = static_cast<uint32_t>(-range) % range;
      while (low < threshold) {
        m = static_cast<uint64_t>(NextRandom32()) * range;
        low = static_cast<uint32_t>(m);
      }
    }
    return static_cast<size_t>(m >> 32);
  }
  // More than 2^32 prompts cannot fit in memory today; keep the path correct (if slightly
  // biased) rather than pretend the case cannot happen.
  uint64_t x = (static_cast<uint64_t>(NextRandom32()) << 32) | NextRandom32();
  return static_cast<size_t>(x % count_);
}

}  // namespace llmload
