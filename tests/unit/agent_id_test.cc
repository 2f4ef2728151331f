#include <cstdint>
#include <string>

#include "agent/agent_client.h"
#include "gtest/gtest.h"

namespace llmload::agent {
namespace {

TEST(DefaultAgentIdTest, HostAndPidRepeatButTheIncarnationTellsAgentsApart) {
  // Two containers on one host network: same hostname, both pid 1.
  const std::string a = DefaultAgentId("vm-1", 1, 0x1234'5678'9abc'def0);
  const std::string b = DefaultAgentId("vm-1", 1, 0x1234'5678'9abc'def1);
  EXPECT_EQ(a, "vm-1-1-bcdef0");
  EXPECT_EQ(b, "vm-1-1-bcdef1");
  EXPECT_NE(a, b);
  // Always six hex digits, so ids sort and align.
  EXPECT_EQ(DefaultAgentId("h", 42, 0x5), "h-42-000005");
}

}  // namespace
}  // namespace llmload::agent
