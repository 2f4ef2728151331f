// ArrivalQueue: an open loop's FIFO of arrivals waiting for a free slot, as their scheduled
// send times and the prompts they carry (a trace's line; -1: the engine picks). A ring over one
// vector that only grows (to the thread's --max-queue share at most), so that queueing and starting
// arrivals allocates nothing once it has reached its working size, unlike std::deque, which
// allocates and frees a block every few entries.
#ifndef LLMLOAD_AGENT_ARRIVAL_QUEUE_H_
#define LLMLOAD_AGENT_ARRIVAL_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace llmload::agent {

struct QueuedArrival {
  int64_t scheduled_ns = 0;
  int64_t prompt = -1;  // the prompt index the arrival carries; -1: the engine's order picks
  friend bool operator==(const QueuedArrival&, const QueuedArrival&) = default;
};

class ArrivalQueue {
 public:
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  void Push(QueuedArrival arrival);
  // The oldest arrival; only valid when !empty().
  QueuedArrival Pop();
  // Keeps the oldest `n` arrivals and returns how many were removed.
  size_t TruncateTo(size_t n);
  void Clear() { head_ = size_ = 0; }

 private:
  std::vector<QueuedArrival> ring_;
  size_t head_ = 0;
  size_t size_ = 0;
};

}  // namespace llmload::agent

#endif  // LLMLOAD_AGENT_ARRIVAL_QUEUE_H_
