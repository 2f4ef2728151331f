#include "agent/timer_queue.h"

#include <algorithm>

namespace llmload::agent {

void TimerQueue::Push(int64_t deadline_ns, uint32_t target, uint32_t tag) {
  heap_.push_back(Entry{deadline_ns, next_order_++, target, tag});
  std::push_heap(heap_.begin(), heap_.end(), Later);
}

TimerQueue::Entry TimerQueue::Pop() {
  std::pop_heap(heap_.begin(), heap_.end(), Later);
  Entry e = heap_.back();
  heap_.pop_back();
  return e;
}

}  // namespace llmload::agent
