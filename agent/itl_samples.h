// ItlSamples: the inter-token gaps of the one request a virtual user has in flight, kept until
// the request ends, because they go into the run's ITL histogram only if it succeeds. Exact and
// bounded: the first kBufferedGaps gaps are kept as values (what a normal reply needs: as much
// memory as before this class), and beyond that they are folded into a histogram of their own,
// created when first needed, so an endless stream of tiny chunks cannot grow memory. Recording
// both into the run's histogram gives the same result as recording every gap there (histogram
// merges are exact). Nothing here allocates per gap: the buffer grows geometrically to its
// bound, the spill histogram is allocated once per request that needs it.
#ifndef LLMLOAD_AGENT_ITL_SAMPLES_H_
#define LLMLOAD_AGENT_ITL_SAMPLES_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "common/histogram.h"

namespace llmload::agent {

class ItlSamples {
 public:
  // 256 KiB of values, about what the spill histogram costs (264 KiB): the histogram only
  // takes over where it is the smaller of the two.
  static constexpr size_t kBufferedGaps = size_t{32} << 10;
  // After a request that grew the buffer past this, it is given back (thousands of users each
  // own one, and one long reply must not pin memory per user for the whole run).
  static constexpr size_t kKeepGaps = 4096;

  // Room made up front, at most: a --max-tokens of 32k must not cost 256 KiB per user.
  static constexpr size_t kReservedGaps = 1024;

  // `expected_gaps`: room made up front (capped at kReservedGaps); a longer reply grows it.
  explicit ItlSamples(size_t expected_gaps);

  void Add(int64_t gap_ns) {
    if (buffer_.size() == kBufferedGaps) Spill();
    buffer_.push_back(gap_ns);
  }
  // Records every gap added since Clear() into `into`.
  void RecordInto(LatencyHistogram* into) const;
  // Forgets the gaps for the next request.
  void Clear();

  size_t count() const;
  bool spilled() const { return spill_ != nullptr; }

 private:
  void Spill();

  std::vector<int64_t> buffer_;
  std::unique_ptr<LatencyHistogram> spill_;  // the gaps beyond the buffer, once it filled
};

}  // namespace llmload::agent

#endif  // LLMLOAD_AGENT_ITL_SAMPLES_H_
