#include "agent/itl_samples.h"

#include <algorithm>

namespace llmload::agent {

ItlSamples::ItlSamples(size_t expected_gaps) {
  buffer_.reserve(std::min(expected_gaps, kReservedGaps));
}

void ItlSamples::Spill() {
  if (!spill_) spill_ = std::make_unique<LatencyHistogram>();
  for (int64_t gap : buffer_) spill_->Record(gap);
  buffer_.clear();
}

void ItlSamples::RecordInto(LatencyHistogram* into) const {
  for (int64_t gap : buffer_) into->Record(gap);
  if (spill_) into->Merge(*spill_);
}

void ItlSamples::Clear() {
  buffer_.clear();
  spill_.reset();
  if (buffer_.capacity() > kKeepGaps) {
    std::vector<int64_t>().swap(buffer_);
    buffer_.reserve(kReservedGaps);
  }
}

size_t ItlSamples::count() const {
  return buffer_.size() + (spill_ ? static_cast<size_t>(spill_->count()) : 0);
}

}  // namespace llmload::agent
