// A min-heap of deadlines for one event-loop thread: user spawns, think times and the stats
// tick. Entries carry a plain (target, tag) pair instead of a std::function so that arming a
// timer on the hot path never allocates once the heap has grown to its working size.
// Cancellation is lazy: the owner bumps its own generation and ignores stale entries.
#ifndef LLMLOAD_AGENT_TIMER_QUEUE_H_
#define LLMLOAD_AGENT_TIMER_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace llmload::agent {

class TimerQueue {
 public:
  struct Entry {
    int64_t deadline_ns;
    uint64_t order;   // ties break in insertion order
    uint32_t target;  // index of the owner (e.g. a user slot)
    uint32_t tag;     // what to do, in the owner's terms (often a generation)
  };

  void Reserve(size_t n) { heap_.reserve(n); }
  void Push(int64_t deadline_ns, uint32_t target, uint32_t tag);
  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }
  // Earliest deadline; only valid when !empty().
  int64_t next_deadline_ns() const { return heap_.front().deadline_ns; }
  // Removes and returns the earliest entry; only valid when !empty().
  Entry Pop();

 private:
  static bool Later(const Entry& a, const Entry& b) {
    return a.deadline_ns != b.deadline_ns ? a.deadline_ns > b.deadline_ns : a.order > b.order;
  }
  std::vector<Entry> heap_;
  uint64_t next_order_ = 0;
};

}  // namespace llmload::agent

#endif  // LLMLOAD_AGENT_TIMER_QUEUE_H_
