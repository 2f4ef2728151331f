// fake_agents_harness: N fake agents over real gRPC, for measuring the master (llmload master)
// while it merges 1 s stats deltas. Each fake agent opens its own channel (its own TCP
// connection) and speaks the agent side of proto Coordinator.Connect like agent/agent_client.cc:
// Hello (version kVersion, a unique agent_id, a random incarnation) first; then, once an
// Assignment arrives, a Heartbeat and a StatsDelta every second (seq 1, 2, 3...); on Stop a
// final delta (final = true); on Quit it half-closes and ends. It generates no load: each
// delta holds --rps requests whose completion times are spread evenly over the delta's
// interval [start_wall_ns, end_wall_ns] (end = the send time, as a real agent stamps it), with
// realistic histograms: TTFT lognormal around 50 ms, e2e around 1.5 s, ~100 ITL samples per
// request around 10 ms, TPOT, tokens, and 1% HTTP 5xx failures.
//
// Streams use the gRPC callback API (one reactor per agent; gRPC's own threads run the
// callbacks), and --threads driver threads (default one per 25 agents) build and queue the
// messages, so the harness stays light next to the master on a 2-core machine.
//
// At the end it prints one line `harness: agents=.. deltas=.. requests_sent=.. ...` and, with
// --deltas-csv, one row per delta: agent,seq,start_wall_ns,end_wall_ns,send_wall_ns,requests,final
// (benchmarks/master_scaling.sh uses both to check the master's totals and to measure the delay
// from a request completing to it showing in the master's --csv-stats).
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/error_class.h"
#include "common/interval_stats.h"
#include "common/version.h"
#include "common/wire_codec.h"
#include "proto/llmload.grpc.pb.h"

namespace {

using llmload::kNsPerMs;
using llmload::kNsPerSecond;
using llmload::MonotonicNowNs;
using llmload::WallNowNs;
namespace proto = llmload::proto;

struct Options {
  std::string master = "127.0.0.1:5557";
  int agents = 100;
  int threads = 0;  // 0: one per 25 agents
  int rps = 50;     // requests per agent per second (per delta)
  int itl_per_request = 100;
  bool aligned = false;  // every agent ticks at the same instant (default: phases spread)
  int max_seconds = 600;
  std::string deltas_csv;
};

struct DeltaRecord {
  uint64_t seq;
  int64_t start_wall_ns, end_wall_ns, send_wall_ns;
  uint64_t requests;
  bool final;
};

class FakeAgent;

// One agent's stream. Callbacks come on gRPC threads; Send() comes from a driver thread.
class FakeAgent : public grpc::ClientBidiReactor<proto::AgentMessage, proto::MasterMessage> {
 public:
  FakeAgent(int index, const Options& o, uint64_t incarnation) : index_(index) {
    grpc::ChannelArguments args;
    // Its own subchannel, hence its own TCP connection, like a separate agent process.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    channel_ = grpc::CreateCustomChannel(o.master, grpc::InsecureChannelCredentials(), args);
    stub_ = proto::Coordinator::NewStub(channel_);
    agent_id_ = "fake-" + std::to_string(index);
    incarnation_ = incarnation;
  }

  void Start() {
    stub_->async()->Connect(&ctx_, this);
    proto::AgentMessage hello_msg;
    proto::Hello* hello = hello_msg.mutable_hello();
    hello->set_agent_id(agent_id_);
    hello->set_hostname("fake-host");
    hello->set_cores(1);
    hello->set_version(llmload::kVersion);
    hello->set_threads(1);
    hello->set_incarnation(incarnation_);
    Send(std::move(hello_msg));
    StartRead(&in_);
    StartCall();
  }

  // Queues one message; writes go out one at a time, in order.
  void Send(proto::AgentMessage m) {
    std::lock_guard<std::mutex> lock(mu_);
    if (writes_closed_) return;
    outq_.push_back(std::move(m));
    if (!writing_) {
      writing_ = true;
      StartWrite(&outq_.front());
    }
  }
  // After the last message: half-close once the queue is empty.
  void CloseWrites() {
    std::lock_guard<std::mutex> lock(mu_);
    if (writes_closed_) return;
    writes_closed_ = true;
    if (!writing_) StartWritesDone();
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    outq_.pop_front();
    if (!ok) write_failures_++;
    if (!outq_.empty()) {
      StartWrite(&outq_.front());
    } else {
      writing_ = false;
      if (writes_closed_) StartWritesDone();
    }
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;  // stream ended; OnDone follows
    if (in_.has_welcome()) {
      // Written before welcomed_ is published; read only by deltas sent after it.
      run_id_ = in_.welcome().run_id();
      welcomed_.store(true);
    } else if (in_.has_reject()) {
      std::fprintf(stderr, "harness: agent %d rejected: %s\n", index_,
                   in_.reject().reason().c_str());
      rejected_.store(true);
    } else if (in_.has_assignment()) {
      users_.store(in_.assignment().users());
      generation_.store(in_.assignment().generation());
      if (!running_.exchange(true)) assigned_wall_ns_.store(WallNowNs());
    } else if (in_.has_stop()) {
      stop_requested_.store(true);
    } else if (in_.has_quit()) {
      quit_.store(true);
    } else if (in_.has_ping()) {
      acked_seq_.store(in_.ping().stats_acked_seq());
      pings_.fetch_add(1);
    }
    StartRead(&in_);
  }
  void OnDone(const grpc::Status& s) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      writes_closed_ = true;  // no operation may start after OnDone
    }
    status_ = s;
    done_.store(true);
  }

  const int index_;
  std::string agent_id_;
  uint64_t incarnation_ = 0;
  std::string run_id_;  // the master's, from Welcome: every delta names it
  std::atomic<bool> welcomed_{false}, rejected_{false}, running_{false}, stop_requested_{false},
      quit_{false}, done_{false};
  std::atomic<int64_t> users_{0}, assigned_wall_ns_{0};
  std::atomic<uint64_t> generation_{0}, acked_seq_{0}, pings_{0};
  grpc::Status status_;
  grpc::ClientContext ctx_;

  // Driver-thread state.
  uint64_t next_seq = 1;
  int64_t next_due_ns = 0;  // monotonic
  int64_t interval_start_wall = 0;
  bool final_sent = false;
  bool writes_closed_by_driver = false;
  std::vector<DeltaRecord> sent;
  std::mt19937_64 rng;

  uint64_t write_failures() {
    std::lock_guard<std::mutex> lock(mu_);
    return write_failures_;
  }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<proto::Coordinator::Stub> stub_;
  proto::MasterMessage in_;
  std::mutex mu_;
  std::deque<proto::AgentMessage> outq_;
  bool writing_ = false;
  bool writes_closed_ = false;
  uint64_t write_failures_ = 0;
};

// Fills `stats` with `n` requests completing over [start, end] and encodes it as a delta.
void BuildDelta(FakeAgent& a, const Options& o, int n, int64_t start, int64_t end,
                llmload::IntervalStats& stats, proto::StatsDelta* delta) {
  stats.Reset();
  stats.start_wall_ns = start;
  stats.end_wall_ns = end;
  std::lognormal_distribution<double> ttft(std::log(50e6), 0.5);  // median 50 ms
  std::lognormal_distribution<double> e2e(std::log(1.5e9), 0.3);  // median 1.5 s
  std::lognormal_distribution<double> itl(std::log(10e6), 0.35);  // median 10 ms
  std::uniform_int_distribution<int> out_tokens(o.itl_per_request * 8 / 10,
                                                o.itl_per_request * 12 / 10);
  std::uniform_int_distribution<int> in_tokens(100, 400);
  std::uniform_int_distribution<int> pct(0, 99);
  for (int i = 0; i < n; ++i) {
    if (pct(a.rng) == 0) {  // 1% server errors: counted, not in the histograms
      stats.outcomes[static_cast<size_t>(llmload::ErrorClass::kHttp5xx)]++;
      continue;
    }
    stats.outcomes[static_cast<size_t>(llmload::ErrorClass::kSuccess)]++;
    const int64_t t = static_cast<int64_t>(ttft(a.rng));
    const int toks = out_tokens(a.rng);
    int64_t sum_itl = 0;
    for (int k = 1; k < toks; ++k) {
      const int64_t g = static_cast<int64_t>(itl(a.rng));
      stats.itl.Record(g);
      sum_itl += g;
    }
    const int64_t e = std::max<int64_t>(static_cast<int64_t>(e2e(a.rng)), t + sum_itl);
    stats.ttft.Record(t);
    stats.e2e.Record(e);
    if (toks > 1) stats.tpot.Record((e - t) / (toks - 1));
    stats.input_tokens += in_tokens(a.rng);
    stats.output_tokens += toks;
    stats.tokens_from_usage++;
  }
  llmload::StatsToProto(stats, delta);
}

void Heartbeat(FakeAgent& a, proto::AgentState state) {
  proto::AgentMessage m;
  proto::Heartbeat* hb = m.mutable_heartbeat();
  hb->set_state(state);
  hb->set_generation(a.generation_.load());
  hb->set_users(state == proto::AGENT_STATE_RUNNING ? a.users_.load() : 0);
  hb->set_in_flight(state == proto::AGENT_STATE_RUNNING ? a.users_.load() : 0);
  hb->set_cpu_percent(1.0);
  a.Send(std::move(m));
}

void SendDelta(FakeAgent& a, const Options& o, llmload::IntervalStats& stats, bool final) {
  const int64_t end = WallNowNs();
  const int64_t start = a.interval_start_wall;
  // A final delta covers a partial interval: its share of --rps.
  int n = o.rps;
  if (final) n = static_cast<int>(std::llround(o.rps * std::clamp((end - start) / 1e9, 0.0, 1.0)));
  proto::AgentMessage m;
  proto::StatsDelta* d = m.mutable_stats();
  BuildDelta(a, o, n, start, end, stats, d);
  d->set_seq(a.next_seq++);
  d->set_run_id(a.run_id_);
  d->set_generation(a.generation_.load());
  d->set_final(final);
  const uint64_t requests = stats.requests();
  const int64_t send_wall = WallNowNs();
  a.Send(std::move(m));
  a.sent.push_back(DeltaRecord{d->seq(), start, end, send_wall, requests, final});
  a.interval_start_wall = end;
}

// Drives agents[k], agents[k + T], ...: heartbeats and deltas every second at each agent's phase.
void Drive(std::vector<std::unique_ptr<FakeAgent>>& agents, int first, int step, const Options& o,
           const std::atomic<bool>& give_up) {
  llmload::IntervalStats stats;  // reused: Reset() only clears the used buckets
  while (!give_up.load()) {
    bool all_closed = true;
    const int64_t now = MonotonicNowNs();
    for (size_t i = first; i < agents.size(); i += step) {
      FakeAgent& a = *agents[i];
      if (a.writes_closed_by_driver) continue;
      all_closed = false;
      if (a.done_.load() || a.rejected_.load()) {
        a.writes_closed_by_driver = true;
        continue;
      }
      if (!a.welcomed_.load()) continue;
      if (a.next_due_ns == 0) {
        // Phase: spread over the second unless --aligned.
        const int64_t phase = o.aligned ? 0 : (kNsPerSecond * a.index_) / o.agents;
        a.next_due_ns = now + phase;
      }
      if (a.stop_requested_.load() && a.running_.load() && !a.final_sent) {
        SendDelta(a, o, stats, /*final=*/true);
        a.final_sent = true;
        Heartbeat(a, proto::AGENT_STATE_STOPPED);
      }
      if (a.quit_.load()) {
        a.CloseWrites();
        a.writes_closed_by_driver = true;
        continue;
      }
      if (now >= a.next_due_ns) {
        a.next_due_ns += kNsPerSecond;
        if (a.next_due_ns < now) a.next_due_ns = now + kNsPerSecond;  // fell behind: skip
        const bool running = a.running_.load() && !a.final_sent;
        if (running && a.interval_start_wall == 0) {
          a.interval_start_wall = a.assigned_wall_ns_.load();
        }
        Heartbeat(a, a.final_sent ? proto::AGENT_STATE_STOPPED
                     : running    ? proto::AGENT_STATE_RUNNING
                                  : proto::AGENT_STATE_IDLE);
        if (running) SendDelta(a, o, stats, /*final=*/false);
      }
    }
    if (all_closed) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

bool ParseInt(const char* s, int* out) {
  char* end = nullptr;
  const long v = std::strtol(s, &end, 10);
  if (end == s || *end != '\0' || v < 0 || v > 1'000'000) return false;
  *out = static_cast<int>(v);
  return true;
}

int Usage() {
  std::fprintf(stderr,
               "usage: fake_agents_harness --master HOST:PORT [--agents N=100] [--threads T]\n"
               "       [--rps R=50 requests per agent per delta] [--itl-per-request K=100]\n"
               "       [--aligned] [--max-seconds S=600] [--deltas-csv PATH]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string f = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (f == "--aligned") {
      o.aligned = true;
    } else if (f == "--master" && (v = value())) {
      o.master = v;
    } else if (f == "--deltas-csv" && (v = value())) {
      o.deltas_csv = v;
    } else if (f == "--agents" && (v = value()) && ParseInt(v, &o.agents) && o.agents > 0) {
    } else if (f == "--threads" && (v = value()) && ParseInt(v, &o.threads)) {
    } else if (f == "--rps" && (v = value()) && ParseInt(v, &o.rps)) {
    } else if (f == "--itl-per-request" && (v = value()) && ParseInt(v, &o.itl_per_request) &&
               o.itl_per_request > 0) {
    } else if (f == "--max-seconds" && (v = value()) && ParseInt(v, &o.max_seconds)) {
    } else {
      return Usage();
    }
  }
  if (o.threads <= 0) o.threads = (o.agents + 24) / 25;

  std::random_device rd;
  std::vector<std::unique_ptr<FakeAgent>> agents;
  for (int i = 0; i < o.agents; ++i) {
    const uint64_t incarnation = (uint64_t{rd()} << 32) | rd();
    agents.push_back(std::make_unique<FakeAgent>(i, o, incarnation));
    agents.back()->rng.seed(incarnation);
  }
  const int64_t t0 = MonotonicNowNs();
  for (auto& a : agents) a->Start();

  std::atomic<bool> give_up{false};
  std::vector<std::thread> drivers;
  for (int t = 0; t < o.threads; ++t) {
    drivers.emplace_back([&, t] { Drive(agents, t, o.threads, o, give_up); });
  }
  // Bounded: after --max-seconds, cancel whatever is left.
  const int64_t deadline = t0 + int64_t{o.max_seconds} * kNsPerSecond;
  while (true) {
    bool all_done = true;
    for (auto& a : agents) all_done = all_done && a->done_.load();
    if (all_done) break;
    if (MonotonicNowNs() > deadline) {
      std::fprintf(stderr, "harness: --max-seconds reached; cancelling\n");
      give_up.store(true);
      for (auto& a : agents) a->ctx_.TryCancel();
      for (int i = 0; i < 200; ++i) {
        bool done = true;
        for (auto& a : agents) done = done && a->done_.load();
        if (done) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  give_up.store(true);
  for (auto& t : drivers) t.join();

  uint64_t deltas = 0, requests = 0, finals = 0, unacked = 0, write_failures = 0, not_ok = 0,
           quit = 0;
  FILE* csv = o.deltas_csv.empty() ? nullptr : std::fopen(o.deltas_csv.c_str(), "w");
  if (!o.deltas_csv.empty() && csv == nullptr) {
    std::fprintf(stderr, "harness: cannot write %s\n", o.deltas_csv.c_str());
  }
  if (csv) std::fputs("agent,seq,start_wall_ns,end_wall_ns,send_wall_ns,requests,final\n", csv);
  for (auto& a : agents) {
    for (const DeltaRecord& d : a->sent) {
      ++deltas;
      requests += d.requests;
      finals += d.final;
      if (csv) {
        std::fprintf(csv, "%d,%llu,%lld,%lld,%lld,%llu,%d\n", a->index_,
                     static_cast<unsigned long long>(d.seq),
                     static_cast<long long>(d.start_wall_ns), static_cast<long long>(d.end_wall_ns),
                     static_cast<long long>(d.send_wall_ns),
                     static_cast<unsigned long long>(d.requests), d.final ? 1 : 0);
      }
    }
    unacked += a->next_seq - 1 - std::min<uint64_t>(a->next_seq - 1, a->acked_seq_.load());
    write_failures += a->write_failures();
    not_ok += a->done_.load() && !a->status_.ok();
    quit += a->quit_.load();
  }
  if (csv) std::fclose(csv);
  std::printf(
      "harness: agents=%d deltas=%llu requests_sent=%llu final_deltas=%llu quit=%llu "
      "unacked_at_end=%llu write_failures=%llu streams_not_ok=%llu elapsed_s=%.1f\n",
      o.agents, static_cast<unsigned long long>(deltas), static_cast<unsigned long long>(requests),
      static_cast<unsigned long long>(finals), static_cast<unsigned long long>(quit),
      static_cast<unsigned long long>(unacked), static_cast<unsigned long long>(write_failures),
      static_cast<unsigned long long>(not_ok), (MonotonicNowNs() - t0) / 1e9);
  std::fflush(stdout);
  return quit == static_cast<uint64_t>(o.agents) && write_failures == 0 ? 0 : 1;
}
