// MockOptions::max_concurrency: its validation and its split over the event loops.
#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "mock/mock_server.h"

namespace llmload::mock {
namespace {

TEST(MockMaxConcurrencyTest, ZeroMeansNoLimitOnEveryLoop) {
  MockOptions o;
  o.threads = 4;
  for (int i = 0; i < 4; ++i) EXPECT_EQ(LoopMaxConcurrency(o, i), 0);
  EXPECT_TRUE(ValidateMockOptions(o).ok());
}

TEST(MockMaxConcurrencyTest, OneLoopGetsTheWholeLimit) {
  MockOptions o;
  o.max_concurrency = 7;
  EXPECT_EQ(LoopMaxConcurrency(o, 0), 7);
}

TEST(MockMaxConcurrencyTest, SplitsByLargestRemainderAndSumsToTheLimit) {
  MockOptions o;
  o.threads = 3;
  o.max_concurrency = 7;
  EXPECT_EQ(LoopMaxConcurrency(o, 0), 3);
  EXPECT_EQ(LoopMaxConcurrency(o, 1), 2);
  EXPECT_EQ(LoopMaxConcurrency(o, 2), 2);
  for (int threads = 1; threads <= 8; ++threads) {
    for (int n = threads; n <= 40; ++n) {
      o.threads = threads;
      o.max_concurrency = n;
      int sum = 0;
      for (int i = 0; i < threads; ++i) {
        const int share = LoopMaxConcurrency(o, i);
        EXPECT_GE(share, 1);  // every loop can admit something
        EXPECT_LE(share, n / threads + 1);
        EXPECT_GE(share, n / threads);
        sum += share;
      }
      EXPECT_EQ(sum, n) << n << " over " << threads;
    }
  }
}

TEST(MockMaxConcurrencyTest, ValidationNamesTheField) {
  MockOptions o;
  o.max_concurrency = -1;
  absl::Status s = ValidateMockOptions(o);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(s.message()).find("--max-concurrency"), std::string::npos) << s;

  o.max_concurrency = 2;
  o.threads = 3;  // a loop would get 0 slots and never admit anything
  s = ValidateMockOptions(o);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(s.message()).find("--max-concurrency"), std::string::npos) << s;
  EXPECT_NE(std::string(s.message()).find("--threads"), std::string::npos) << s;

  o.max_concurrency = 3;
  EXPECT_TRUE(ValidateMockOptions(o).ok());
}

}  // namespace
}  // namespace llmload::mock
