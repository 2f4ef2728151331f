#include "agent/arrival_queue.h"

#include "gtest/gtest.h"

namespace llmload::agent {
namespace {

// The prompt travels with its arrival: a trace line's prompt must not be swapped with another's.
QueuedArrival Arrival(int64_t i) { return {.scheduled_ns = i * 1000, .prompt = i % 3 - 1}; }

TEST(ArrivalQueueTest, PopsInArrivalOrderAcrossGrowthAndWrapAround) {
  ArrivalQueue q;
  int64_t next_in = 0, next_out = 0;
  // Interleave pushes and pops so the ring wraps, then grow it while wrapped.
  for (int round = 0; round < 50; ++round) {
    for (int i = 0; i < 7; ++i) q.Push(Arrival(next_in++));
    for (int i = 0; i < 5; ++i) ASSERT_EQ(q.Pop(), Arrival(next_out++));
  }
  EXPECT_EQ(q.size(), static_cast<size_t>(next_in - next_out));
  while (!q.empty()) ASSERT_EQ(q.Pop(), Arrival(next_out++));
  EXPECT_EQ(next_out, next_in);
}

TEST(ArrivalQueueTest, TruncateKeepsTheOldest) {
  ArrivalQueue q;
  for (int64_t i = 0; i < 10; ++i) q.Push(Arrival(i));
  EXPECT_EQ(q.TruncateTo(4), 6u);
  EXPECT_EQ(q.TruncateTo(8), 0u);
  ASSERT_EQ(q.size(), 4u);
  for (int64_t i = 0; i < 4; ++i) EXPECT_EQ(q.Pop(), Arrival(i));
  q.Push(Arrival(42));
  q.Clear();
  EXPECT_TRUE(q.empty());
}

}  // namespace
}  // namespace llmload::agent
