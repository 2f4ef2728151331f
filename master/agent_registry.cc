#include "master/agent_registry.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/wire_codec.h"
#include "master/dispatch.h"
#include "schedule/largest_remainder.h"
#include "schedule/rate_split.h"
#include "schedule/trace_replay.h"

namespace llmload::master {

AgentRegistry::AgentRegistry(WorkloadSpec spec, RegistryOptions options)
    : spec_(std::move(spec)), options_(std::move(options)) {}

const char* AgentRegistry::StateName(State s) {
  switch (s) {
    case State::kIdle:
      return "idle";
    case State::kRunning:
      return "running";
    case State::kStopping:
      return "stopping";
    case State::kStopped:
      return "stopped";
    case State::kMissing:
      return "missing";
  }
  return "unknown";
}

void AgentRegistry::Flush(Outbox& out) {
  for (auto& [session, message] : out) session->Send(message);
  out.clear();
}

bool AgentRegistry::Eligible(const Agent& a) const {
  if (a.session == nullptr || a.state == State::kMissing || a.state == State::kStopped)
    return false;
  // With --requests the agents that shared the budget at the start carry the whole run: a
  // newcomer has no budget to spend (0 would mean "no limit").
  return spec_.max_requests <= 0 || !budget_split_done_ || a.in_budget_set;
}

absl::StatusOr<std::string> AgentRegistry::Join(const proto::Hello& hello,
                                                std::shared_ptr<AgentSession> session) {
  Outbox out;
  std::shared_ptr<AgentSession> replaced;
  std::string key = absl::StrCat(hello.agent_id(), "#", hello.incarnation());
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto [it, inserted] = agents_.try_emplace(key, nullptr);
    if (inserted) {
      it->second = std::make_unique<Agent>();
      it->second->index = static_cast<uint32_t>(order_.size());
      order_.push_back(it->second.get());
    }
    Agent& a = *it->second;
    // Only this very process can present this key: its old stream is dead, whether or not
    // the master has noticed yet. Its Leave() will not match the new session.
    replaced = std::move(a.session);
    const bool rejoined = !inserted;
    a.key = key;
    // A newcomer whose id another agent already has (containers share a hostname and pid 1;
    // hostNetwork pods share the node's name; a restarted agent keeps its --agent-id) gets
    // a unique name, so no report shows two agents under one. A rejoin keeps its name.
    if (inserted) a.id = UniqueName(hello.agent_id());
    a.hostname = hello.hostname();
    // Its weight in the split: the cores it may use, or fewer event loops if it runs fewer.
    a.cores = std::max(
        1u, hello.threads() > 0 ? std::min(hello.cores(), hello.threads()) : hello.cores());
    a.session = session;
    a.last_seen_ns = MonotonicNowNs();
    if (a.state == State::kMissing) a.state = stopping_ ? State::kStopped : State::kIdle;
    proto::MasterMessage welcome;
    welcome.mutable_welcome()->set_agent_index(a.index);
    welcome.mutable_welcome()->set_stats_interval_ms(
        absl::ToInt64Milliseconds(options_.stats_interval));
    welcome.mutable_welcome()->set_run_id(options_.run_id);
    welcome.mutable_welcome()->set_agent_name(a.id);
    // Sent under the lock so that no assignment can overtake it.
    session->Send(welcome);
    if (inserted && a.id != hello.agent_id()) {
      notices_.push_back(absl::StrCat("llmload master: warning: agent id ", hello.agent_id(), " (",
                                      a.hostname,
                                      ") is taken by another agent; this one "
                                      "is called ",
                                      a.id, " (give each agent its own --agent-id)"));
    }
    notices_.push_back(absl::StrCat("llmload master: agent ", a.id, " (", a.hostname, ", ", a.cores,
                                    " cores) ", rejoined ? "rejoined" : "joined"));
    if (started_ && !stopping_) Redispatch(out);
  }
  if (replaced != nullptr) replaced->Cancel();
  Flush(out);
  return key;
}

std::string AgentRegistry::UniqueName(const std::string& id) const {
  auto taken = [&](const std::string& name) {
    for (const Agent* a : order_) {
      if (a->id == name) return true;
    }
    return false;
  };
  if (!taken(id)) return id;
  for (int n = 2;; ++n) {
    std::string name = absl::StrCat(id, "~", n);
    if (!taken(name)) return name;
  }
}

void AgentRegistry::OnHeartbeat(const std::string& key, const proto::Heartbeat& hb) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = agents_.find(key);
  if (it == agents_.end()) return;
  Agent& a = *it->second;
  a.last_seen_ns = MonotonicNowNs();
  a.users_running = hb.users();
  a.budget_done = hb.budget_done();
  a.cpu_percent = hb.cpu_percent();
  if (hb.engine_saturated() && !a.saturated) {
    notices_.push_back(
        absl::StrCat("llmload master: warning: agent ", a.id, "'s load engine is saturated (",
                     static_cast<int>(hb.engine_busy_percent()),
                     "% busy): its latencies include its own queueing; add agents or threads"));
  }
  a.saturated = hb.engine_saturated();
}

void AgentRegistry::OnStats(const std::string& key, proto::StatsDelta delta) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = agents_.find(key);
  if (it == agents_.end()) return;
  Agent& a = *it->second;
  a.last_seen_ns = MonotonicNowNs();
  // Stats of an earlier master's run: that run's report is written (or lost with it).
  if (delta.run_id() != options_.run_id) return;
  const uint64_t seq = delta.seq();
  if (seq == 0 || seq <= a.acked_seq ||
      std::find(a.ahead.begin(), a.ahead.end(), seq) != a.ahead.end()) {
    return;  // a resend of something already queued
  }
  a.ahead.push_back(seq);
  std::sort(a.ahead.begin(), a.ahead.end());
  while (!a.ahead.empty() && a.ahead.front() == a.acked_seq + 1) {
    ++a.acked_seq;
    a.ahead.erase(a.ahead.begin());
  }
  a.requests += RequestsInStatsProto(delta);
  // A final delta of an older generation is a resend from before the agent rejoined: the
  // agent has been given work since, so it is not done.
  if (delta.final() && delta.generation() >= a.generation) {
    a.final_received = true;
    if (stopping_) a.state = State::kStopped;
  }
  // Validated and merged by the run loop's aggregator; queued as received.
  deltas_.push_back(Delta{key, seq, std::move(delta)});
}

void AgentRegistry::MarkMissing(Agent& a, const char* why, Outbox& out) {
  if (a.state == State::kMissing) return;
  const bool had_work = a.state == State::kRunning && a.users_assigned > 0;
  a.state = State::kMissing;
  a.users_running = 0;
  notices_.push_back(
      absl::StrCat("llmload master: agent ", a.id, " (", a.hostname, ") ", why,
                   had_work && !stopping_
                       ? absl::StrCat("; its ", a.users_assigned, " users move to the other agents")
                       : ""));
  if (started_ && !stopping_) Redispatch(out);
}

void AgentRegistry::Leave(const std::string& key, const AgentSession* session) {
  Outbox out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = agents_.find(key);
    if (it == agents_.end() || it->second->session.get() != session) return;
    Agent& a = *it->second;
    a.session = nullptr;
    if (!(stopping_ && a.final_received)) MarkMissing(a, "disconnected", out);
  }
  Flush(out);
}

void AgentRegistry::Tick() {
  Outbox out;
  std::vector<std::shared_ptr<AgentSession>> to_cancel;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const int64_t now = MonotonicNowNs();
    const int64_t limit = absl::ToInt64Nanoseconds(options_.silence_limit);
    for (Agent* a : order_) {
      if (a->session == nullptr) continue;
      if (now - a->last_seen_ns > limit) {
        to_cancel.push_back(a->session);
        a->session = nullptr;
        MarkMissing(
            *a, absl::StrCat("silent for ", absl::FormatDuration(options_.silence_limit)).c_str(),
            out);
        continue;
      }
      proto::MasterMessage ping;
      ping.mutable_ping()->set_stats_acked_seq(a->acked_seq);
      out.emplace_back(a->session, ping);
    }
  }
  for (auto& s : to_cancel) s->Cancel();
  Flush(out);
}

void AgentRegistry::QuitAll(const std::string& reason) {
  Outbox out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    proto::MasterMessage quit;
    quit.mutable_quit()->set_reason(reason);
    for (Agent* a : order_) {
      if (a->session != nullptr) out.emplace_back(a->session, quit);
    }
  }
  Flush(out);
}

int AgentRegistry::ConnectedAgents() {
  std::lock_guard<std::mutex> lock(mu_);
  int n = 0;
  for (const Agent* a : order_) n += a->session != nullptr && a->state != State::kMissing;
  return n;
}

void AgentRegistry::WeighByStripes(const std::vector<Agent*>& live, std::vector<double>& weights) {
  if (trace_stripes_ == 0) {
    // Stripes are dealt once, to the agents there at the start. A trace shorter than the list
    // of agents, or a cap below it, leaves the last ones without a line: every stripe holder
    // needs a slot of the cap, or it could only drop its lines.
    int64_t stripes = std::min<int64_t>(static_cast<int64_t>(live.size()),
                                        static_cast<int64_t>(spec_.trace.size()));
    if (target_.open.max_concurrency > 0) {
      stripes = std::min<int64_t>(stripes, target_.open.max_concurrency);
    }
    trace_stripes_ = std::max<int64_t>(stripes, 1);
    for (int64_t i = 0; i < trace_stripes_; ++i) live[static_cast<size_t>(i)]->trace_stripe = i;
  }
  // The stripes hold equal shares of the trace (to a line), so the cap, the queue and a looped
  // replay's --requests are split equally over their holders, and nothing goes to an agent
  // without a line. If no holder is live, the weights stay as they are (nothing is sent).
  std::vector<double> by_stripe(live.size(), 0.0);
  bool any = false;
  for (size_t i = 0; i < live.size(); ++i) {
    if (live[i]->trace_stripe >= 0) {
      by_stripe[i] = 1.0;
      any = true;
    }
  }
  if (any) weights = std::move(by_stripe);
}

void AgentRegistry::Redispatch(Outbox& out) {
  std::vector<Agent*> live;
  std::vector<double> weights;
  for (Agent* a : order_) {
    if (Eligible(*a)) {
      live.push_back(a);
      weights.push_back(a->cores);
    } else {
      a->users_assigned = 0;  // its users are someone else's now
    }
  }
  if (live.empty()) {
    notices_.push_back("llmload master: no agent is available; waiting for one to (re)join");
    return;
  }
  if (!spec_.trace.empty()) WeighByStripes(live, weights);
  const int64_t budget = budget_split_done_ ? 0 : spec_.max_requests;
  const std::vector<AgentShare> shares =
      SplitLoad(target_.users, target_.spawn_rate, budget, weights);
  // Open loop: the rate, cap and queue split by weight, each share with its phase.
  const std::vector<schedule::RateShare> rate_shares =
      spec_.open_loop ? schedule::SplitRate(target_.open.rate, target_.open.max_concurrency,
                                            target_.open.max_queue, weights)
                      : std::vector<schedule::RateShare>(live.size());
  const std::vector<int64_t> warmup_shares =
      schedule::SplitLargestRemainder(spec_.warmup_requests, weights);
  ++generation_;
  proto::WorkloadSpec spec_proto;
  SpecToProto(spec_, &spec_proto);
  for (size_t i = 0; i < live.size(); ++i) {
    Agent& a = *live[i];
    if (!budget_split_done_ && spec_.max_requests > 0) {
      // An unlooped replay's budget is its lines: each agent's, its stripe's.
      a.max_requests = spec_.trace.empty() || spec_.trace_loop
                           ? shares[i].max_requests
                           : schedule::StripeSize(static_cast<int64_t>(spec_.trace.size()),
                                                  a.trace_stripe, trace_stripes_);
      a.in_budget_set = spec_.trace.empty() || a.trace_stripe >= 0;
    }
    a.users_assigned = shares[i].users;
    a.assigned = true;
    a.generation = generation_;
    a.final_received = false;
    a.state = State::kRunning;
    proto::MasterMessage m;
    proto::Assignment* asg = m.mutable_assignment();
    asg->set_generation(generation_);
    asg->set_run_id(options_.run_id);
    asg->set_users(shares[i].users);
    asg->set_spawn_rate(shares[i].spawn_rate);
    asg->set_start_at_unix_ns(run_start_wall_ns_);
    asg->set_rate(rate_shares[i].rate);
    asg->set_max_concurrency(rate_shares[i].max_concurrency);
    asg->set_max_queue(rate_shares[i].max_queue);
    asg->set_rate_phase_ns(rate_shares[i].phase_ns);
    asg->set_warmup_end_ns(target_.warmup_end_ns);
    asg->set_trace_stripe(std::max<int64_t>(a.trace_stripe, 0));
    asg->set_trace_stripes(a.trace_stripe >= 0 ? trace_stripes_ : 0);
    *asg->mutable_spec() = spec_proto;
    asg->mutable_spec()->set_warmup_requests(warmup_shares[i]);
    asg->mutable_spec()->set_max_requests(
        spec_.max_requests > 0 ? std::max<int64_t>(a.max_requests, 0) : 0);
    out.emplace_back(a.session, std::move(m));
  }
  if (spec_.max_requests > 0) budget_split_done_ = true;
}

void AgentRegistry::SetTarget(const schedule::LoadTarget& target) {
  Outbox out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!started_) run_start_wall_ns_ = WallNowNs();
    started_ = true;
    target_ = target;
    Redispatch(out);
  }
  Flush(out);
}

void AgentRegistry::Stop(absl::Duration grace) {
  Outbox out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    grace_ = grace;
    proto::MasterMessage stop;
    stop.mutable_stop()->set_grace_ms(absl::ToInt64Milliseconds(grace));
    for (Agent* a : order_) {
      if (a->session == nullptr || a->state == State::kMissing) continue;
      if (a->final_received) {
        a->state = State::kStopped;
        continue;
      }
      a->state = a->assigned ? State::kStopping : State::kStopped;
      if (a->assigned) out.emplace_back(a->session, stop);
    }
  }
  Flush(out);
}

bool AgentRegistry::Finished() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!stopping_) return false;
  for (const Agent* a : order_) {
    if (a->state == State::kStopping) return false;
  }
  return true;
}

bool AgentRegistry::BudgetDone() {
  std::lock_guard<std::mutex> lock(mu_);
  if (spec_.max_requests <= 0 || !budget_split_done_) return false;
  // A holder that went missing with its share unspent is waited for: when it rejoins it
  // spends the rest of its share (the agent keeps count, agent_client.h). Its last heartbeat
  // says whether it was done.
  for (const Agent* a : order_) {
    if (a->in_budget_set && !a->budget_done) return false;
  }
  return true;
}

int64_t AgentRegistry::RunningUsers() {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t n = 0;
  for (const Agent* a : order_) {
    if (a->session != nullptr) n += a->users_running;
  }
  return n;
}

int AgentRegistry::Agents() {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(order_.size());
}

std::vector<LoadSource::Delta> AgentRegistry::TakeDeltas() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Delta> out;
  out.swap(deltas_);
  return out;
}

std::vector<AgentSummary> AgentRegistry::AgentList() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<AgentSummary> list;
  for (const Agent* a : order_) {
    list.push_back(
        AgentSummary{a->id, a->hostname, a->users_assigned, a->requests, StateName(a->state)});
  }
  return list;
}

std::string AgentRegistry::TakeNotice() {
  std::lock_guard<std::mutex> lock(mu_);
  std::string all;
  while (!notices_.empty()) {
    if (!all.empty()) all += "\n";
    all += notices_.front();
    notices_.pop_front();
  }
  return all;
}

}  // namespace llmload::master
