// TimerHeap: the event loop's deadlines, a binary min-heap of (deadline, connection slot,
// timer id). Cancelling is lazy: a connection forgets its timer id, and the stale entry is
// skipped when it reaches the top, so cancel is O(1) and each connection leaves at most one
// stale entry behind. The loop arms one timerfd for the earliest deadline.
#ifndef LLMLOAD_MOCK_TIMER_HEAP_H_
#define LLMLOAD_MOCK_TIMER_HEAP_H_

#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

namespace llmload::mock {

struct TimerEntry {
  int64_t deadline_ns;  // CLOCK_MONOTONIC
  uint32_t slot;
  uint64_t id;
  bool operator>(const TimerEntry& o) const { return deadline_ns > o.deadline_ns; }
};

class TimerHeap {
 public:
  void Push(TimerEntry e) {
    heap_.push_back(e);
    std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
  }
  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }
  const TimerEntry& top() const { return heap_.front(); }
  TimerEntry Pop() {
    std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
    TimerEntry e = heap_.back();
    heap_.pop_back();
    return e;
  }

 private:
  std::vector<TimerEntry> heap_;  // keeps its capacity: no allocation in steady state
};

}  // namespace llmload::mock

#endif  // LLMLOAD_MOCK_TIMER_HEAP_H_
