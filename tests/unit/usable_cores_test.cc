#include "common/usable_cores.h"

#include <thread>

#include "gtest/gtest.h"

namespace llmload {
namespace {

TEST(UsableCoresTest, CpuMaxQuotaRoundsUp) {
  EXPECT_EQ(CoresFromCpuMax("200000 100000"), 2);
  EXPECT_EQ(CoresFromCpuMax("150000 100000\n"), 2);
  EXPECT_EQ(CoresFromCpuMax("50000 100000"), 1);
  EXPECT_EQ(CoresFromCpuMax("max 100000"), std::nullopt);
  EXPECT_EQ(CoresFromCpuMax(""), std::nullopt);
  EXPECT_EQ(CoresFromCpuMax("abc 100000"), std::nullopt);
  EXPECT_EQ(CoresFromCpuMax("100000 0"), std::nullopt);
}

TEST(UsableCoresTest, NeverMoreThanTheMachineNorLessThanOne) {
  const int n = UsableCores();
  EXPECT_GE(n, 1);
  EXPECT_LE(n, static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
}

}  // namespace
}  // namespace llmload
