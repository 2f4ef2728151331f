// An agent's life around its master, as real processes on loopback: `llmload master`,
// `llmload agent` and `llmload mock` on 127.0.0.1. TLS and mutual TLS with a throwaway CA made
// by the `openssl` CLI (what a plaintext or certificate-less agent is told, what unreadable
// TLS files do), and a master replaced by a new one while the agent stays up (the new run
// merges only its own requests; the agent drops the old run's unacknowledged deltas).
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/files.h"
#include "support/llmload_cluster.h"
#include "support/mock_process.h"
#include "support/subprocess.h"

namespace llmload::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Completion responses the mock sent to their end (its own count, GET /mock/stats).
uint64_t MockCompleted(const MockProcess& mock) {
  const json stats = mock.Stats();
  return stats.is_object() ? stats.value("completed", uint64_t{0}) : 0;
}

// Runs a command line through /bin/sh; true when it exits 0.
bool Sh(const std::string& command, std::string* output = nullptr) {
  Subprocess p({"/bin/sh", "-c", command});
  const std::optional<int> code = p.Wait(seconds(60));
  if (output != nullptr) *output = p.Output();
  return code == 0;
}

bool OnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  for (const absl::string_view dir : absl::StrSplit(path, ':', absl::SkipEmpty())) {
    if (access(absl::StrCat(dir, "/", program).c_str(), X_OK) == 0) return true;
  }
  return false;
}

// A throwaway CA, a server certificate for 127.0.0.1/localhost and a client certificate, all
// signed by the CA, in PEM files under one temporary directory (made by the `openssl` CLI).
struct TlsFiles {
  std::string dir;
  std::string ca, server_cert, server_key, client_cert, client_key;
};

// Empty `error` on success.
TlsFiles MakeTlsFiles(std::string* error) {
  TlsFiles f;
  f.dir = MakeTempDir();
  f.ca = f.dir + "/ca.pem";
  f.server_cert = f.dir + "/server.pem";
  f.server_key = f.dir + "/server.key";
  f.client_cert = f.dir + "/client.pem";
  f.client_key = f.dir + "/client.key";
  // One config for every step, so the result does not depend on the system's openssl.cnf.
  std::ofstream(f.dir + "/tls.cnf") << R"([req]
distinguished_name = dn
prompt = no
[dn]
CN = llmload test CA
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
[client]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
)";
  const std::string newkey = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  const std::vector<std::string> steps = {
      absl::StrCat("openssl req -x509 -new -config tls.cnf -extensions v3_ca ", newkey,
                   " -keyout ca.key -out ca.pem -days 2"),
      absl::StrCat("openssl req -new -config tls.cnf -subj /CN=localhost ", newkey,
                   " -keyout server.key -out server.csr"),
      "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
      "-extfile tls.cnf -extensions server -out server.pem",
      absl::StrCat("openssl req -new -config tls.cnf -subj /CN=llmload-test-agent ", newkey,
                   " -keyout client.key -out client.csr"),
      "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
      "-extfile tls.cnf -extensions client -out client.pem",
  };
  for (const std::string& step : steps) {
    std::string out;
    if (!Sh(absl::StrCat("cd '", f.dir, "' && ", step, " 2>&1"), &out)) {
      *error = absl::StrCat(step, ": ", out);
      return f;
    }
  }
  error->clear();
  return f;
}

class AgentLifecycleTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!OnPath("openssl")) {
      GTEST_SKIP() << "the `openssl` CLI is not on PATH (Debian package openssl); it makes this "
                      "test's throwaway CA and certificates; skipped";
    }
    std::string error;
    tls_ = MakeTlsFiles(&error);
    ASSERT_TRUE(error.empty()) << "cannot make test certificates: " << error;
  }

  TlsFiles tls_;
};

// (a) TLS on the master, the CA on the agent: the run completes and merges exactly.
TEST_F(AgentLifecycleTlsTest, TlsAgentRunsAndMergesExactly) {
  MockProcess mock({"--ttft", "5ms", "--itl", "2ms", "--output-tokens", "8"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string json_path = MakeTempDir() + "/s.json";
  MasterProcess master =
      StartMaster({"--url", mock.url(), "--tls-cert", tls_.server_cert, "--tls-key",
                   tls_.server_key, "--expect-agents", "1", "--expect-agents-timeout", "2m", "-u",
                   "4", "-r", "100", "-n", "40", "-q", "--json-out", json_path});
  ASSERT_FALSE(master.address.empty()) << master.process->Output();
  auto agent = StartAgent(master.address, {"--tls-ca", tls_.ca});
  ASSERT_EQ(master.process->Wait(seconds(120)), 0) << master.process->Output() << "\n--- agent:\n"
                                                   << agent->Output();
  EXPECT_EQ(agent->Wait(seconds(30)), 0) << agent->Output();

  const json s = ReadJson(json_path);
  ASSERT_TRUE(s.is_object()) << master.process->Output();
  EXPECT_EQ(s["requests"]["total"], 40) << s.dump();
  EXPECT_EQ(s["requests"]["succeeded"], 40) << s.dump();
  EXPECT_EQ(s["requests"]["total"].get<uint64_t>(), MockCompleted(mock)) << mock.Stats().dump();
  ASSERT_EQ(s["agents"].size(), 1u) << s.dump();
  EXPECT_EQ(s["agents"][0]["requests"], 40);
}

// (b) A plaintext agent against a TLS master is told it cannot connect, and keeps retrying.
TEST_F(AgentLifecycleTlsTest, PlaintextAgentAgainstTlsMasterSaysItCannotConnect) {
  MockProcess mock({});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  MasterProcess master = StartMaster({"--url", mock.url(), "--tls-cert", tls_.server_cert,
                                      "--tls-key", tls_.server_key, "--expect-agents-timeout", "2m",
                                      "-u", "1", "-r", "10", "-n", "10", "-q"});
  ASSERT_FALSE(master.address.empty()) << master.process->Output();
  auto agent = StartAgent(master.address, {});
  EXPECT_TRUE(agent->WaitForOutput("cannot connect to the master", seconds(20))) << agent->Output();
  EXPECT_TRUE(agent->Running()) << agent->Output();  // it keeps retrying
  EXPECT_EQ(MockCompleted(mock), 0u);                // and no run started
  agent->Signal(SIGINT);
  EXPECT_EQ(agent->Wait(seconds(30)), 0) << agent->Output();
  master.process->Signal(SIGINT);
  EXPECT_TRUE(master.process->Wait(seconds(30)).has_value()) << master.process->Output();
}

// (c) Mutual TLS: an agent without a client certificate cannot connect; one with it runs.
TEST_F(AgentLifecycleTlsTest, MutualTlsNeedsTheClientCertificate) {
  MockProcess mock({"--ttft", "5ms", "--itl", "2ms", "--output-tokens", "8"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string json_path = MakeTempDir() + "/s.json";
  MasterProcess master = StartMaster({"--url",
                                      mock.url(),
                                      "--tls-cert",
                                      tls_.server_cert,
                                      "--tls-key",
                                      tls_.server_key,
                                      "--tls-ca",
                                      tls_.ca,
                                      "--expect-agents",
                                      "1",
                                      "--expect-agents-timeout",
                                      "3m",
                                      "-u",
                                      "2",
                                      "-r",
                                      "100",
                                      "-n",
                                      "20",
                                      "-q",
                                      "--json-out",
                                      json_path});
  ASSERT_FALSE(master.address.empty()) << master.process->Output();

  auto certless = StartAgent(master.address, {"--tls-ca", tls_.ca, "--agent-id", "certless"});
  EXPECT_TRUE(certless->WaitForOutput("cannot connect to the master", seconds(20)))
      << certless->Output() << "\n--- master:\n"
      << master.process->Output();
  EXPECT_TRUE(certless->Running()) << certless->Output();
  EXPECT_EQ(MockCompleted(mock), 0u) << "an agent without a client certificate ran the test";
  certless->Signal(SIGINT);
  EXPECT_EQ(certless->Wait(seconds(30)), 0) << certless->Output();

  auto agent =
      StartAgent(master.address, {"--tls-ca", tls_.ca, "--tls-cert", tls_.client_cert, "--tls-key",
                                  tls_.client_key, "--agent-id", "with-cert"});
  ASSERT_EQ(master.process->Wait(seconds(120)), 0) << master.process->Output() << "\n--- agent:\n"
                                                   << agent->Output();
  EXPECT_EQ(agent->Wait(seconds(30)), 0) << agent->Output();
  const json s = ReadJson(json_path);
  ASSERT_TRUE(s.is_object()) << master.process->Output();
  EXPECT_EQ(s["requests"]["total"], 20) << s.dump();
  EXPECT_EQ(s["requests"]["total"].get<uint64_t>(), MockCompleted(mock)) << mock.Stats().dump();
  ASSERT_EQ(s["agents"].size(), 1u) << s.dump();  // the certificate-less agent never joined
  EXPECT_EQ(s["agents"][0]["id"], "with-cert");
}

// (d) TLS files are read at start-up: unreadable or not PEM exits 2 naming the flag.
// Needs no certificate, so no `openssl` either.
TEST(AgentLifecycleTest, UnreadableOrNonPemCaExitsTwoNamingTheFlag) {
  auto missing = StartAgent("127.0.0.1:1", {"--tls-ca", "/nonexistent.pem"});
  EXPECT_EQ(missing->Wait(seconds(30)), 2) << missing->Output();
  EXPECT_NE(missing->Output().find("--tls-ca"), std::string::npos) << missing->Output();

  const std::string not_pem = MakeTempDir() + "/not-a-cert.pem";
  std::ofstream(not_pem) << "this is not a certificate\n";
  auto garbage = StartAgent("127.0.0.1:1", {"--tls-ca", not_pem});
  EXPECT_EQ(garbage->Wait(seconds(30)), 2) << garbage->Output();
  EXPECT_NE(garbage->Output().find("--tls-ca"), std::string::npos) << garbage->Output();
  EXPECT_NE(garbage->Output().find("PEM"), std::string::npos) << garbage->Output();
}

// A master killed mid-run and replaced by a new master (a new run) on the same address while
// the agent process stays up: the agent reconnects, drops the old run's unacknowledged stats,
// and the new run's report holds exactly the requests of the new run.
TEST(AgentLifecycleTest, ReplacedMasterMergesOnlyItsOwnRun) {
  // One mock per run, so each run's report can be compared with its own server's count.
  MockProcess mock_a({"--ttft", "5ms", "--itl", "5ms", "--output-tokens", "20"});
  ASSERT_GT(mock_a.port(), 0) << mock_a.process().Output();
  MockProcess mock_b({"--ttft", "5ms", "--itl", "2ms", "--output-tokens", "8"});
  ASSERT_GT(mock_b.port(), 0) << mock_b.process().Output();
  const std::string dir = MakeTempDir();
  const int port = FreeLoopbackPort();
  ASSERT_GT(port, 0);
  const std::string bind = absl::StrCat("127.0.0.1:", port);

  // Master A's run is far longer than the test needs: it is killed, never allowed to finish
  // (a short -t would race the kill on a loaded machine).
  MasterProcess a = StartMaster({"--url", mock_a.url(), "-u", "2", "-r", "10", "-t", "2m",
                                 "--console-interval", "250ms", "--json-out", dir + "/A.json"},
                                bind);
  ASSERT_EQ(a.address, bind) << a.process->Output();
  auto agent = StartAgent(bind, {"--agent-id", "survivor"});
  // Mid-run: the agent's stats have reached A (so it ran and reported), and requests flow.
  ASSERT_TRUE(a.process->WaitForOutput(R"(req [1-9][0-9]* fail)", seconds(60)))
      << a.process->Output() << "\n--- agent:\n"
      << agent->Output();
  a.process->Signal(SIGKILL);
  ASSERT_TRUE(a.process->Wait(seconds(10)).has_value());
  // The agent notices, stops its load and keeps its final (now unacknowledgeable) delta.
  ASSERT_TRUE(agent->WaitForOutput(R"(lost the master|silent for)", seconds(30)))
      << agent->Output();
  EXPECT_GT(MockCompleted(mock_a), 0u);
  EXPECT_TRUE(agent->Running()) << agent->Output();

  // Master B: a new run on the same address, against its own fresh mock.
  MasterProcess b =
      StartMaster({"--url", mock_b.url(), "--expect-agents", "1", "--expect-agents-timeout", "2m",
                   "-u", "2", "-r", "10", "-n", "20", "-q", "--json-out", dir + "/B.json"},
                  bind);
  ASSERT_EQ(b.address, bind) << b.process->Output();
  ASSERT_EQ(b.process->Wait(seconds(120)), 0) << b.process->Output() << "\n--- agent:\n"
                                              << agent->Output();
  EXPECT_EQ(agent->Wait(seconds(30)), 0) << agent->Output();  // B told it to quit

  // The same agent process served B, and said it dropped A's unacknowledged deltas.
  const std::string agent_out = agent->Output();
  EXPECT_NE(agent_out.find("connected to master"), std::string::npos) << agent_out;
  EXPECT_TRUE(std::regex_search(agent_out,
                                std::regex(R"(dropping [1-9][0-9]* unacknowledged stats deltas)")))
      << agent_out;

  const json s = ReadJson(dir + "/B.json");
  ASSERT_TRUE(s.is_object()) << b.process->Output();
  EXPECT_EQ(s["requests"]["total"], 20) << s.dump();
  // None of A's requests in B's report: B's total is exactly what B's own mock served.
  EXPECT_EQ(s["requests"]["total"].get<uint64_t>(), MockCompleted(mock_b)) << s.dump() << "\n"
                                                                           << mock_b.Stats().dump();
  EXPECT_EQ(s["requests"].value("cancelled", uint64_t{0}), 0u) << s.dump();
  ASSERT_EQ(s["agents"].size(), 1u) << s.dump();
  EXPECT_EQ(s["agents"][0]["id"], "survivor");
  EXPECT_EQ(s["agents"][0]["requests"], 20) << s.dump();
  EXPECT_FALSE(ReadJson(dir + "/A.json").is_object());  // A was killed: it wrote no report
}

}  // namespace
}  // namespace llmload::testing
