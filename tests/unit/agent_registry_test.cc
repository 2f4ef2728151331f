#include "master/agent_registry.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "common/clock.h"
#include "common/error_class.h"
#include "common/interval_stats.h"
#include "common/wire_codec.h"
#include "common/workload_spec.h"
#include "gtest/gtest.h"
#include "master/dispatch.h"

namespace llmload::master {
namespace {

using Body = proto::MasterMessage::BodyCase;

constexpr char kRunId[] = "run-under-test";

// An agent stream that keeps everything the registry sends it.
class FakeSession : public AgentSession {
 public:
  bool Send(const proto::MasterMessage& message) override {
    std::lock_guard<std::mutex> lock(mu_);
    messages_.push_back(message);
    return true;
  }
  void Cancel() override { cancelled_ = true; }

  bool cancelled() const { return cancelled_; }
  std::vector<proto::MasterMessage> Messages() {
    std::lock_guard<std::mutex> lock(mu_);
    return messages_;
  }
  int Count(Body body) {
    int n = 0;
    for (const proto::MasterMessage& m : Messages()) n += m.body_case() == body;
    return n;
  }
  std::vector<proto::Assignment> Assignments() {
    std::vector<proto::Assignment> out;
    for (const proto::MasterMessage& m : Messages()) {
      if (m.has_assignment()) out.push_back(m.assignment());
    }
    return out;
  }
  // The latest assignment; fails the test when there is none.
  proto::Assignment LastAssignment() {
    std::vector<proto::Assignment> all = Assignments();
    EXPECT_FALSE(all.empty()) << "no assignment was sent";
    return all.empty() ? proto::Assignment() : all.back();
  }
  std::vector<proto::Ping> Pings() {
    std::vector<proto::Ping> out;
    for (const proto::MasterMessage& m : Messages()) {
      if (m.has_ping()) out.push_back(m.ping());
    }
    return out;
  }
  void Clear() {
    std::lock_guard<std::mutex> lock(mu_);
    messages_.clear();
  }

 private:
  std::mutex mu_;
  std::vector<proto::MasterMessage> messages_;
  std::atomic<bool> cancelled_{false};
};

WorkloadSpec TestSpec(int64_t max_requests = 0) {
  WorkloadSpec spec;
  spec.url = "http://127.0.0.1:9/v1/chat/completions";
  spec.model = "test-model";
  spec.prompts.push_back(Prompt{"p0", "hello"});
  spec.users = 10;
  spec.spawn_rate = 5;
  spec.max_requests = max_requests;
  return spec;
}

RegistryOptions Options(absl::Duration silence_limit = absl::Seconds(3)) {
  RegistryOptions options;
  options.run_id = kRunId;
  options.silence_limit = silence_limit;
  return options;
}

proto::Hello MakeHello(const std::string& id, uint32_t cores, uint64_t incarnation = 7) {
  proto::Hello hello;
  hello.set_agent_id(id);
  hello.set_hostname(id + ".host");
  hello.set_cores(cores);
  hello.set_version("test");
  hello.set_incarnation(incarnation);
  return hello;
}

// A delta with `ok` successes and `failed` HTTP 5xx errors (requests = ok + failed).
proto::StatsDelta MakeDelta(uint64_t seq, uint64_t generation, bool final, uint64_t ok = 3,
                            uint64_t failed = 1, const std::string& run_id = kRunId) {
  IntervalStats s;
  s.outcomes[static_cast<size_t>(ErrorClass::kSuccess)] = ok;
  s.outcomes[static_cast<size_t>(ErrorClass::kHttp5xx)] = failed;
  for (uint64_t i = 0; i < ok; ++i) s.ttft.Record(20'000'000);
  s.output_tokens = ok * 16;
  proto::StatsDelta delta;
  StatsToProto(s, &delta);
  delta.set_seq(seq);
  delta.set_generation(generation);
  delta.set_final(final);
  delta.set_run_id(run_id);
  return delta;
}

proto::Heartbeat MakeHeartbeat(int64_t users, bool budget_done = false) {
  proto::Heartbeat hb;
  hb.set_state(proto::AGENT_STATE_RUNNING);
  hb.set_users(users);
  hb.set_budget_done(budget_done);
  return hb;
}

// One joined agent: its key and its fake stream.
struct Joined {
  std::string key;
  std::shared_ptr<FakeSession> session;
};

Joined JoinAgent(AgentRegistry& reg, const std::string& id, uint32_t cores,
                 uint64_t incarnation = 7) {
  auto session = std::make_shared<FakeSession>();
  absl::StatusOr<std::string> key = reg.Join(MakeHello(id, cores, incarnation), session);
  EXPECT_TRUE(key.ok()) << key.status();
  return Joined{key.ok() ? *key : std::string(), session};
}

std::string StateOf(AgentRegistry& reg, const std::string& id) {
  for (const AgentSummary& a : reg.AgentList()) {
    if (a.id == id) return a.state;
  }
  return "<absent>";
}

AgentSummary SummaryOf(AgentRegistry& reg, const std::string& id) {
  for (const AgentSummary& a : reg.AgentList()) {
    if (a.id == id) return a;
  }
  ADD_FAILURE() << "no agent " << id;
  return AgentSummary{};
}

void SleepMs(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

TEST(AgentRegistryTest, JoinSendsWelcomeFirstWithIndexAndRunId) {
  AgentRegistry reg(TestSpec(), Options());
  Joined a = JoinAgent(reg, "a", 2);
  Joined b = JoinAgent(reg, "b", 2);
  EXPECT_NE(a.key, b.key);

  for (const auto& [joined, index] : {std::pair{&a, 0u}, std::pair{&b, 1u}}) {
    std::vector<proto::MasterMessage> msgs = joined->session->Messages();
    ASSERT_EQ(msgs.size(), 1u);  // not started: Welcome only
    ASSERT_TRUE(msgs[0].has_welcome());
    EXPECT_EQ(msgs[0].welcome().agent_index(), index);
    EXPECT_EQ(msgs[0].welcome().run_id(), kRunId);
    EXPECT_FALSE(joined->session->cancelled());
  }
  EXPECT_EQ(reg.Agents(), 2);
  EXPECT_EQ(reg.ConnectedAgents(), 2);
  EXPECT_EQ(StateOf(reg, "a"), "idle");
}

TEST(AgentRegistryTest, JoinAfterStartGetsWelcomeThenAssignment) {
  AgentRegistry reg(TestSpec(), Options());
  Joined a = JoinAgent(reg, "a", 1);
  reg.SetTarget(10, 2.0);
  Joined b = JoinAgent(reg, "b", 1);
  std::vector<proto::MasterMessage> msgs = b.session->Messages();
  ASSERT_EQ(msgs.size(), 2u);
  ASSERT_TRUE(msgs[0].has_welcome());
  EXPECT_EQ(msgs[0].welcome().agent_index(), 1u);
  ASSERT_TRUE(msgs[1].has_assignment());
  const proto::Assignment asg_a = a.session->LastAssignment();
  const proto::Assignment asg_b = msgs[1].assignment();
  EXPECT_EQ(asg_a.generation(), asg_b.generation());
  EXPECT_EQ(asg_a.users() + asg_b.users(), 10);
  EXPECT_DOUBLE_EQ(asg_a.spawn_rate() + asg_b.spawn_rate(), 2.0);
  // The newcomer counts offsets from the same run start as the others.
  EXPECT_EQ(asg_a.start_at_unix_ns(), asg_b.start_at_unix_ns());
}

TEST(AgentRegistryTest, SetTargetSplitsUsersAndRateByCores) {
  AgentRegistry reg(TestSpec(), Options());
  Joined a = JoinAgent(reg, "a", 1);
  Joined b = JoinAgent(reg, "b", 3);
  reg.SetTarget(10, 4.0);

  ASSERT_EQ(a.session->Assignments().size(), 1u);
  ASSERT_EQ(b.session->Assignments().size(), 1u);
  const proto::Assignment asg_a = a.session->LastAssignment();
  const proto::Assignment asg_b = b.session->LastAssignment();
  const std::vector<AgentShare> expected = SplitLoad(10, 4.0, 0, {1, 3});
  EXPECT_EQ(asg_a.users(), expected[0].users);
  EXPECT_EQ(asg_b.users(), expected[1].users);
  EXPECT_EQ(asg_a.users(), 3);  // 2.5 / 7.5: the tie goes to the earlier agent
  EXPECT_EQ(asg_b.users(), 7);
  EXPECT_EQ(asg_a.users() + asg_b.users(), 10);
  EXPECT_DOUBLE_EQ(asg_a.spawn_rate(), expected[0].spawn_rate);
  EXPECT_DOUBLE_EQ(asg_a.spawn_rate() + asg_b.spawn_rate(), 4.0);

  EXPECT_GT(asg_a.generation(), 0u);
  EXPECT_EQ(asg_a.generation(), asg_b.generation());
  EXPECT_EQ(asg_a.run_id(), kRunId);
  EXPECT_EQ(asg_b.run_id(), kRunId);
  EXPECT_GT(asg_a.start_at_unix_ns(), 0);
  EXPECT_EQ(asg_a.start_at_unix_ns(), asg_b.start_at_unix_ns());
  EXPECT_EQ(asg_a.spec().url(), TestSpec().url);
  EXPECT_EQ(asg_a.spec().model(), "test-model");
  EXPECT_EQ(asg_a.spec().max_requests(), 0);
  EXPECT_EQ(SummaryOf(reg, "a").users, 3);
  EXPECT_EQ(SummaryOf(reg, "b").users, 7);
  EXPECT_EQ(StateOf(reg, "a"), "running");

  // A retarget is a new generation of absolute numbers; the run start does not move.
  reg.SetTarget(21, 1.0);
  const proto::Assignment next_a = a.session->LastAssignment();
  const proto::Assignment next_b = b.session->LastAssignment();
  EXPECT_GT(next_a.generation(), asg_a.generation());
  EXPECT_EQ(next_a.generation(), next_b.generation());
  EXPECT_EQ(next_a.users() + next_b.users(), 21);
  EXPECT_DOUBLE_EQ(next_a.spawn_rate() + next_b.spawn_rate(), 1.0);
  EXPECT_EQ(next_a.start_at_unix_ns(), asg_a.start_at_unix_ns());
}

TEST(AgentRegistryTest, AnOpenLoopTargetCarriesItsWarmUpAndAnInfiniteRateToEveryAgent) {
  WorkloadSpec spec = TestSpec();
  spec.open_loop = true;
  spec.arrival = "constant";
  AgentRegistry reg(spec, Options());
  Joined a = JoinAgent(reg, "a", 1);
  Joined b = JoinAgent(reg, "b", 1);
  schedule::LoadTarget target;
  target.open.rate = std::numeric_limits<double>::infinity();
  target.open.max_concurrency = 5;
  target.warmup_end_ns = 7 * kNsPerSecond;
  reg.SetTarget(target);
  const proto::Assignment asg_a = a.session->LastAssignment();
  const proto::Assignment asg_b = b.session->LastAssignment();
  EXPECT_TRUE(std::isinf(asg_a.rate()));
  EXPECT_TRUE(std::isinf(asg_b.rate()));
  EXPECT_EQ(asg_a.max_concurrency() + asg_b.max_concurrency(), 5);
  // A sweep step's warm-up is on the run's time line: the same for every agent.
  EXPECT_EQ(asg_a.warmup_end_ns(), 7 * kNsPerSecond);
  EXPECT_EQ(asg_b.warmup_end_ns(), 7 * kNsPerSecond);
}

TEST(AgentRegistryTest, SilentAgentIsCancelledMarkedMissingAndItsUsersMove) {
  AgentRegistry reg(TestSpec(), Options(absl::Milliseconds(40)));
  Joined a = JoinAgent(reg, "a", 1);
  Joined b = JoinAgent(reg, "b", 1);
  Joined c = JoinAgent(reg, "c", 1);
  reg.SetTarget(10, 5.0);
  const uint64_t gen = a.session->LastAssignment().generation();
  a.session->Clear();
  b.session->Clear();
  c.session->Clear();

  SleepMs(45);  // longer than the silence limit for everyone
  reg.OnHeartbeat(b.key, MakeHeartbeat(3));
  reg.OnHeartbeat(c.key, MakeHeartbeat(3));
  reg.Tick();

  EXPECT_TRUE(a.session->cancelled());
  EXPECT_FALSE(b.session->cancelled());
  EXPECT_FALSE(c.session->cancelled());
  EXPECT_EQ(StateOf(reg, "a"), "missing");
  EXPECT_EQ(SummaryOf(reg, "a").users, 0);
  EXPECT_EQ(reg.ConnectedAgents(), 2);
  EXPECT_EQ(a.session->Count(Body::kAssignment), 0);
  EXPECT_EQ(a.session->Count(Body::kPing), 0);

  const proto::Assignment asg_b = b.session->LastAssignment();
  const proto::Assignment asg_c = c.session->LastAssignment();
  EXPECT_GT(asg_b.generation(), gen);
  EXPECT_EQ(asg_b.generation(), asg_c.generation());
  EXPECT_EQ(asg_b.users() + asg_c.users(), 10);
  EXPECT_DOUBLE_EQ(asg_b.spawn_rate() + asg_c.spawn_rate(), 5.0);
  EXPECT_EQ(b.session->Count(Body::kPing), 1);
  EXPECT_EQ(c.session->Count(Body::kPing), 1);
  EXPECT_NE(reg.TakeNotice().find("silent"), std::string::npos);
}

TEST(AgentRegistryTest, HeartbeatsKeepAnAgentAlive) {
  AgentRegistry reg(TestSpec(), Options(absl::Milliseconds(40)));
  Joined a = JoinAgent(reg, "a", 1);
  Joined b = JoinAgent(reg, "b", 1);
  reg.SetTarget(4, 1.0);
  // `a` beats every 20 ms; `b` says nothing. 60 ms in, only `b` has been silent too long.
  for (int i = 0; i < 3; ++i) {
    SleepMs(20);
    reg.OnHeartbeat(a.key, MakeHeartbeat(2));
  }
  reg.Tick();
  EXPECT_FALSE(a.session->cancelled());
  EXPECT_EQ(StateOf(reg, "a"), "running");
  EXPECT_EQ(a.session->Count(Body::kPing), 1);
  EXPECT_TRUE(b.session->cancelled());
  EXPECT_EQ(StateOf(reg, "b"), "missing");
  EXPECT_EQ(a.session->LastAssignment().users(), 4);
  EXPECT_EQ(reg.RunningUsers(), 2);  // from a's heartbeat
}

TEST(AgentRegistryTest, ASaturatedAgentIsReportedOnceUntilItRecovers) {
  AgentRegistry reg(TestSpec(), Options());
  Joined a = JoinAgent(reg, "a", 2);
  reg.SetTarget(4, 1.0);
  reg.TakeNotice();  // the join
  proto::Heartbeat hot = MakeHeartbeat(4);
  hot.set_engine_saturated(true);
  hot.set_engine_busy_percent(97.4);
  reg.OnHeartbeat(a.key, hot);
  EXPECT_NE(reg.TakeNotice().find("agent a's load engine is saturated (97% busy)"),
            std::string::npos);
  reg.OnHeartbeat(a.key, hot);
  EXPECT_EQ(reg.TakeNotice(), "");  // said once
  reg.OnHeartbeat(a.key, MakeHeartbeat(4));
  reg.OnHeartbeat(a.key, hot);
  EXPECT_NE(reg.TakeNotice().find("saturated"), std::string::npos);  // again after recovering
}

TEST(AgentRegistryTest, HeartbeatsWithALongerLimitKeepEveryoneAlive) {
  AgentRegistry reg(TestSpec(), Options(absl::Milliseconds(200)));
  Joined a = JoinAgent(reg, "a", 1);
  reg.SetTarget(4, 1.0);
  SleepMs(20);
  reg.OnHeartbeat(a.key, MakeHeartbeat(4));
  reg.Tick();
  reg.Tick();
  EXPECT_FALSE(a.session->cancelled());
  EXPECT_EQ(StateOf(reg, "a"), "running");
  EXPECT_EQ(a.session->Count(Body::kPing), 2);
  EXPECT_EQ(a.session->Count(Body::kAssignment), 1);
}

TEST(AgentRegistryTest, LeaveWithAStaleSessionDoesNothing) {
  AgentRegistry reg(TestSpec(), Options());
  Joined a = JoinAgent(reg, "a", 1);
  Joined b = JoinAgent(reg, "b", 1);
  reg.SetTarget(10, 2.0);
  const uint64_t gen = b.session->LastAssignment().generation();
  b.session->Clear();

  FakeSession stranger;
  reg.Leave(a.key, &stranger);
  reg.Leave(a.key, nullptr);
  reg.Leave("no-such-agent#1", a.session.get());
  EXPECT_EQ(StateOf(reg, "a"), "running");
  EXPECT_EQ(reg.ConnectedAgents(), 2);
  EXPECT_EQ(b.session->Count(Body::kAssignment), 0);
  EXPECT_FALSE(a.session->cancelled());

  reg.Leave(a.key, a.session.get());
  EXPECT_EQ(StateOf(reg, "a"), "missing");
  EXPECT_EQ(SummaryOf(reg, "a").users, 0);
  EXPECT_EQ(reg.ConnectedAgents(), 1);
  const proto::Assignment asg_b = b.session->LastAssignment();
  EXPECT_GT(asg_b.generation(), gen);
  EXPECT_EQ(asg_b.users(), 10);
  EXPECT_DOUBLE_EQ(asg_b.spawn_rate(), 2.0);

  // A second Leave of the same stream is a no-op too.
  b.session->Clear();
  reg.Leave(a.key, a.session.get());
  EXPECT_EQ(b.session->Count(Body::kAssignment), 0);
}

TEST(AgentRegistryTest, SameProcessRejoiningReplacesItsHalfOpenStream) {
  AgentRegistry reg(TestSpec(), Options());
  Joined a = JoinAgent(reg, "a", 1, /*incarnation=*/42);
  Joined b = JoinAgent(reg, "b", 1);
  reg.SetTarget(10, 2.0);
  const uint64_t gen = a.session->LastAssignment().generation();

  auto fresh = std::make_shared<FakeSession>();
  absl::StatusOr<std::string> key = reg.Join(MakeHello("a", 1, 42), fresh);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(*key, a.key);
  EXPECT_TRUE(a.session->cancelled());
  EXPECT_FALSE(fresh->cancelled());
  EXPECT_FALSE(b.session->cancelled());
  EXPECT_EQ(reg.Agents(), 2);
  EXPECT_EQ(reg.ConnectedAgents(), 2);

  std::vector<proto::MasterMessage> msgs = fresh->Messages();
  ASSERT_GE(msgs.size(), 2u);
  ASSERT_TRUE(msgs[0].has_welcome());
  EXPECT_EQ(msgs[0].welcome().agent_index(), 0u);  // the same agent keeps its index
  EXPECT_EQ(msgs[0].welcome().run_id(), kRunId);
  const proto::Assignment asg = fresh->LastAssignment();
  EXPECT_GT(asg.generation(), gen);
  EXPECT_EQ(asg.users() + b.session->LastAssignment().users(), 10);
  EXPECT_EQ(asg.generation(), b.session->LastAssignment().generation());

  // The old stream's handler ends later: that must not take the new stream down.
  b.session->Clear();
  reg.Leave(a.key, a.session.get());
  EXPECT_EQ(StateOf(reg, "a"), "running");
  EXPECT_EQ(reg.ConnectedAgents(), 2);
  EXPECT_EQ(b.session->Count(Body::kAssignment), 0);

  // A different incarnation of the same id is another agent.
  Joined a2 = JoinAgent(reg, "a", 1, /*incarnation=*/43);
  EXPECT_NE(a2.key, a.key);
  EXPECT_EQ(reg.Agents(), 3);
  EXPECT_FALSE(fresh->cancelled());
}

TEST(AgentRegistryTest, AgentsSharingAnIdGetUniqueNamesAndAreTold) {
  AgentRegistry reg(TestSpec(), Options());
  Joined first = JoinAgent(reg, "vm-1", 1, /*incarnation=*/1);
  Joined second = JoinAgent(reg, "vm-1", 1, /*incarnation=*/2);
  Joined third = JoinAgent(reg, "vm-1", 1, /*incarnation=*/3);
  Joined other = JoinAgent(reg, "vm-1~2x", 1, /*incarnation=*/4);
  std::vector<std::string> names;
  for (const AgentSummary& a : reg.AgentList()) names.push_back(a.id);
  EXPECT_EQ(names, (std::vector<std::string>{"vm-1", "vm-1~2", "vm-1~3", "vm-1~2x"}));
  for (const auto& [joined, name] :
       {std::pair{&first, "vm-1"}, std::pair{&second, "vm-1~2"}, std::pair{&third, "vm-1~3"}}) {
    ASSERT_FALSE(joined->session->Messages().empty());
    EXPECT_EQ(joined->session->Messages()[0].welcome().agent_name(), name);
  }
  const std::string notices = reg.TakeNotice();
  EXPECT_NE(notices.find("agent id vm-1 (vm-1.host) is taken by another agent; this one is "
                         "called vm-1~2"),
            std::string::npos)
      << notices;
  EXPECT_NE(notices.find("this one is called vm-1~3"), std::string::npos) << notices;
  EXPECT_EQ(notices.find("vm-1~2x (vm-1~2x.host) is taken"), std::string::npos) << notices;

  // The second one's process reconnects: it keeps its name, and nobody is renamed again.
  auto fresh = std::make_shared<FakeSession>();
  ASSERT_TRUE(reg.Join(MakeHello("vm-1", 1, 2), fresh).ok());
  EXPECT_EQ(fresh->Messages()[0].welcome().agent_name(), "vm-1~2");
  EXPECT_EQ(reg.Agents(), 4);
  EXPECT_EQ(reg.TakeNotice().find("taken"), std::string::npos);

  // A name stays taken after its agent is gone: a restarted agent with the same id is new.
  reg.Leave(first.key, first.session.get());
  Joined restarted = JoinAgent(reg, "vm-1", 1, /*incarnation=*/5);
  EXPECT_EQ(restarted.session->Messages()[0].welcome().agent_name(), "vm-1~4");
}

TEST(AgentRegistryTest, StatsOfAnotherRunAreIgnored) {
  AgentRegistry reg(TestSpec(), Options());
  Joined a = JoinAgent(reg, "a", 1);
  reg.SetTarget(2, 1.0);
  reg.OnStats(a.key, MakeDelta(1, 1, false, 3, 1, "some-older-run"));
  reg.OnStats(a.key, MakeDelta(2, 1, false, 3, 1, ""));
  EXPECT_TRUE(reg.TakeDeltas().empty());
  EXPECT_EQ(SummaryOf(reg, "a").requests, 0u);
  reg.Tick();
  ASSERT_EQ(a.session->Pings().size(), 1u);
  EXPECT_EQ(a.session->Pings().back().stats_acked_seq(), 0u);

  // The same seq in this run is new.
  reg.OnStats(a.key, MakeDelta(1, 1, false, 3, 1));
  EXPECT_EQ(reg.TakeDeltas().size(), 1u);
  EXPECT_EQ(SummaryOf(reg, "a").requests, 4u);
  // Unknown agents are ignored.
  reg.OnStats("nobody#1", MakeDelta(1, 1, false));
  EXPECT_TRUE(reg.TakeDeltas().empty());
}

TEST(AgentRegistryTest, StatsAreQueuedOncePerSeqAndAcknowledged) {
  AgentRegistry reg(TestSpec(), Options());
  Joined a = JoinAgent(reg, "a", 1);
  reg.SetTarget(2, 1.0);
  auto acked = [&]() {
    a.session->Clear();
    reg.Tick();
    std::vector<proto::Ping> pings = a.session->Pings();
    EXPECT_EQ(pings.size(), 1u);
    return pings.empty() ? uint64_t{999} : pings.back().stats_acked_seq();
  };

  reg.OnStats(a.key, MakeDelta(0, 1, false));  // seq 0 is not a sequence number
  EXPECT_TRUE(reg.TakeDeltas().empty());
  EXPECT_EQ(SummaryOf(reg, "a").requests, 0u);

  reg.OnStats(a.key, MakeDelta(2, 1, false, 3, 1));  // out of order
  EXPECT_EQ(acked(), 0u);
  reg.OnStats(a.key, MakeDelta(1, 1, false, 5, 0));
  EXPECT_EQ(acked(), 2u);
  reg.OnStats(a.key, MakeDelta(2, 1, false, 3, 1));  // resends
  reg.OnStats(a.key, MakeDelta(1, 1, false, 5, 0));
  EXPECT_EQ(acked(), 2u);
  EXPECT_EQ(SummaryOf(reg, "a").requests, 9u);

  reg.OnStats(a.key, MakeDelta(4, 1, false, 1, 0));  // 3 is missing
  EXPECT_EQ(acked(), 2u);
  reg.OnStats(a.key, MakeDelta(4, 1, false, 1, 0));  // resend of one held ahead
  EXPECT_EQ(acked(), 2u);
  reg.OnStats(a.key, MakeDelta(3, 1, false, 2, 0));
  EXPECT_EQ(acked(), 4u);
  EXPECT_EQ(SummaryOf(reg, "a").requests, 12u);

  std::vector<LoadSource::Delta> deltas = reg.TakeDeltas();
  ASSERT_EQ(deltas.size(), 4u);
  const std::vector<uint64_t> order = {2, 1, 4, 3};
  uint64_t requests = 0;
  for (size_t i = 0; i < deltas.size(); ++i) {
    EXPECT_EQ(deltas[i].source, a.key);
    EXPECT_EQ(deltas[i].seq, order[i]);
    const auto* wire = std::get_if<proto::StatsDelta>(&deltas[i].stats);
    ASSERT_NE(wire, nullptr);
    EXPECT_EQ(wire->seq(), order[i]);
    requests += RequestsInStatsProto(*wire);
  }
  EXPECT_EQ(requests, 12u);
  EXPECT_TRUE(reg.TakeDeltas().empty());  // taken once

  // Each agent has its own sequence.
  Joined b = JoinAgent(reg, "b", 1);
  reg.OnStats(b.key, MakeDelta(1, 1, false, 1, 0));
  deltas = reg.TakeDeltas();
  ASSERT_EQ(deltas.size(), 1u);
  EXPECT_EQ(deltas[0].source, b.key);
}

TEST(AgentRegistryTest, StopWaitsForAFinalDeltaOfTheCurrentGeneration) {
  AgentRegistry reg(TestSpec(), Options());
  Joined a = JoinAgent(reg, "a", 1);
  Joined b = JoinAgent(reg, "b", 1);
  reg.SetTarget(4, 2.0);
  const uint64_t g = a.session->LastAssignment().generation();
  EXPECT_FALSE(reg.Finished());

  reg.Stop(absl::Seconds(5));
  for (FakeSession* s : {a.session.get(), b.session.get()}) {
    ASSERT_EQ(s->Count(Body::kStop), 1);
    EXPECT_EQ(s->Messages().back().stop().grace_ms(), 5000);
  }
  EXPECT_FALSE(reg.Finished());
  EXPECT_EQ(StateOf(reg, "a"), "stopping");
  EXPECT_EQ(StateOf(reg, "b"), "stopping");

  reg.OnStats(a.key, MakeDelta(1, g, /*final=*/false));  // not the last one yet
  EXPECT_EQ(StateOf(reg, "a"), "stopping");
  reg.OnStats(a.key, MakeDelta(2, g, /*final=*/true));
  EXPECT_EQ(StateOf(reg, "a"), "stopped");
  EXPECT_FALSE(reg.Finished());
  reg.OnStats(b.key, MakeDelta(1, g, /*final=*/true));
  EXPECT_EQ(StateOf(reg, "b"), "stopped");
  EXPECT_TRUE(reg.Finished());
  EXPECT_EQ(reg.TakeDeltas().size(), 3u);

  // A stopped agent's stream ending does not make it missing.
  reg.Leave(a.key, a.session.get());
  EXPECT_EQ(StateOf(reg, "a"), "stopped");
  EXPECT_TRUE(reg.Finished());
}

TEST(AgentRegistryTest, FinalDeltaOfAnOlderGenerationDoesNotFinish) {
  AgentRegistry reg(TestSpec(), Options());
  Joined a = JoinAgent(reg, "a", 1);
  reg.SetTarget(4, 2.0);
  const uint64_t g1 = a.session->LastAssignment().generation();
  reg.SetTarget(6, 2.0);
  const uint64_t g2 = a.session->LastAssignment().generation();
  ASSERT_GT(g2, g1);
  reg.Stop(absl::Seconds(1));
  reg.OnStats(a.key, MakeDelta(1, g1, /*final=*/true));
  EXPECT_EQ(StateOf(reg, "a"), "stopping");
  EXPECT_FALSE(reg.Finished());
  reg.OnStats(a.key, MakeDelta(2, g2, /*final=*/true));
  EXPECT_EQ(StateOf(reg, "a"), "stopped");
  EXPECT_TRUE(reg.Finished());
}

// Regression: an agent that went missing mid-run, sent a final delta for generation g, then
// rejoined and was given generation g+1. A resend of the old final delta must not make it
// look done: Stop() must still stop it, and the run waits for its final delta of g+1.
TEST(AgentRegistryTest, ResentFinalDeltaFromBeforeARejoinDoesNotFinishTheAgent) {
  AgentRegistry reg(TestSpec(), Options());
  Joined a = JoinAgent(reg, "a", 1);
  Joined b = JoinAgent(reg, "b", 1);
  reg.SetTarget(4, 2.0);
  const uint64_t g = a.session->LastAssignment().generation();

  reg.Leave(a.key, a.session.get());
  ASSERT_EQ(StateOf(reg, "a"), "missing");
  reg.OnStats(a.key, MakeDelta(1, g, /*final=*/true));  // its last delta for g
  EXPECT_EQ(StateOf(reg, "a"), "missing");

  auto fresh = std::make_shared<FakeSession>();
  ASSERT_TRUE(reg.Join(MakeHello("a", 1), fresh).ok());
  const uint64_t g_new = fresh->LastAssignment().generation();
  ASSERT_GT(g_new, g);
  EXPECT_EQ(StateOf(reg, "a"), "running");
  EXPECT_EQ(fresh->LastAssignment().users() + b.session->LastAssignment().users(), 4);

  reg.OnStats(a.key, MakeDelta(1, g, /*final=*/true));  // the resend
  EXPECT_EQ(StateOf(reg, "a"), "running");

  reg.Stop(absl::Seconds(1));
  EXPECT_EQ(fresh->Count(Body::kStop), 1);
  EXPECT_EQ(StateOf(reg, "a"), "stopping");
  EXPECT_FALSE(reg.Finished());

  reg.OnStats(b.key, MakeDelta(1, g_new, /*final=*/true));
  EXPECT_FALSE(reg.Finished());
  reg.OnStats(a.key, MakeDelta(2, g_new, /*final=*/true));
  EXPECT_EQ(StateOf(reg, "a"), "stopped");
  EXPECT_TRUE(reg.Finished());
}

// The same, when the master only receives the old final delta (under a seq it has not seen)
// after the agent rejoined.
TEST(AgentRegistryTest, LateFinalDeltaOfTheOldGenerationAfterARejoinDoesNotFinish) {
  AgentRegistry reg(TestSpec(), Options());
  Joined a = JoinAgent(reg, "a", 1);
  reg.SetTarget(4, 2.0);
  const uint64_t g = a.session->LastAssignment().generation();
  reg.Leave(a.key, a.session.get());
  ASSERT_EQ(StateOf(reg, "a"), "missing");

  auto fresh = std::make_shared<FakeSession>();
  ASSERT_TRUE(reg.Join(MakeHello("a", 1), fresh).ok());
  const uint64_t g_new = fresh->LastAssignment().generation();
  ASSERT_GT(g_new, g);
  EXPECT_EQ(fresh->LastAssignment().users(), 4);

  reg.OnStats(a.key, MakeDelta(1, g, /*final=*/true));
  EXPECT_EQ(reg.TakeDeltas().size(), 1u);  // its stats still count
  reg.Stop(absl::Seconds(1));
  EXPECT_EQ(fresh->Count(Body::kStop), 1);
  EXPECT_EQ(StateOf(reg, "a"), "stopping");
  EXPECT_FALSE(reg.Finished());
  reg.OnStats(a.key, MakeDelta(2, g_new, /*final=*/true));
  EXPECT_TRUE(reg.Finished());
}

TEST(AgentRegistryTest, StopSkipsUnassignedAndMissingAgents) {
  AgentRegistry reg(TestSpec(), Options());
  Joined a = JoinAgent(reg, "a", 1);
  Joined b = JoinAgent(reg, "b", 1);
  reg.SetTarget(4, 2.0);
  reg.Leave(b.key, b.session.get());
  b.session->Clear();
  reg.Stop(absl::Seconds(1));
  EXPECT_EQ(b.session->Count(Body::kStop), 0);
  EXPECT_EQ(StateOf(reg, "b"), "missing");
  EXPECT_EQ(a.session->Count(Body::kStop), 1);
  // An agent that joins during the stop gets no work and is not waited for.
  Joined c = JoinAgent(reg, "c", 1);
  EXPECT_EQ(c.session->Count(Body::kAssignment), 0);
  const uint64_t g = a.session->LastAssignment().generation();
  reg.OnStats(a.key, MakeDelta(1, g, /*final=*/true));
  EXPECT_TRUE(reg.Finished());
}

TEST(AgentRegistryTest, QuitAllReachesConnectedAgentsOnly) {
  AgentRegistry reg(TestSpec(), Options());
  Joined a = JoinAgent(reg, "a", 1);
  Joined b = JoinAgent(reg, "b", 1);
  Joined c = JoinAgent(reg, "c", 1);
  reg.SetTarget(3, 1.0);
  reg.Leave(b.key, b.session.get());
  reg.QuitAll("run over");
  EXPECT_EQ(a.session->Count(Body::kQuit), 1);
  EXPECT_EQ(b.session->Count(Body::kQuit), 0);
  EXPECT_EQ(c.session->Count(Body::kQuit), 1);
  EXPECT_EQ(a.session->Messages().back().quit().reason(), "run over");
}

TEST(AgentRegistryTest, RequestBudgetIsSplitOnceAtTheStart) {
  AgentRegistry reg(TestSpec(/*max_requests=*/101), Options());
  Joined a = JoinAgent(reg, "a", 1);
  Joined b = JoinAgent(reg, "b", 3);
  reg.SetTarget(8, 4.0);
  const proto::Assignment asg_a = a.session->LastAssignment();
  const proto::Assignment asg_b = b.session->LastAssignment();
  EXPECT_EQ(asg_a.spec().max_requests() + asg_b.spec().max_requests(), 101);
  EXPECT_GT(asg_a.spec().max_requests(), 0);
  EXPECT_GT(asg_b.spec().max_requests(), asg_a.spec().max_requests());
  EXPECT_EQ(asg_a.users() + asg_b.users(), 8);

  // A latecomer: no budget left to give, so no users and no assignment.
  Joined c = JoinAgent(reg, "c", 4);
  EXPECT_EQ(c.session->Count(Body::kAssignment), 0);
  EXPECT_EQ(SummaryOf(reg, "c").users, 0);
  // The holders keep their shares of the budget (not split again) and all the users.
  const proto::Assignment again_a = a.session->LastAssignment();
  const proto::Assignment again_b = b.session->LastAssignment();
  EXPECT_EQ(again_a.spec().max_requests(), asg_a.spec().max_requests());
  EXPECT_EQ(again_b.spec().max_requests(), asg_b.spec().max_requests());
  EXPECT_EQ(again_a.users() + again_b.users(), 8);
  reg.SetTarget(8, 4.0);
  EXPECT_EQ(c.session->Count(Body::kAssignment), 0);
  EXPECT_EQ(a.session->LastAssignment().spec().max_requests() +
                b.session->LastAssignment().spec().max_requests(),
            101);

  EXPECT_FALSE(reg.BudgetDone());
  reg.OnHeartbeat(c.key, MakeHeartbeat(0, /*budget_done=*/true));  // not a holder
  EXPECT_FALSE(reg.BudgetDone());
  reg.OnHeartbeat(a.key, MakeHeartbeat(0, /*budget_done=*/true));
  EXPECT_FALSE(reg.BudgetDone());
  reg.OnHeartbeat(b.key, MakeHeartbeat(2, /*budget_done=*/false));
  EXPECT_FALSE(reg.BudgetDone());
  reg.OnHeartbeat(b.key, MakeHeartbeat(0, /*budget_done=*/true));
  EXPECT_TRUE(reg.BudgetDone());
}

// With --requests, budget holders that are gone (a dropped stream, a partition) have not used
// up their shares: they are given work again when they come back, so the run is not done.
TEST(AgentRegistryTest, BudgetIsNotDoneWhileItsHoldersAreMissing) {
  AgentRegistry reg(TestSpec(/*max_requests=*/1000), Options());
  Joined a = JoinAgent(reg, "a", 1);
  reg.SetTarget(4, 2.0);
  reg.OnHeartbeat(a.key, MakeHeartbeat(4, /*budget_done=*/false));
  EXPECT_FALSE(reg.BudgetDone());
  reg.Leave(a.key, a.session.get());
  ASSERT_EQ(StateOf(reg, "a"), "missing");
  EXPECT_FALSE(reg.BudgetDone()) << "the only budget holder dropped out with its share unspent";

  // It comes back and is given work again, with its share of the budget.
  auto fresh = std::make_shared<FakeSession>();
  ASSERT_TRUE(reg.Join(MakeHello("a", 1), fresh).ok());
  EXPECT_EQ(fresh->LastAssignment().users(), 4);
  EXPECT_EQ(fresh->LastAssignment().spec().max_requests(), 1000);
  EXPECT_FALSE(reg.BudgetDone());
  reg.OnHeartbeat(a.key, MakeHeartbeat(0, /*budget_done=*/true));
  EXPECT_TRUE(reg.BudgetDone());
}

TEST(AgentRegistryTest, NoBudgetMeansNoBudgetDone) {
  AgentRegistry reg(TestSpec(), Options());
  Joined a = JoinAgent(reg, "a", 1);
  reg.SetTarget(2, 1.0);
  reg.OnHeartbeat(a.key, MakeHeartbeat(0, /*budget_done=*/true));
  EXPECT_FALSE(reg.BudgetDone());
  EXPECT_EQ(a.session->LastAssignment().spec().max_requests(), 0);
}

}  // namespace
}  // namespace llmload::master
