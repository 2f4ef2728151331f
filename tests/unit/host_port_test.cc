#include "common/host_port.h"

#include "gtest/gtest.h"

namespace llmload {
namespace {

TEST(HostPortTest, ParsesHostAndPort) {
  auto a = ParseHostPort("127.0.0.1:5557", "--bind", true);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 5557);
  auto b = ParseHostPort("[::1]:0", "--bind", true);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->host, "[::1]");
  EXPECT_EQ(b->port, 0);
  auto c = ParseHostPort("localhost:65535", "--master", false);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->port, 65535);
  auto target = ParseHostPort("dns:///llmload-master:5557", "--master", false);
  ASSERT_TRUE(target.ok()) << target.status();
  EXPECT_EQ(target->port, 5557);
}

// gRPC read "127.0.0.1:99999" as port 34463; nothing may wrap a port.
TEST(HostPortTest, RefusesPortsOutOfRangeOrNotNumbersNamingTheFlag) {
  struct Case {
    const char* text;
    bool allow_zero;
    const char* expect;
  } cases[] = {
      {"127.0.0.1:99999", true, "out of range"},
      {"127.0.0.1:65536", true, "out of range"},
      {"127.0.0.1:0", false, "out of range"},
      {"127.0.0.1:-1", true, "not a number"},
      {"127.0.0.1:55x", true, "not a number"},
      {"127.0.0.1:0000099999", true, "not a number"},
      {"127.0.0.1:", true, "missing"},
      {"127.0.0.1", true, "not HOST:PORT"},
      {":5557", true, "not HOST:PORT"},
      {"[::1]", true, "not HOST:PORT"},
      {"127.0.0.1 :5557", true, "space or control"},
      {"127.0.0.1:5557\n", true, "space or control"},
  };
  for (const Case& c : cases) {
    auto got = ParseHostPort(c.text, "--bind", c.allow_zero);
    ASSERT_FALSE(got.ok()) << c.text;
    EXPECT_NE(got.status().message().find("--bind"), std::string::npos) << got.status();
    EXPECT_NE(got.status().message().find(c.expect), std::string::npos) << got.status();
  }
}

TEST(HostPortTest, LoopbackHosts) {
  for (const char* host : {"127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "::1", "[::1]"}) {
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  }
  for (const char* host : {"", "0.0.0.0", "[::]", "::", "10.0.0.1", "128.0.0.1", "example",
                           "localhost.example", "[::2]"}) {
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
  }
}

}  // namespace
}  // namespace llmload
