#include "agent/arrival_queue.h"

#include <algorithm>

namespace llmload::agent {

void ArrivalQueue::Push(QueuedArrival arrival) {
  if (size_ == ring_.size()) {
    // Unroll into a larger ring, oldest first.
    std::vector<QueuedArrival> grown(std::max<size_t>(16, ring_.size() * 2));
    for (size_t i = 0; i < size_; ++i) grown[i] = ring_[(head_ + i) % ring_.size()];
    ring_.swap(grown);
    head_ = 0;
  }
  ring_[(head_ + size_) % ring_.size()] = arrival;
  ++size_;
}

QueuedArrival ArrivalQueue::Pop() {
  const QueuedArrival oldest = ring_[head_];
  head_ = (head_ + 1) % ring_.size();
  --size_;
  return oldest;
}

size_t ArrivalQueue::TruncateTo(size_t n) {
  if (size_ <= n) return 0;
  const size_t removed = size_ - n;
  size_ = n;
  return removed;
}

}  // namespace llmload::agent
