// The distributed mode as it runs for real: `llmload master`, several `llmload agent`
// processes and an `llmload mock` process on loopback. Checks exact merging (on OpenAI's API
// and on others), what happens when an agent or the master dies, and how a wrong token is
// refused.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/histogram.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "proto/llmload.grpc.pb.h"
#include "support/files.h"
#include "support/llmload_cluster.h"
#include "support/mock_process.h"
#include "support/subprocess.h"

namespace llmload::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Completion requests that reached the mock (its stats endpoint counts itself elsewhere).
uint64_t MockRequests(const MockProcess& mock) {
  const json stats = mock.Stats();
  return stats.contains("requests_by_endpoint")
             ? stats["requests_by_endpoint"].value("chat_completions", uint64_t{0})
             : 0;
}

TEST(DistributedTest, ThreeAgentsMergeExactly) {
  MockProcess mock({"--ttft", "5ms", "--itl", "2ms", "--output-tokens", "8"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string dir = MakeTempDir();
  MasterProcess master = StartMaster({"--url", mock.url(), "--expect-agents", "3", "-u", "12", "-r",
                                      "100", "-n", "300", "-q", "--json-out", dir + "/s.json",
                                      "--csv-out", dir + "/r.csv", "--per-prompt"});
  ASSERT_FALSE(master.address.empty()) << master.process->Output();
  std::vector<std::unique_ptr<Subprocess>> agents;
  for (int i = 0; i < 3; ++i) agents.push_back(StartAgent(master.address, {}));
  ASSERT_EQ(master.process->Wait(seconds(120)), 0) << master.process->Output();
  for (auto& a : agents) EXPECT_EQ(a->Wait(seconds(30)), 0) << a->Output();

  const json s = ReadJson(dir + "/s.json");
  ASSERT_TRUE(s.is_object()) << master.process->Output();
  EXPECT_EQ(s["requests"]["total"], 300);
  EXPECT_EQ(s["requests"]["succeeded"], 300);
  EXPECT_EQ(s["run"]["agents"], 3);
  // Merged totals equal the sum of the agents' own totals, and the server's count.
  ASSERT_EQ(s["agents"].size(), 3u) << s.dump();
  uint64_t per_agent = 0;
  std::set<std::string> ids;  // default ids: one name per agent
  for (const json& a : s["agents"]) {
    ids.insert(a["id"].get<std::string>());
    per_agent += a["requests"].get<uint64_t>();
    EXPECT_GT(a["requests"].get<uint64_t>(), 0u) << a.dump();
    EXPECT_EQ(a["state"], "stopped");
  }
  EXPECT_EQ(per_agent, 300u);
  EXPECT_EQ(ids.size(), 3u) << s["agents"].dump();
  // Per prompt (from the agents' request records): the 8 built-in prompts, 300 in all.
  ASSERT_EQ(s["prompts"].size(), 8u) << s.dump();
  uint64_t per_prompt = 0;
  for (const json& p : s["prompts"]) {
    per_prompt += p["requests"].get<uint64_t>();
    EXPECT_EQ(p["latency_s"]["count"], p["succeeded"]) << p.dump();
  }
  EXPECT_EQ(per_prompt, 300u);
  EXPECT_EQ(mock.Stats()["requests_by_endpoint"]["chat_completions"], 300);

  // Percentiles of the merged histograms equal those of one histogram fed every sample
  // (the per-request CSV has every TTFT, to the microsecond).
  std::vector<std::string> lines =
      absl::StrSplit(ReadFile(dir + "/r.csv"), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 301u);
  LatencyHistogram all;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> cols = absl::StrSplit(lines[i], ',');
    double ttft_s = 0;
    ASSERT_TRUE(absl::SimpleAtod(cols[4], &ttft_s)) << lines[i];
    all.Record(static_cast<int64_t>(ttft_s * 1e9 + 0.5));
  }
  for (const auto& [key, q] :
       std::vector<std::pair<std::string, double>>{{"p50", 0.5}, {"p90", 0.9}, {"p99", 0.99}}) {
    const double merged = s["ttft_s"][key];
    const double single = static_cast<double>(all.ValueAtQuantile(q)) * 1e-9;
    // Both are within 0.1% of the same sample; the CSV rounds to 1 us.
    EXPECT_NEAR(merged, single, single * 0.002 + 2e-6) << key;
  }
}

// A distributed run on an API other than OpenAI's: the master names the API and its
// options once, the agents need no flag of their own, and every count the master reports is
// the mock's for that API's dialect.
struct ApiCase {
  const char* api;      // --api
  const char* dialect;  // its key in /mock/stats requests_by_dialect
};

void PrintTo(const ApiCase& c, std::ostream* os) { *os << c.api; }

class DistributedApiTest : public ::testing::TestWithParam<ApiCase> {};

TEST_P(DistributedApiTest, TwoAgentsCountWhatTheMockServed) {
  constexpr int kRequests = 60;
  constexpr int kOutputTokens = 10;
  const ApiCase& c = GetParam();
  MockProcess mock(
      {"--ttft", "5ms", "--itl", "1ms", "--output-tokens", std::to_string(kOutputTokens)});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string json_path = MakeTempDir() + "/s.json";
  // A bare origin: each agent's adapter appends the API's own path.
  MasterProcess master =
      StartMaster({"--api", c.api, "--url", mock.url(), "--model", "m", "--api-key", "sk-dist-test",
                   "--expect-agents", "2", "-u", "4", "-r", "100", "-n", std::to_string(kRequests),
                   "-q", "--json-out", json_path});
  ASSERT_FALSE(master.address.empty()) << master.process->Output();
  auto a = StartAgent(master.address, {"--agent-id", "a0"});
  auto b = StartAgent(master.address, {"--agent-id", "a1"});
  ASSERT_EQ(master.process->Wait(seconds(120)), 0) << master.process->Output();
  EXPECT_EQ(a->Wait(seconds(30)), 0) << a->Output();
  EXPECT_EQ(b->Wait(seconds(30)), 0) << b->Output();
  for (const Subprocess* p : {master.process.get(), a.get(), b.get()}) {
    EXPECT_EQ(p->Output().find("sk-dist-test"), std::string::npos);  // the key is never printed
  }

  const json s = ReadJson(json_path);
  ASSERT_TRUE(s.is_object()) << master.process->Output();
  const json stats = mock.Stats();
  EXPECT_EQ(s["run"]["api"], c.api);
  EXPECT_EQ(s["run"]["agents"], 2);
  EXPECT_EQ(s["requests"]["total"], kRequests);
  EXPECT_EQ(s["requests"]["succeeded"], kRequests) << s["requests"].dump();
  EXPECT_EQ(s["requests"]["failed"], 0);
  for (const auto& [error_class, n] : s["requests"]["errors"].items()) {
    EXPECT_EQ(n, 0) << error_class;
  }
  // The master's totals are the mock's count for this dialect, and nothing went elsewhere.
  EXPECT_EQ(stats["requests_by_dialect"][c.dialect], s["requests"]["total"]) << stats.dump();
  EXPECT_EQ(stats["requests_by_endpoint"]["chat_completions"], 0) << stats.dump();
  EXPECT_EQ(stats["completed"], kRequests) << stats.dump();
  EXPECT_EQ(stats["streamed"], kRequests) << stats.dump();
  EXPECT_EQ(stats["bad_requests"], 0) << stats.dump();

  // Both agents took part: the budget is split by cores, and each runs one engine thread.
  ASSERT_EQ(s["agents"].size(), 2u) << s.dump();
  for (const json& agent : s["agents"]) {
    EXPECT_EQ(agent["requests"], kRequests / 2) << agent.dump();
    EXPECT_EQ(agent["users"], 2) << agent.dump();
    EXPECT_EQ(agent["state"], "stopped") << agent.dump();
  }

  // Tokens are the API's usage, equal to what the mock sent.
  EXPECT_EQ(s["run"]["token_source"], "usage");
  EXPECT_EQ(s["tokens"]["output_total"], kRequests * kOutputTokens);
  EXPECT_EQ(s["tokens"]["output_total"], stats["tokens_sent"]);
  EXPECT_GT(s["tokens"]["input_total"].get<int64_t>(), 0);
  // Every request has a TTFT, and none is shorter than the mock's 5 ms wait.
  EXPECT_EQ(s["ttft_s"]["count"], kRequests) << s["ttft_s"].dump();
  ASSERT_FALSE(s["ttft_s"]["min"].is_null()) << s["ttft_s"].dump();
  EXPECT_GE(s["ttft_s"]["min"].get<double>(), 0.0045);
}

INSTANTIATE_TEST_SUITE_P(Apis, DistributedApiTest,
                         ::testing::Values(ApiCase{"anthropic-messages", "anthropic"},
                                           ApiCase{"ollama-chat", "ollama"}),
                         [](const ::testing::TestParamInfo<ApiCase>& info) {
                           std::string name = info.param.api;
                           for (char& ch : name) {
                             if (ch == '-') ch = '_';
                           }
                           return name;
                         });

// Two agents under one --agent-id (containers whose hostname and pid repeat do this by
// default): the master keeps both, names the second ID~2 and says so, and the agent is told.
TEST(DistributedTest, TwoAgentsWithOneIdAreReportedUnderTwoNames) {
  MockProcess mock({"--ttft", "1ms", "--itl", "1ms", "--output-tokens", "4"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string dir = MakeTempDir();
  MasterProcess master = StartMaster({"--url", mock.url(), "--expect-agents", "2", "-u", "4", "-r",
                                      "100", "-n", "40", "--json-out", dir + "/s.json"});
  ASSERT_FALSE(master.address.empty()) << master.process->Output();
  auto a = StartAgent(master.address, {"--agent-id", "twin"});
  auto b = StartAgent(master.address, {"--agent-id", "twin"});
  ASSERT_EQ(master.process->Wait(seconds(120)), 0) << master.process->Output();
  EXPECT_EQ(a->Wait(seconds(30)), 0) << a->Output();
  EXPECT_EQ(b->Wait(seconds(30)), 0) << b->Output();

  const json s = ReadJson(dir + "/s.json");
  ASSERT_TRUE(s.is_object()) << master.process->Output();
  ASSERT_EQ(s["agents"].size(), 2u) << s.dump();
  std::set<std::string> ids;
  for (const json& agent : s["agents"]) ids.insert(agent["id"].get<std::string>());
  EXPECT_EQ(ids, (std::set<std::string>{"twin", "twin~2"})) << s["agents"].dump();
  EXPECT_EQ(s["requests"]["total"], 40);
  const std::string out = master.process->Output();
  EXPECT_NE(out.find("agent id twin ("), std::string::npos) << out;
  EXPECT_NE(out.find("this one is called twin~2"), std::string::npos) << out;
  const std::string agents_out = a->Output() + b->Output();
  EXPECT_NE(agents_out.find("the master calls this one twin~2"), std::string::npos) << agents_out;
}

TEST(DistributedTest, KilledAgentsUsersMoveToTheOthers) {
  MockProcess mock({"--ttft", "5ms", "--itl", "5ms", "--output-tokens", "20"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string json_path = MakeTempDir() + "/s.json";
  MasterProcess master =
      StartMaster({"--url", mock.url(), "--expect-agents", "3", "-u", "30", "-r", "100", "-t", "5m",
                   "--console-interval", "250ms", "--json-out", json_path});
  ASSERT_FALSE(master.address.empty()) << master.process->Output();
  std::vector<std::unique_ptr<Subprocess>> agents;
  for (int i = 0; i < 3; ++i)
    agents.push_back(StartAgent(master.address, {"--agent-id", absl::StrCat("a", i)}));
  ASSERT_TRUE(master.process->WaitForOutput(R"(running users 30/30)", seconds(60)))
      << master.process->Output();

  agents[1]->Signal(SIGKILL);
  ASSERT_TRUE(master.process->WaitForOutput(
      R"(agent a1 \(.*\) (disconnected|silent for 3s); its 10 users move to the other agents)",
      seconds(30)))
      << master.process->Output();
  // The survivors ramp up the moved users: the live view shows 30 running users again.
  const size_t notice_at = master.process->Output().find("users move to the other agents");
  bool recovered = false;
  for (int i = 0; i < 200 && !recovered; ++i) {
    std::this_thread::sleep_for(milliseconds(100));
    recovered = master.process->Output().find("users 30/30", notice_at) != std::string::npos;
  }
  EXPECT_TRUE(recovered) << master.process->Output();

  master.process->Signal(SIGINT);
  ASSERT_EQ(master.process->Wait(seconds(60)), 0) << master.process->Output();
  const json s = ReadJson(json_path);
  ASSERT_EQ(s["agents"].size(), 3u) << s.dump();
  int64_t survivors_users = 0;
  for (const json& a : s["agents"]) {
    if (a["id"] == "a1") {
      EXPECT_EQ(a["state"], "missing");  // the report names the lost agent
      EXPECT_EQ(a["users"], 0);
    } else {
      EXPECT_EQ(a["state"], "stopped");
      survivors_users += a["users"].get<int64_t>();
    }
  }
  EXPECT_EQ(survivors_users, 30);
  EXPECT_GT(s["requests"]["total"].get<int>(), 0);
  for (size_t i : {0u, 2u}) EXPECT_EQ(agents[i]->Wait(seconds(30)), 0) << agents[i]->Output();
}

TEST(DistributedTest, AgentsStopLoadWithinFiveSecondsOfLosingTheMaster) {
  MockProcess mock({"--ttft", "5ms", "--itl", "5ms", "--output-tokens", "20"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  MasterProcess master = StartMaster({"--url", mock.url(), "--expect-agents", "2", "-u", "10", "-r",
                                      "100", "-t", "5m", "--console-interval", "250ms"});
  ASSERT_FALSE(master.address.empty()) << master.process->Output();
  auto a = StartAgent(master.address, {});
  auto b = StartAgent(master.address, {});
  ASSERT_TRUE(master.process->WaitForOutput(R"(running users 10/10)", seconds(60)))
      << master.process->Output();
  const uint64_t before = MockRequests(mock);
  master.process->Signal(SIGKILL);
  ASSERT_TRUE(master.process->Wait(seconds(10)).has_value());
  std::this_thread::sleep_for(seconds(5));
  const uint64_t at_5s = MockRequests(mock);
  std::this_thread::sleep_for(seconds(3));
  const uint64_t at_8s = MockRequests(mock);
  EXPECT_GT(before, 0u);      // load was flowing
  EXPECT_EQ(at_8s, at_5s);    // and stopped within 5 s of the master's death
  EXPECT_TRUE(a->Running());  // agents wait to reconnect rather than exit
  EXPECT_TRUE(b->Running());
  a->Signal(SIGTERM);
  b->Signal(SIGTERM);
  EXPECT_EQ(a->Wait(seconds(30)), 0) << a->Output();
  EXPECT_EQ(b->Wait(seconds(30)), 0) << b->Output();
  EXPECT_NE(a->Output().find("lost the master"), std::string::npos) << a->Output();
}

TEST(DistributedTest, MasterInterruptStopsAgentsAndWritesTheReport) {
  MockProcess mock({"--ttft", "5ms", "--itl", "5ms", "--output-tokens", "20"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string json_path = MakeTempDir() + "/s.json";
  MasterProcess master = StartMaster({"--url", mock.url(), "-u", "5", "-r", "100", "-t", "5m",
                                      "--console-interval", "250ms", "--json-out", json_path});
  ASSERT_FALSE(master.address.empty()) << master.process->Output();
  auto agent = StartAgent(master.address, {});
  ASSERT_TRUE(master.process->WaitForOutput(R"(req [1-9][0-9]* fail)", seconds(60)))
      << master.process->Output();
  master.process->Signal(SIGINT);
  ASSERT_EQ(master.process->Wait(seconds(60)), 0) << master.process->Output();
  EXPECT_EQ(agent->Wait(seconds(30)), 0) << agent->Output();  // told to quit
  const json s = ReadJson(json_path);
  ASSERT_TRUE(s.is_object());
  EXPECT_GT(s["requests"]["total"].get<int>(), 0);
  EXPECT_EQ(s["requests"]["failed"], 0);
  ASSERT_EQ(s["agents"].size(), 1u);
  // Everything the agent completed reached the report.
  EXPECT_EQ(s["agents"][0]["requests"], s["requests"]["total"]);
}

TEST(DistributedTest, WrongTokenIsRefusedWithAClearError) {
  MockProcess mock({});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  MasterProcess master = StartMaster(
      {"--url", mock.url(), "--model", "m", "--token", "right", "--expect-agents-timeout", "20s"});
  ASSERT_FALSE(master.address.empty()) << master.process->Output();
  auto agent = StartAgent(master.address, {"--token", "wrong"});
  EXPECT_EQ(agent->Wait(seconds(30)), 2) << agent->Output();
  EXPECT_NE(agent->Output().find("refused this agent: wrong token"), std::string::npos)
      << agent->Output();
  auto anonymous = StartAgent(master.address, {});
  EXPECT_EQ(anonymous->Wait(seconds(30)), 2) << anonymous->Output();
  EXPECT_NE(anonymous->Output().find("needs a token"), std::string::npos) << anonymous->Output();
  // The master says who it turned away, from where, and why.
  EXPECT_TRUE(master.process->WaitForOutput(
      R"(refused agent from ipv4:127\.0\.0\.1:[0-9]+: wrong token)", seconds(10)))
      << master.process->Output();
  EXPECT_TRUE(master.process->WaitForOutput(
      R"(refused agent from ipv4:127\.0\.0\.1:[0-9]+: this master needs a token)", seconds(10)))
      << master.process->Output();
  master.process->Signal(SIGINT);
  EXPECT_TRUE(master.process->Wait(seconds(30)).has_value());
}

TEST(DistributedTest, VersionSkewIsRefusedWithAClearMessage) {
  MockProcess mock({});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  MasterProcess master =
      StartMaster({"--url", mock.url(), "--model", "m", "--expect-agents-timeout", "20s"});
  ASSERT_FALSE(master.address.empty()) << master.process->Output();
  // An agent of another version, speaking the protocol directly.
  auto channel = grpc::CreateChannel(master.address, grpc::InsecureChannelCredentials());
  auto stub = proto::Coordinator::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + seconds(20));
  auto stream = stub->Connect(&ctx);
  proto::AgentMessage hello;
  hello.mutable_hello()->set_agent_id("old-agent");
  hello.mutable_hello()->set_version("0.0.1-old");
  ASSERT_TRUE(stream->Write(hello));
  proto::MasterMessage reply;
  ASSERT_TRUE(stream->Read(&reply));
  ASSERT_TRUE(reply.has_reject()) << reply.DebugString();
  EXPECT_NE(reply.reject().reason().find("version skew"), std::string::npos);
  EXPECT_NE(reply.reject().reason().find("0.0.1-old"), std::string::npos);
  const grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(master.process->WaitForOutput(
      R"(refused agent 'old-agent' from ipv4:127\.0\.0\.1:[0-9]+: version skew)", seconds(10)))
      << master.process->Output();
  master.process->Signal(SIGINT);
  EXPECT_TRUE(master.process->Wait(seconds(30)).has_value());
}

}  // namespace
}  // namespace llmload::testing
