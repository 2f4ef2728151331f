// End-to-end tests across real network links: each agent runs in its own network namespace
// that this test creates (ip netns + a veth pair, addresses in 10.200.0.0/16) and removes
// afterwards. The mock and the master stay in the test's namespace, on the host side of the
// links. Needs root and iproute2; where namespaces cannot be created the tests are skipped
// with a message saying why.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/files.h"
#include "support/mock_process.h"
#include "support/subprocess.h"

namespace llmload::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

// Runs a command line through /bin/sh; true when it exits 0.
bool Sh(const std::string& command, std::string* output = nullptr) {
  Subprocess p({"/bin/sh", "-c", command});
  const std::optional<int> code = p.Wait(seconds(30));
  if (output != nullptr) *output = p.Output();
  return code == 0;
}

// One namespace per agent, linked to the test's namespace by a veth pair:
// host side 10.200.S.1/24, namespace side 10.200.S.2/24, default route via the host side.
class Topology {
 public:
  explicit Topology(int hosts) {
    const int base = static_cast<int>(getpid() % 100) * 2;
    for (int i = 0; i < hosts; ++i) {
      Host h;
      const int subnet = base + i;
      h.ns = absl::StrCat("llmload-e2e-", getpid(), "-", i);
      h.host_if = absl::StrCat("lle", getpid() % 100000, "h", i);
      h.ns_if = absl::StrCat("lle", getpid() % 100000, "n", i);
      h.host_ip = absl::StrCat("10.200.", subnet, ".1");
      h.ns_ip = absl::StrCat("10.200.", subnet, ".2");
      std::string out;
      const bool ok =
          Sh(absl::StrCat("ip netns add ", h.ns), &out) &&
          Sh(absl::StrCat("ip link add ", h.host_if, " type veth peer name ", h.ns_if), &out) &&
          Sh(absl::StrCat("ip link set ", h.ns_if, " netns ", h.ns), &out) &&
          Sh(absl::StrCat("ip addr add ", h.host_ip, "/24 dev ", h.host_if), &out) &&
          Sh(absl::StrCat("ip link set ", h.host_if, " up"), &out) &&
          Sh(absl::StrCat("ip netns exec ", h.ns, " ip addr add ", h.ns_ip, "/24 dev ", h.ns_if),
             &out) &&
          Sh(absl::StrCat("ip netns exec ", h.ns, " ip link set ", h.ns_if, " up"), &out) &&
          Sh(absl::StrCat("ip netns exec ", h.ns, " ip link set lo up"), &out) &&
          Sh(absl::StrCat("ip netns exec ", h.ns, " ip route add default via ", h.host_ip), &out);
      hosts_.push_back(h);
      if (!ok) {
        error_ = out;
        return;
      }
    }
  }
  ~Topology() {
    for (const Host& h : hosts_) {
      Sh(absl::StrCat("ip link del ", h.host_if, " 2>/dev/null; ip netns del ", h.ns,
                      " 2>/dev/null; true"));
    }
  }
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  struct Host {
    std::string ns, host_if, ns_if, host_ip, ns_ip;
  };
  const Host& host(int i) const { return hosts_[i]; }

  // Takes the namespace's end of the link down (a partition: no FIN, no RST) or up again.
  // Link down drops the namespace's default route with it; up puts it back.
  bool SetLink(int i, bool up) {
    const Host& h = hosts_[i];
    if (!Sh(absl::StrCat("ip netns exec ", h.ns, " ip link set ", h.ns_if, up ? " up" : " down"))) {
      return false;
    }
    return !up ||
           Sh(absl::StrCat("ip netns exec ", h.ns, " ip route replace default via ", h.host_ip));
  }

 private:
  std::vector<Host> hosts_;
  std::string error_;
};

class NetnsTest : public ::testing::Test {
 protected:
  static constexpr char kToken[] = "netns-test-token";
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "network namespaces need root; skipped";
    topology_ = std::make_unique<Topology>(2);
    if (!topology_->ok()) {
      GTEST_SKIP() << "cannot create network namespaces here (" << topology_->error()
                   << "); skipped";
    }
  }
  void TearDown() override { topology_.reset(); }

  // A master on all of this namespace's addresses; returns its port, or 0.
  int StartMaster(std::vector<std::string> args) {
    // Reachable from the namespaces, so it needs a token (the agents present it).
    std::vector<std::string> argv = {LlmloadBinary(), "master",  "--bind",
                                     "0.0.0.0:0",     "--token", kToken};
    argv.insert(argv.end(), args.begin(), args.end());
    master_ = std::make_unique<Subprocess>(argv);
    std::optional<std::string> port =
        master_->WaitForOutput(R"(llmload master listening on 0\.0\.0\.0:([0-9]+))", seconds(30));
    return port ? std::stoi(*port) : 0;
  }
  // An agent inside namespace i, reaching the master over its link.
  std::unique_ptr<Subprocess> StartAgent(int i, int master_port, const std::string& id) {
    return std::make_unique<Subprocess>(std::vector<std::string>{
        "/usr/sbin/ip", "netns", "exec", topology_->host(i).ns, LlmloadBinary(), "agent",
        "--master", absl::StrCat(topology_->host(i).host_ip, ":", master_port), "--threads", "1",
        "--agent-id", id, "--token", kToken});
  }

  std::unique_ptr<Topology> topology_;
  std::unique_ptr<Subprocess> master_;
};

TEST_F(NetnsTest, MasterAndAgentsOnDifferentAddresses) {
  MockProcess mock({"--host", "0.0.0.0", "--ttft", "5ms", "--itl", "2ms", "--output-tokens", "8"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string json_path = MakeTempDir() + "/s.json";
  // Both agents reach the endpoint at the first link's host address (the second through its
  // default route).
  const std::string url = absl::StrCat("http://", topology_->host(0).host_ip, ":", mock.port());
  const int port = StartMaster({"--url", url, "--expect-agents", "2", "-u", "8", "-r", "100", "-n",
                                "200", "-q", "--json-out", json_path});
  ASSERT_GT(port, 0) << master_->Output();
  auto a0 = StartAgent(0, port, "ns0-agent");
  auto a1 = StartAgent(1, port, "ns1-agent");
  ASSERT_EQ(master_->Wait(seconds(120)), 0) << master_->Output() << a0->Output() << a1->Output();
  EXPECT_EQ(a0->Wait(seconds(30)), 0) << a0->Output();
  EXPECT_EQ(a1->Wait(seconds(30)), 0) << a1->Output();
  const json s = ReadJson(json_path);
  ASSERT_TRUE(s.is_object());
  EXPECT_EQ(s["requests"]["succeeded"], 200);
  ASSERT_EQ(s["agents"].size(), 2u);
  for (const json& a : s["agents"]) EXPECT_GT(a["requests"].get<int>(), 0) << a.dump();
  EXPECT_EQ(mock.Stats()["requests_by_endpoint"]["chat_completions"], 200);
}

TEST_F(NetnsTest, PartitionedAgentIsMarkedMissingStopsAndRejoins) {
  MockProcess mock({"--host", "0.0.0.0", "--ttft", "5ms", "--itl", "5ms", "--output-tokens", "20"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string json_path = MakeTempDir() + "/s.json";
  const std::string url = absl::StrCat("http://", topology_->host(0).host_ip, ":", mock.port());
  const int port = StartMaster({"--url", url, "--expect-agents", "2", "-u", "10", "-r", "100", "-t",
                                "5m", "--console-interval", "250ms", "--json-out", json_path});
  ASSERT_GT(port, 0) << master_->Output();
  auto a0 = StartAgent(0, port, "ns0-agent");
  auto a1 = StartAgent(1, port, "ns1-agent");
  ASSERT_TRUE(master_->WaitForOutput(R"(running users 10/10)", seconds(60))) << master_->Output();

  ASSERT_TRUE(topology_->SetLink(1, /*up=*/false));
  // The master notices the silence and moves the users; the agent notices too and stops.
  EXPECT_TRUE(master_->WaitForOutput(
      R"(agent ns1-agent \(.*\) silent for 3s; its 5 users move to the other agents)", seconds(30)))
      << master_->Output();
  EXPECT_TRUE(a1->WaitForOutput(R"(master at .* silent for 3s)", seconds(30))) << a1->Output();

  ASSERT_TRUE(topology_->SetLink(1, /*up=*/true));
  EXPECT_TRUE(master_->WaitForOutput(R"(agent ns1-agent \(.*\) rejoined)", seconds(60)))
      << master_->Output() << a1->Output();
  // It is given work again: a second assignment of this run (its engine is made anew).
  EXPECT_TRUE(a1->WaitForOutput(
      R"(llmload agent: run [^\n]* users[\s\S]*llmload agent: run [^\n]* users)", seconds(30)))
      << a1->Output();

  master_->Signal(SIGINT);
  ASSERT_EQ(master_->Wait(seconds(60)), 0) << master_->Output();
  const json s = ReadJson(json_path);
  ASSERT_TRUE(s.is_object());
  EXPECT_GT(s["requests"]["succeeded"].get<int>(), 0);
  // The partitioned agent's requests fail until it notices the silence, and those failures
  // are reported (stats are never lost) - but only as network failures.
  const json& errors = s["requests"]["errors"];
  EXPECT_EQ(
      s["requests"]["failed"].get<int>(),
      errors["connect"].get<int>() + errors["reset"].get<int>() + errors["timeout"].get<int>())
      << s.dump();
  EXPECT_EQ(a0->Wait(seconds(30)), 0) << a0->Output();
  EXPECT_EQ(a1->Wait(seconds(30)), 0) << a1->Output();

  // No stats of the partitioned agent are lost or counted twice after it rejoins: the report
  // agrees with the mock's own count of the responses it sent to their end. `failed` is left
  // out: those requests (connect errors) never reached the mock. The count cannot match
  // `succeeded` to the request in every run: the partitioned agent's requests in flight when
  // its link went down are finished by the mock (their bytes go into its socket buffer) but
  // cancelled by the agent when it stops (at most one per user of its 5; nothing else cancels
  // here: the final stop's --stop-timeout is 30s, and users moved by a rebalance retire after
  // their request). So: no success counted twice (succeeded <= completed), none lost
  // (completed <= succeeded + cancelled).
  const json m = mock.Stats();
  ASSERT_TRUE(m.is_object() && m.contains("completed")) << m.dump();
  const int64_t completed = m["completed"].get<int64_t>();
  const int64_t succeeded = s["requests"]["succeeded"].get<int64_t>();
  const int64_t cancelled = s["requests"].value("cancelled", int64_t{0});
  EXPECT_LE(cancelled, 5) << s["requests"].dump();
  EXPECT_LE(succeeded, completed) << s["requests"].dump() << "\n" << m.dump();
  EXPECT_LE(completed, succeeded + cancelled) << s["requests"].dump() << "\n" << m.dump();
  // The per-agent counts add up to the merged total.
  int64_t per_agent = 0;
  for (const json& a : s["agents"]) per_agent += a["requests"].get<int64_t>();
  EXPECT_EQ(per_agent, s["requests"]["total"].get<int64_t>()) << s.dump();
}

}  // namespace
}  // namespace llmload::testing
