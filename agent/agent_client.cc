#include "agent/agent_client.h"

#include <grpcpp/grpcpp.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/cli_command.h"
#include "common/clock.h"
#include "common/redact.h"
#include "common/stop_signals.h"
#include "common/usable_cores.h"
#include "common/version.h"
#include "common/wire_codec.h"
#include "proto/llmload.grpc.pb.h"

namespace llmload::agent {
namespace {

constexpr int64_t kTickNs = 100 * kNsPerMs;
// The largest assignment an agent accepts: its spec holds every prompt, or the whole trace.
constexpr int kMaxAssignmentBytes = 1 << 30;

std::string Hostname() {
  char buf[256] = {0};
  gethostname(buf, sizeof(buf) - 1);
  return buf;
}

// Process CPU time in ns (user + system), for the heartbeat's cpu_percent.
int64_t CpuTimeNs() {
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (int64_t{ru.ru_utime.tv_sec} + ru.ru_stime.tv_sec) * kNsPerSecond +
         (int64_t{ru.ru_utime.tv_usec} + ru.ru_stime.tv_usec) * 1000;
}

// Messages from the master, read on their own thread so the session loop never blocks.
class Inbox {
 public:
  void Push(proto::MasterMessage m) {
    std::lock_guard<std::mutex> lock(mu_);
    messages_.push_back(std::move(m));
    cv_.notify_one();
  }
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    cv_.notify_one();
  }
  // Waits up to `ns` for messages; returns what arrived and whether the stream is closed.
  std::deque<proto::MasterMessage> Wait(int64_t ns, bool* closed) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::nanoseconds(ns), [&] { return closed_ || !messages_.empty(); });
    std::deque<proto::MasterMessage> out;
    out.swap(messages_);
    *closed = closed_;
    return out;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<proto::MasterMessage> messages_;
  bool closed_ = false;
};

}  // namespace

std::string DefaultAgentId(const std::string& hostname, int pid, uint64_t incarnation) {
  return absl::StrCat(hostname, "-", pid, "-",
                      absl::StrFormat("%06x", static_cast<uint32_t>(incarnation & 0xffffff)));
}

AgentClient::AgentClient(AgentOptions options) : options_(std::move(options)) {
  hostname_ = Hostname();
  std::random_device rd;
  incarnation_ = (uint64_t{rd()} << 32) | rd();
  if (options_.agent_id.empty()) {
    options_.agent_id = DefaultAgentId(hostname_, getpid(), incarnation_);
  }
}

AgentClient::~AgentClient() { StopEngine(absl::ZeroDuration()); }

int AgentClient::Run() {
  fd_limits_ = RaiseFdLimit();
  if (!MetricsBindDisabled(options_.metrics_bind)) {
    metrics_ = std::make_unique<AgentMetricsExporter>(options_.agent_id);
    if (absl::Status s = metrics_->Serve(options_.metrics_bind); !s.ok()) {
      std::fprintf(stderr, "llmload agent: %s\n", std::string(s.message()).c_str());
      return kExitBadInput;
    }
    std::fprintf(stderr, "llmload agent metrics on %s\n", metrics_->endpoint()->url().c_str());
  }
  absl::Duration backoff = absl::Milliseconds(250);
  std::string said;  // the last "waiting" line printed: each reason is said once
  while (true) {
    const int64_t started = MonotonicNowNs();
    const SessionEnd end = RunSession();
    switch (end) {
      case SessionEnd::kQuit:
        std::fprintf(stderr, "llmload agent: master said quit%s\n", exit_message_.c_str());
        return 0;
      case SessionEnd::kRejected:
        std::fprintf(stderr, "llmload agent: %s\n", exit_message_.c_str());
        return 2;
      case SessionEnd::kSignalled:
        std::fprintf(stderr, "llmload agent: stopped by signal\n");
        return 0;
      case SessionEnd::kLost:
        break;
    }
    // A session that lasted a while resets the backoff: the master was there.
    if (MonotonicNowNs() - started > 10 * kNsPerSecond) backoff = absl::Milliseconds(250);
    const std::string why = exit_message_.empty() ? "waiting for the master" : exit_message_;
    exit_message_.clear();
    if (why != said) {
      std::fprintf(stderr, "llmload agent: %s; retrying every <= %s\n", why.c_str(),
                   absl::FormatDuration(options_.max_backoff).c_str());
      said = why;
    }
    const int64_t until = MonotonicNowNs() + absl::ToInt64Nanoseconds(backoff);
    while (MonotonicNowNs() < until) {
      if (WaitForStopSignal(0) != 0) return 0;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

AgentClient::SessionEnd AgentClient::RunSession() {
  std::shared_ptr<grpc::ChannelCredentials> creds;
  if (!options_.tls_ca_pem.empty()) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = options_.tls_ca_pem;
    ssl.pem_cert_chain = options_.tls_cert_pem;
    ssl.pem_private_key = options_.tls_key_pem;
    creds = grpc::SslCredentials(ssl);
  } else {
    creds = grpc::InsecureChannelCredentials();
  }
  // An assignment carries the run's whole prompt set or trace, which can be far above gRPC's
  // 4 MiB default for a message received.
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxAssignmentBytes);
  std::shared_ptr<grpc::Channel> channel = grpc::CreateCustomChannel(options_.master, creds, args);
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(2))) {
    exit_message_ = ConnectFailure(channel);
    return SessionEnd::kLost;
  }
  auto stub = proto::Coordinator::NewStub(channel);
  grpc::ClientContext ctx;
  if (!options_.token.empty()) ctx.AddMetadata("authorization", "Bearer " + options_.token);
  std::unique_ptr<grpc::ClientReaderWriter<proto::AgentMessage, proto::MasterMessage>> stream =
      stub->Connect(&ctx);

  proto::AgentMessage hello_msg;
  proto::Hello* hello = hello_msg.mutable_hello();
  hello->set_agent_id(options_.agent_id);
  hello->set_hostname(hostname_);
  hello->set_cores(UsableCores());
  hello->set_version(kVersion);
  hello->set_threads(options_.threads);
  hello->set_incarnation(incarnation_);
  stream->Write(hello_msg);

  proto::MasterMessage first;
  if (!stream->Read(&first)) {
    const grpc::Status status = stream->Finish();
    if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED ||
        status.error_code() == grpc::StatusCode::FAILED_PRECONDITION ||
        status.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
      exit_message_ = absl::StrCat("master at ", options_.master,
                                   " refused this agent: ", status.error_message());
      return SessionEnd::kRejected;
    }
    exit_message_ =
        absl::StrCat("lost the master at ", options_.master, ": ", status.error_message());
    return SessionEnd::kLost;
  }
  if (first.has_reject()) {
    exit_message_ = absl::StrCat("master at ", options_.master,
                                 " refused this agent: ", first.reject().reason());
    ctx.TryCancel();
    stream->Finish();
    return SessionEnd::kRejected;
  }
  if (!first.has_welcome()) {
    exit_message_ = "master did not welcome this agent";
    ctx.TryCancel();
    stream->Finish();
    return SessionEnd::kLost;
  }
  agent_index_ = first.welcome().agent_index();
  StartStatsSequence(first.welcome().run_id());
  if (first.welcome().stats_interval_ms() > 0) {
    options_.stats_interval = absl::Milliseconds(first.welcome().stats_interval_ms());
  }
  const std::string& name = first.welcome().agent_name();
  if (!name.empty() && name != options_.agent_id) {
    std::fprintf(stderr,
                 "llmload agent %s: warning: another agent of this master has that id; the "
                 "master calls this one %s (give each agent its own --agent-id)\n",
                 options_.agent_id.c_str(), name.c_str());
  }
  std::fprintf(stderr, "llmload agent %s: connected to master %s\n",
               (name.empty() ? options_.agent_id : name).c_str(), options_.master.c_str());
  unsent_from_ = 0;  // everything unacknowledged goes out again on this stream

  Inbox inbox;
  std::thread reader([&] {
    proto::MasterMessage m;
    while (stream->Read(&m)) inbox.Push(std::move(m));
    inbox.Close();
  });

  SessionEnd end = SessionEnd::kLost;
  int64_t last_from_master = MonotonicNowNs();
  const int64_t stats_every = absl::ToInt64Nanoseconds(options_.stats_interval);
  int64_t next_stats = MonotonicNowNs() + stats_every;
  int64_t next_heartbeat = MonotonicNowNs();
  int64_t last_cpu = CpuTimeNs();
  int64_t last_cpu_at = MonotonicNowNs();
  int64_t expected_tick = MonotonicNowNs() + kTickNs;
  int64_t loop_lag_ns = 0;
  bool writes_ok = true;
  while (true) {
    bool closed = false;
    std::deque<proto::MasterMessage> messages = inbox.Wait(kTickNs, &closed);
    const int64_t now = MonotonicNowNs();
    loop_lag_ns = std::max<int64_t>(0, now - expected_tick);
    expected_tick = now + kTickNs;
    if (!messages.empty()) last_from_master = now;
    bool quit = false;
    for (const proto::MasterMessage& m : messages) {
      if (m.has_assignment()) {
        ApplyAssignment(m.assignment());
      } else if (m.has_stop()) {
        StopEngine(absl::Milliseconds(m.stop().grace_ms()));
      } else if (m.has_quit()) {
        exit_message_ = m.quit().reason().empty() ? "" : absl::StrCat(": ", m.quit().reason());
        quit = true;
      } else if (m.has_ping()) {
        while (!unacked_.empty() && unacked_.front().seq() <= m.ping().stats_acked_seq()) {
          unacked_.pop_front();
          if (unsent_from_ > 0) --unsent_from_;
        }
      }
    }
    if (WaitForStopSignal(0) != 0) {
      end = SessionEnd::kSignalled;
      break;
    }
    if (closed || !writes_ok) {
      exit_message_ = absl::StrCat("lost the master at ", options_.master);
      break;
    }
    if (now - last_from_master > absl::ToInt64Nanoseconds(options_.master_silence_limit)) {
      exit_message_ = absl::StrCat("master at ", options_.master, " silent for ",
                                   absl::FormatDuration(options_.master_silence_limit));
      break;
    }
    // Stats: on the interval, and at once when a stopped engine has drained.
    const bool drained = engine_ && stopping_ && engine_->finished();
    if (now >= next_stats || drained) {
      CollectStats(drained);
      next_stats = now + stats_every;
    }
    while (writes_ok && unsent_from_ < unacked_.size()) {
      proto::AgentMessage msg;
      *msg.mutable_stats() = unacked_[unsent_from_];
      writes_ok = stream->Write(msg);
      if (writes_ok) ++unsent_from_;
    }
    if (now >= next_heartbeat) {
      const int64_t cpu = CpuTimeNs();
      proto::AgentMessage msg;
      proto::Heartbeat* hb = msg.mutable_heartbeat();
      hb->set_state(state_);
      hb->set_generation(generation_);
      hb->set_users(engine_ ? engine_->running_users() : 0);
      hb->set_in_flight(engine_ ? engine_->in_flight() : 0);
      hb->set_cpu_percent(100.0 * static_cast<double>(cpu - last_cpu) /
                          static_cast<double>(std::max<int64_t>(1, now - last_cpu_at)));
      hb->set_loop_lag_us(loop_lag_ns / 1000);
      hb->set_budget_done(engine_ ? engine_->budget_done() : budget_exhausted_);
      if (engine_) {
        if (std::optional<double> share =
                saturation_.Sample(engine_->busy_ns(now), now, engine_->threads())) {
          std::fprintf(stderr,
                       "llmload agent: warning: the load engine is saturated (%.0f%% busy on %d "
                       "thread(s)): its latencies include its own queueing\n",
                       100 * *share, engine_->threads());
        }
        if (std::optional<double> busy = saturation_.busy_share(); busy && *busy >= 0) {
          hb->set_engine_busy_percent(100 * *busy);
        }
        hb->set_engine_saturated(saturation_.saturated());
      }
      if (metrics_) {
        metrics_->Update(AgentLoad{hb->cpu_percent(), static_cast<double>(loop_lag_ns) / 1e9,
                                   static_cast<int64_t>(hb->in_flight()),
                                   static_cast<int64_t>(hb->users()), hb->engine_busy_percent()});
      }
      last_cpu = cpu;
      last_cpu_at = now;
      writes_ok = writes_ok && stream->Write(msg);
      next_heartbeat = now + kNsPerSecond;
    }
    if (quit) {
      end = SessionEnd::kQuit;
      break;
    }
  }
  // No master, no load: whatever the reason the session ended, stop generating now. Stats of
  // the stopped engine stay buffered for the next session.
  if (engine_) {
    StopEngine(absl::ZeroDuration());
    engine_->Join();
    CollectStats(/*final=*/true);
  }
  if (end == SessionEnd::kQuit || end == SessionEnd::kSignalled) {
    for (; writes_ok && unsent_from_ < unacked_.size(); ++unsent_from_) {
      proto::AgentMessage msg;
      *msg.mutable_stats() = unacked_[unsent_from_];
      writes_ok = stream->Write(msg);
    }
    stream->WritesDone();
  }
  ctx.TryCancel();
  reader.join();
  stream->Finish();
  return end;
}

std::string AgentClient::ConnectFailure(const std::shared_ptr<grpc::Channel>& channel) {
  if (channel->GetState(/*try_to_connect=*/false) != GRPC_CHANNEL_TRANSIENT_FAILURE) {
    return "";  // still connecting (e.g. no route): nothing more to say than "waiting"
  }
  // One fail-fast call surfaces the reason gRPC keeps for the failed connection attempt.
  auto stub = proto::Coordinator::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  auto stream = stub->Connect(&ctx);
  proto::MasterMessage ignored;
  while (stream->Read(&ignored)) {
  }
  const grpc::Status status = stream->Finish();
  if (status.ok() || status.error_message().empty()) return "";
  return absl::StrCat("cannot connect to the master at ", options_.master, ": ",
                      status.error_message(),
                      options_.tls_ca_pem.empty() ? "" : " (check --tls-ca/--tls-cert/--tls-key)");
}

void AgentClient::StartStatsSequence(const std::string& master_run_id) {
  if (master_run_id == stats_run_id_) return;  // the same master again: resend what is unacked
  if (!unacked_.empty()) {
    std::fprintf(stderr,
                 "llmload agent: dropping %zu unacknowledged stats deltas of run %s: its master "
                 "is gone\n",
                 unacked_.size(), stats_run_id_.c_str());
  }
  unacked_.clear();
  unsent_from_ = 0;
  next_seq_ = 1;
  stats_run_id_ = master_run_id;
}

void AgentClient::ApplyAssignment(const proto::Assignment& a) {
  if (a.generation() < generation_) return;  // a stale message from an earlier generation
  if (a.run_id() != run_id_ || !engine_) {
    absl::StatusOr<WorkloadSpec> spec = SpecFromProto(a.spec());
    if (!spec.ok()) {
      std::fprintf(stderr, "llmload agent: ignoring assignment: %s\n",
                   std::string(spec.status().message()).c_str());
      return;
    }
    if (engine_) {
      StopEngine(absl::ZeroDuration());
      engine_->Join();
      CollectStats(/*final=*/true);
    }
    const bool resumed = a.run_id() == run_id_;  // an earlier engine of this run began it
    if (!resumed) {                              // a new run: nothing of its budget is spent yet
      budget_spent_ = 0;
      budget_exhausted_ = false;
    }
    run_id_ = a.run_id();
    generation_ = a.generation();
    if (spec->max_requests > 0) {
      spec->max_requests -= budget_spent_;
      budget_exhausted_ = spec->max_requests <= 0;
      if (budget_exhausted_) {  // 0 would mean "no limit": run nothing instead
        std::fprintf(stderr, "llmload agent: run %s: this agent's --requests share is spent\n",
                     run_id_.c_str());
        state_ = proto::AGENT_STATE_STOPPED;
        return;
      }
    }
    EngineOptions eo;
    eo.threads = options_.threads;
    eo.agent_index = agent_index_;
    eo.trace_stripe = a.trace_stripe();
    eo.trace_stripes = a.trace_stripes();
    eo.max_concurrency_share = a.max_concurrency();
    if (resumed && spec->max_requests > 0) {
      eo.trace_sent = budget_spent_;
    } else if (resumed) {
      eo.trace_sent = -1;
      eo.trace_elapsed_ns = std::max<int64_t>(0, WallNowNs() - a.start_at_unix_ns());
    }
    absl::StatusOr<std::unique_ptr<LoadEngine>> engine = LoadEngine::Create(*spec, eo);
    if (!engine.ok()) {
      std::fprintf(stderr, "llmload agent: cannot run assignment: %s\n",
                   std::string(engine.status().message()).c_str());
      return;
    }
    engine_ = std::move(*engine);
    saturation_ = SaturationWatch();
    // Per-request offsets count from the master's run start (on its wall clock), so every
    // agent's records share one time line.
    const int64_t now = MonotonicNowNs();
    engine_->Start(a.start_at_unix_ns() > 0 ? now - (WallNowNs() - a.start_at_unix_ns()) : now);
    stopping_ = false;
    std::fprintf(stderr, "llmload agent: run %s: %s, %lld users\n", run_id_.c_str(),
                 RedactUrl(spec->url).c_str(), static_cast<long long>(a.users()));
  }
  if (stopping_) return;
  generation_ = a.generation();
  // A rate off the wire is checked before it times sends: NaN or negative sends nothing
  // (infinite, with a cap, keeps the slots busy).
  const double rate = a.rate() >= 0 ? a.rate() : 0;
  engine_->SetTarget(
      schedule::LoadTarget{.users = a.users(),
                           .spawn_rate = a.spawn_rate(),
                           .open = {.rate = rate,
                                    .phase_ns = a.rate_phase_ns(),
                                    .max_concurrency = a.max_concurrency(),
                                    .max_queue = a.max_queue()},
                           .warmup_end_ns = std::max<int64_t>(0, a.warmup_end_ns())});
  if (fd_warned_run_id_ != run_id_) {
    if (std::optional<std::string> warning = FdLimitWarning(a.users(), fd_limits_)) {
      std::fprintf(stderr, "llmload agent: warning: %s\n", warning->c_str());
      fd_warned_run_id_ = run_id_;
    }
  }
  state_ = proto::AGENT_STATE_RUNNING;
}

void AgentClient::StopEngine(absl::Duration grace) {
  if (!engine_) return;
  engine_->Stop(grace);
  if (!stopping_) state_ = proto::AGENT_STATE_STOPPING;
  stopping_ = true;
}

void AgentClient::CollectStats(bool final) {
  if (!engine_) return;
  IntervalStats stats;
  // The engine publishes only what holds something (an ended request, a send, a drop, a
  // warm-up request): all of it goes out, or a warm-up's sends would never be counted.
  const bool published = engine_->TakeStats(&stats);
  if (final && engine_->finished()) {
    budget_spent_ += engine_->requests_started();
    engine_.reset();
    state_ = proto::AGENT_STATE_STOPPED;
  } else {
    final = false;
  }
  if (!published && !final) return;
  proto::StatsDelta delta;
  StatsToProto(stats, &delta);
  delta.set_seq(next_seq_++);
  delta.set_run_id(run_id_);
  delta.set_generation(generation_);
  delta.set_final(final);
  unacked_.push_back(std::move(delta));
}

}  // namespace llmload::agent
