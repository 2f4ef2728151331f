#include "agent/timer_queue.h"

#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace llmload::agent {
namespace {

TEST(TimerQueueTest, PopsInDeadlineOrderAndTiesInInsertionOrder) {
  TimerQueue q;
  q.Push(30, 1, 0);
  q.Push(10, 2, 0);
  q.Push(20, 3, 0);
  q.Push(10, 4, 0);
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q.next_deadline_ns(), 10);
  std::vector<uint32_t> targets;
  while (!q.empty()) targets.push_back(q.Pop().target);
  EXPECT_EQ(targets, (std::vector<uint32_t>{2, 4, 3, 1}));
}

TEST(TimerQueueTest, RandomDeadlinesComeOutSorted) {
  TimerQueue q;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 5000; ++i) q.Push(static_cast<int64_t>(rng() % 100000), i, i);
  int64_t last = -1;
  while (!q.empty()) {
    const TimerQueue::Entry e = q.Pop();
    EXPECT_GE(e.deadline_ns, last);
    last = e.deadline_ns;
  }
}

}  // namespace
}  // namespace llmload::agent
