#include "agent/engine_thread.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <utility>

#include "common/clock.h"
#include "common/receive_stamp.h"
#include "schedule/closed_loop.h"

namespace llmload::agent {
namespace {

using schedule::GlobalUser;
using schedule::kNeverNs;
using schedule::SpawnAtNs;
using schedule::UsersOnThread;

constexpr int kMaxEvents = 256;
// The eventfd's epoll tag; curl sockets are tagged (shard << 32) | fd, which never equals it.
constexpr uint64_t kWakeTag = ~uint64_t{0};
// A timer's tag: its kind in the low two bits, the owner's generation above them.
constexpr uint32_t kKindBits = 2;
constexpr uint32_t kKindMask = (1u << kKindBits) - 1;
constexpr uint32_t kGenerationMask = 0x3fffffff;
constexpr int64_t kConnectFailurePauseNs = 100 * kNsPerMs;
// An open loop's first send is due at the stream start plus its phase. An agent that gets its
// first assignment later than that (the master's run start is a few ms behind it) skips the
// arrivals that were due before it had a share; past this much it starts from now instead of
// drawing its way through the past.
constexpr int64_t kMaxArrivalCatchUpNs = kNsPerSecond;
// The most scheduled sends one pass of the loop makes before it serves its sockets, timers and
// commands again. A client that has fallen behind its schedule (sends cost more than the gaps
// between them) must still read replies, free slots and obey a stop; its backlog then shows as
// send lateness, not as a loop that never comes back (50,000 req/s on one loaded core did that).
constexpr int kMaxArrivalsPerPass = 128;

uint32_t TimerTagFor(uint32_t kind, uint32_t generation) {
  return ((generation & kGenerationMask) << kKindBits) | kind;
}
uint32_t TimerKind(uint32_t tag) { return tag & kKindMask; }
bool SameGeneration(uint32_t tag, uint32_t generation) {
  return (tag >> kKindBits) == (generation & kGenerationMask);
}

}  // namespace

EngineThread::EngineThread(const EngineShared& shared, int index, int count,
                           std::unique_ptr<schedule::ArrivalProcess> arrivals)
    : shared_(shared),
      index_(index),
      count_(count),
      picker_(std::max<size_t>(1, shared.requests.size()), shared.spec.prompt_order,
              shared.spec.seed, static_cast<uint64_t>(shared.agent_index) * 1024 + index),
      retry_rng_(shared.spec.seed ^ (static_cast<uint64_t>(shared.agent_index) * 1024 + index)),
      arrivals_(std::move(arrivals)) {
  EnsureCurlGlobalInit();
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kWakeTag;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
  timers_.Reserve(1024);
  stats_started_wall_ns_ = WallNowNs();
}

EngineThread::~EngineThread() {
  Join();
  // Easy handles must leave the multi handle before either is cleaned up.
  for (size_t local = 0; local < users_.size(); ++local) {
    User& u = users_[local];
    if (u.state == UserState::kInFlight && u.easy) {
      curl_multi_remove_handle(ShardOf(local).multi.get(), u.easy.get());
    }
  }
  users_.clear();
  shards_.clear();
  if (wake_fd_ >= 0) close(wake_fd_);
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

void EngineThread::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void EngineThread::Join() {
  if (thread_.joinable()) thread_.join();
}

void EngineThread::SetTarget(const schedule::LoadTarget& target, int64_t ramp_start_ns,
                             int64_t spawned) {
  {
    absl::MutexLock lock(&mu_);
    commands_.push_back(Command{Command::kTarget, target, ramp_start_ns, spawned});
  }
  uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof(one));
}

void EngineThread::Stop(int64_t deadline_ns) {
  {
    absl::MutexLock lock(&mu_);
    commands_.push_back(Command{Command::kStop, {}, deadline_ns});
  }
  uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof(one));
}

bool EngineThread::TakeStats(IntervalStats* out) {
  absl::MutexLock lock(&mu_);
  if (!has_published_) return false;
  out->Merge(published_);
  published_.Reset();
  has_published_ = false;
  return true;
}

void EngineThread::ApplyCommands() {
  std::vector<Command> commands;
  {
    absl::MutexLock lock(&mu_);
    commands.swap(commands_);
  }
  for (const Command& c : commands) {
    if (c.kind == Command::kTarget) {
      ApplyTarget(c.target, c.at_ns, c.spawned);
    } else if (stopping_) {
      // A second stop (e.g. a second Ctrl-C) may only bring the deadline closer.
      stop_deadline_ns_ = std::min(stop_deadline_ns_, c.at_ns);
    } else {
      stopping_ = true;
      stop_deadline_ns_ = c.at_ns;
      ++spawn_generation_;    // no user starts any more
      ++arrival_generation_;  // and no arrival comes
      next_arrival_ns_ = -1;
      // Arrivals still waiting were scheduled and never sent: dropped, not forgotten.
      stats_.dropped += waiting_.size();
      waiting_.Clear();
      for (size_t local = 0; local < users_.size(); ++local) {
        User& u = users_[local];
        if (u.state == UserState::kRetryWait) {
          AbandonRetry(static_cast<uint32_t>(local));
          continue;
        }
        if (u.state == UserState::kThinking) {
          running_users_.fetch_sub(1, std::memory_order_relaxed);
          u.state = UserState::kRetired;
          ++u.generation;
        }
      }
    }
  }
}

void EngineThread::ApplyTarget(const schedule::LoadTarget& target, int64_t ramp_start_ns,
                               int64_t spawned) {
  if (stopping_) return;
  warmup_end_ns_ = target.warmup_end_ns;
  if (arrivals_ != nullptr) {
    ApplyOpenTarget(target.open, ramp_start_ns);
    return;
  }
  const int64_t users = target.users;
  const double spawn_rate = target.spawn_rate;
  // Users below `previous` that are (re)started start at once; the rest queue up at the
  // spawn rate. Users of the old target still waiting for their turn count as "the rest":
  // they are re-timed, not left on the old schedule beside the new one.
  spawn_previous_ = std::min(target_users_, spawned);
  target_users_ = users;
  spawn_rate_ = spawn_rate;
  spawn_ramp_start_ns_ = ramp_start_ns;
  spawn_until_ = UsersOnThread(users, index_, count_);
  for (size_t local = 0; local < users_.size(); ++local) {
    User& u = users_[local];
    if (static_cast<int64_t>(local) < spawn_until_) {
      u.retire_after_request = false;
    } else if (u.state == UserState::kThinking) {
      u.state = UserState::kRetired;
      ++u.generation;
      running_users_.fetch_sub(1, std::memory_order_relaxed);
    } else if (u.state == UserState::kInFlight || u.state == UserState::kRetryWait) {
      u.retire_after_request = true;  // a pending retry is not sent: see RunDueTimers
    }
  }
  spawn_cursor_ = 0;  // retired users below the target start again, in their turn
  ArmSpawnTimer();
}

void EngineThread::ApplyOpenTarget(const schedule::RateShare& share, int64_t stream_start_ns) {
  const double old_rate = open_.rate;
  open_ = share;
  const size_t cut =
      waiting_.TruncateTo(static_cast<size_t>(std::max<int64_t>(0, share.max_queue)));
  stats_.dropped += cut;
  if (!arrivals_->FollowsRate()) {  // dropped trace lines are spent (see Arrive)
    for (size_t i = 0; i < cut; ++i) shared_.TakeRequestSlot();
  }
  if (Saturating()) {  // no schedule: the slots are kept busy
    ++arrival_generation_;
    next_arrival_ns_ = -1;
    StartWaiting();
    KeepSlotsBusy();
    return;
  }
  // No arrivals until a rate comes back; a trace is timed by its file and runs whatever its
  // share of the rate (a thread without slots queues or drops its lines: SlotFree).
  if (arrivals_->FollowsRate() && (!(share.rate > 0) || std::isinf(share.rate))) {
    ++arrival_generation_;
    next_arrival_ns_ = -1;
    return;
  }
  const int64_t now = MonotonicNowNs();
  if (arrivals_ended_) {
    StartWaiting();
    return;
  }
  if (next_arrival_ns_ < 0) {
    const int64_t offset = arrivals_->FirstSendOffsetNs();
    if (offset >= schedule::kNoMoreArrivals) {  // a stream with no sends (an empty stripe)
      arrivals_ended_ = true;
      return;
    }
    // A trace keeps its own offsets: the phase that interleaves constant-rate shares would
    // shift them.
    const int64_t first =
        stream_start_ns + (arrivals_->FollowsRate() ? share.phase_ns : 0) + offset;
    next_arrival_prompt_ = arrivals_->PromptOfNextSend();
    if (!arrivals_->FollowsRate()) {
      // A trace's lines are each sent, however late this thread got its share: one skipped
      // would be a line missing from the replay. Lateness shows what was late.
      next_arrival_ns_ = first;
    } else {
      next_arrival_ns_ = first >= now - kMaxArrivalCatchUpNs ? first : now;
      // Arrivals due before this thread had its share belong to no one: skip them.
      while (next_arrival_ns_ >= 0 && next_arrival_ns_ < now) AdvanceArrival();
      if (next_arrival_ns_ < 0) return;
    }
  } else if (old_rate != share.rate && next_arrival_ns_ > now && arrivals_->FollowsRate()) {
    // The gap in progress is re-scaled to the new rate: a change of time scale, which keeps a
    // constant stream evenly spaced and a Poisson stream Poisson (its remaining wait is
    // memoryless).
    next_arrival_ns_ = now + static_cast<int64_t>(static_cast<double>(next_arrival_ns_ - now) *
                                                  old_rate / share.rate);
  }
  StartWaiting();  // a raised cap frees slots for arrivals that waited
  ArmArrivalTimer();
}

void EngineThread::ArmArrivalTimer(int64_t not_before_ns) {
  ++arrival_generation_;
  if (stopping_ || next_arrival_ns_ < 0) return;
  timers_.Push(std::max(next_arrival_ns_, not_before_ns), 0,
               TimerTagFor(kArrival, arrival_generation_));
}

void EngineThread::RunArrivals() {
  if (Saturating()) {  // a slot's pause after a failed connection is over
    KeepSlotsBusy();
    return;
  }
  const int64_t now = MonotonicNowNs();
  for (int sent = 0;
       sent < kMaxArrivalsPerPass && !stopping_ && next_arrival_ns_ >= 0 && next_arrival_ns_ <= now;
       ++sent) {
    if (shared_.budget_exhausted()) {  // --requests is spent: the stream ends
      next_arrival_ns_ = -1;
      break;
    }
    const int64_t scheduled = next_arrival_ns_;
    const int64_t prompt = next_arrival_prompt_;
    AdvanceArrival();
    Arrive(scheduled, prompt);
  }
  // A backlog left over is served from the next pass (the timer fires at once then), never
  // from this one: RunDueTimers would pop a timer armed at a past time again right away.
  ArmArrivalTimer(now + 1);
}

void EngineThread::AdvanceArrival() {
  const int64_t gap = arrivals_->NextGapNs(open_.rate);
  if (gap >= schedule::kNoMoreArrivals) {
    next_arrival_ns_ = -1;
    arrivals_ended_ = true;
    return;
  }
  next_arrival_ns_ += gap;
  next_arrival_prompt_ = arrivals_->PromptOfNextSend();
}

bool EngineThread::Arrive(int64_t scheduled_ns, int64_t prompt) {
  if (!SlotFree()) {
    if (static_cast<int64_t>(waiting_.size()) < open_.max_queue) {
      waiting_.Push({.scheduled_ns = scheduled_ns, .prompt = prompt});
    } else {
      stats_.dropped++;
      // A trace's request budget is its lines: a dropped line is spent too, or the replay
      // would wait for it for ever.
      if (!arrivals_->FollowsRate()) shared_.TakeRequestSlot();
    }
    return true;
  }
  uint32_t local;
  if (idle_slots_.empty()) {
    local = NewUserSlot();
  } else {
    local = idle_slots_.back();
    idle_slots_.pop_back();
  }
  User& u = users_[local];
  ++u.generation;
  u.retire_after_request = false;
  running_users_.fetch_add(1, std::memory_order_relaxed);
  ++open_busy_;
  const int64_t now = MonotonicNowNs();
  if (StartRequest(local, now, scheduled_ns, prompt)) {
    stats_.sent++;
    stats_.send_lateness.Record(now - scheduled_ns);
    return true;
  }
  next_arrival_ns_ = -1;  // the budget is spent (or the run stops): no more arrivals
  return false;
}

void EngineThread::StartWaiting() {
  while (!stopping_ && !waiting_.empty() && SlotFree()) {
    const QueuedArrival a = waiting_.Pop();
    Arrive(a.scheduled_ns, a.prompt);
  }
}

void EngineThread::KeepSlotsBusy() {
  while (Saturating() && !stopping_ && waiting_.empty() && SlotFree()) {
    if (!Arrive(MonotonicNowNs())) return;
  }
}

uint32_t EngineThread::NewUserSlot() {
  users_.emplace_back();
  users_.back().reader =
      std::make_unique<ResponseReader>(shared_.spec, shared_.adapter->NewDecoder());
  EnsureShards(users_.size());
  return static_cast<uint32_t>(users_.size() - 1);
}

void EngineThread::EndUser(uint32_t local) {
  User& u = users_[local];
  // A conversation cut off (a stop, fewer users, a spent budget) is not resumed.
  if (u.conversing != nullptr) u.conversing->session.Finish(false, "");
  u.state = UserState::kRetired;
  u.retire_after_request = false;
  ++u.generation;
  running_users_.fetch_sub(1, std::memory_order_relaxed);
  if (arrivals_ != nullptr) {
    --open_busy_;
    idle_slots_.push_back(local);
  }
}

void EngineThread::ArmSpawnTimer() {
  ++spawn_generation_;
  while (spawn_cursor_ < spawn_until_ && spawn_cursor_ < static_cast<int64_t>(users_.size()) &&
         Running(users_[spawn_cursor_])) {
    ++spawn_cursor_;
  }
  if (stopping_ || spawn_cursor_ >= spawn_until_ || shared_.budget_exhausted()) return;
  const int64_t at = SpawnAtNs(GlobalUser(spawn_cursor_, index_, count_), spawn_previous_,
                               spawn_rate_, spawn_ramp_start_ns_);
  if (at == kNeverNs) return;
  timers_.Push(at, 0, TimerTagFor(kSpawn, spawn_generation_));
}

void EngineThread::SpawnDueUsers(int64_t now_ns) {
  while (!stopping_ && spawn_cursor_ < spawn_until_ && !shared_.budget_exhausted()) {
    const auto local = static_cast<size_t>(spawn_cursor_);
    if (local < users_.size() && Running(users_[local])) {
      ++spawn_cursor_;
      continue;
    }
    const int64_t at = SpawnAtNs(GlobalUser(spawn_cursor_, index_, count_), spawn_previous_,
                                 spawn_rate_, spawn_ramp_start_ns_);
    if (at > now_ns) break;
    // Born: its slot, shard and reader exist from now on.
    if (local == users_.size()) NewUserSlot();
    User& u = users_[local];
    ++u.generation;
    running_users_.fetch_add(1, std::memory_order_relaxed);
    ++spawn_cursor_;
    StartRequest(static_cast<uint32_t>(local), now_ns, now_ns);
  }
  ArmSpawnTimer();
}

void EngineThread::EnsureShards(size_t users) {
  while (shards_.size() * kUsersPerShard < users) {
    auto shard = std::make_unique<CurlShard>();
    shard->thread = this;
    shard->index = static_cast<uint32_t>(shards_.size());
    shard->multi.reset(curl_multi_init());
    CURLM* m = shard->multi.get();
    curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, &EngineThread::OnCurlSocket);
    curl_multi_setopt(m, CURLMOPT_SOCKETDATA, shard.get());
    curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, &EngineThread::OnCurlTimer);
    curl_multi_setopt(m, CURLMOPT_TIMERDATA, shard.get());
    // One keep-alive connection per user, and a few spare for connections being replaced.
    curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, static_cast<long>(kUsersPerShard + 16));
    shards_.push_back(std::move(shard));
  }
}

int64_t EngineThread::NextWakeNs() const {
  int64_t wake = LLONG_MAX;
  if (!timers_.empty()) wake = std::min(wake, timers_.next_deadline_ns());
  for (const auto& shard : shards_) {
    if (shard->deadline_ns >= 0) wake = std::min(wake, shard->deadline_ns);
  }
  if (stopping_) wake = std::min(wake, stop_deadline_ns_);
  return wake;
}

void EngineThread::Loop() {
  epoll_event events[kMaxEvents];
  // An open loop's sends are timed by epoll_pwait2's nanosecond timeout; the kernel's default
  // timer slack (50 us) would add up to that much to every wake-up.
  if (arrivals_ != nullptr) prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  int64_t next_publish_ns = MonotonicNowNs() + shared_.publish_every_ns;
  loop_start_ns_.store(MonotonicNowNs(), std::memory_order_relaxed);
  while (true) {
    ApplyCommands();
    const int64_t now = MonotonicNowNs();
    const int64_t wake = std::min(NextWakeNs(), next_publish_ns);
    const int64_t wait_ns = std::max<int64_t>(0, wake - now);
    timespec ts{wait_ns / kNsPerSecond, wait_ns % kNsPerSecond};
    const int n = epoll_pwait2(epoll_fd_, events, kMaxEvents, &ts, nullptr);
    idle_ns_.fetch_add(MonotonicNowNs() - now, std::memory_order_relaxed);
    for (int i = 0; i < n; ++i) {
      // data.u64: the fd in the low half, its shard in the high half (see OnCurlSocket).
      const int fd = static_cast<int>(events[i].data.u64 & 0xffffffffu);
      if (events[i].data.u64 == kWakeTag) {
        uint64_t drained;
        (void)!read(wake_fd_, &drained, sizeof(drained));
        continue;
      }
      int flags = 0;
      if (events[i].events & EPOLLIN) flags |= CURL_CSELECT_IN;
      if (events[i].events & EPOLLOUT) flags |= CURL_CSELECT_OUT;
      if (events[i].events & (EPOLLERR | EPOLLHUP)) flags |= CURL_CSELECT_ERR;
      const Watch watch = WatchOf(fd);  // a copy: libcurl may grow watches_ below
      if (!watch.wanted) {
        Unwatch(fd);
        continue;
      }
      CurlShard& shard = *shards_[events[i].data.u64 >> 32];
      ResponseReader* reader = nullptr;
      if ((events[i].events & EPOLLIN) && watch.user < users_.size()) {
        reader = users_[watch.user].reader.get();
        if (reader != nullptr) {
          int socket_error = 0;
          reader->set_arrival_hint(LatestArrivalNs(fd, &socket_error));
          // The peek took the error (a reset): libcurl will only see the end of the stream.
          if (socket_error != 0) reader->OnSocketError(socket_error);
        }
      }
      curl_multi_socket_action(shard.multi.get(), fd, flags, &running_);
      if (reader != nullptr) reader->set_arrival_hint(-1);
    }
    FinishRequests();
    RunDueTimers(MonotonicNowNs());
    // Requests started just now wait for libcurl's "run now" timer: served here, in the same
    // pass, they are written before the loop blocks or takes the next batch of events,
    // whose processing would otherwise count in their TTFT.
    RunDueCurlTimers(MonotonicNowNs());
    FinishRequests();

    const int64_t after = MonotonicNowNs();
    if (stopping_ && after >= stop_deadline_ns_) CancelInFlight(after);
    if (after >= next_publish_ns) {
      PublishStats();
      next_publish_ns = after + shared_.publish_every_ns;
    }
    if (stopping_ && in_flight_.load(std::memory_order_relaxed) == 0) break;
  }
  PublishStats();
  running_users_.store(0, std::memory_order_relaxed);
  finished_.store(true, std::memory_order_release);
}

void EngineThread::RunDueCurlTimers(int64_t now_ns) {
  for (const auto& shard : shards_) {
    if (shard->deadline_ns >= 0 && now_ns >= shard->deadline_ns) {
      shard->deadline_ns = -1;
      curl_multi_socket_action(shard->multi.get(), CURL_SOCKET_TIMEOUT, 0, &running_);
    }
  }
}

void EngineThread::RunDueTimers(int64_t now_ns) {
  while (!timers_.empty() && timers_.next_deadline_ns() <= now_ns) {
    const TimerQueue::Entry e = timers_.Pop();
    if (TimerKind(e.tag) == kSpawn) {
      if (SameGeneration(e.tag, spawn_generation_)) SpawnDueUsers(now_ns);
      continue;
    }
    if (TimerKind(e.tag) == kArrival) {
      if (SameGeneration(e.tag, arrival_generation_)) RunArrivals();
      continue;
    }
    User& u = users_[e.target];
    if (!SameGeneration(e.tag, u.generation)) continue;  // stale
    if (u.state == UserState::kThinking) {
      StartRequest(e.target, now_ns, now_ns);
    } else if (u.state == UserState::kRetryWait) {
      if (stopping_ || u.retire_after_request) {
        AbandonRetry(e.target);
        continue;
      }
      stats_.retries[static_cast<size_t>(u.pending_outcome)]++;
      ++u.retries_done;
      SendAttempt(e.target, now_ns);
    }
  }
}

bool EngineThread::StartRequest(uint32_t local, int64_t now_ns, int64_t scheduled_ns,
                                int64_t prompt) {
  User& u = users_[local];
  // Counted in flight before taking a budget slot, so that "budget used up and nothing in
  // flight" is never observed between the two steps.
  in_flight_.fetch_add(1, std::memory_order_relaxed);
  if (stopping_ || u.retire_after_request || !shared_.TakeRequestSlot()) {
    in_flight_.fetch_sub(1, std::memory_order_relaxed);
    EndUser(local);
    return false;
  }
  u.turn = 0;
  if (!shared_.spec.conversations.empty()) {
    NextTurn(u);
  } else if (prompt >= 0 && static_cast<size_t>(prompt) < shared_.requests.size()) {
    u.prompt_index = static_cast<uint32_t>(prompt);
  } else {
    u.prompt_index = shared_.requests.empty() ? 0 : static_cast<uint32_t>(picker_.Next());
  }
  u.send_ns = scheduled_ns;
  u.actual_send_ns = now_ns;
  u.in_warmup = scheduled_ns - shared_.run_start_ns < std::max(shared_.warmup_ns, warmup_end_ns_) ||
                shared_.TakeWarmup();
  u.retries_done = 0;
  SendAttempt(local, now_ns);
  return true;
}

void EngineThread::NextTurn(User& u) {
  if (u.conversing == nullptr) {
    u.conversing = std::make_unique<Conversing>(shared_.spec.history);
    u.reader->set_keep_reply_text(shared_.spec.history == HistoryMode::kActual);
  }
  Conversing& c = *u.conversing;
  if (c.session.active()) {
    c.session.TurnPrompt(c.prompt);
    absl::StatusOr<PreparedRequest> request = shared_.adapter->Prepare(c.prompt);
    if (request.ok()) {
      c.request = *std::move(request);
      const PreparedRequest& first = shared_.requests[u.prompt_index];
      c.headers = c.request.header_lines == first.header_lines
                      ? CurlSlist()
                      : MakeHeaderList(c.request.header_lines);
      u.turn = static_cast<uint32_t>(c.session.turn());
      return;
    }
    // The adapter built this conversation's first turn but refuses a later one (its history
    // grew past what the API's body may hold): the conversation ends here, a new one begins.
    c.session.Finish(false, "");
  }
  u.prompt_index = static_cast<uint32_t>(picker_.Next());
  c.session.Begin(shared_.spec.conversations[u.prompt_index]);
}

void EngineThread::SendAttempt(uint32_t local, int64_t now_ns) {
  User& u = users_[local];
  if (!u.easy) {
    u.easy.reset(curl_easy_init());
    CURL* e = u.easy.get();
    // The method is the API's, the same for every prompt.
    const std::string& method = shared_.requests.front().method;
    if (method == "GET") {
      curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    } else {
      curl_easy_setopt(e, CURLOPT_POST, 1L);
      if (method != "POST") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method.c_str());
    }
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &EngineThread::OnCurlWrite);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, u.reader.get());
    curl_easy_setopt(e, CURLOPT_PRIVATE, reinterpret_cast<void*>(static_cast<uintptr_t>(local)));
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_SOCKOPTFUNCTION, &EngineThread::OnCurlSocketOpened);
    curl_easy_setopt(e, CURLOPT_SOCKOPTDATA, this);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, &EngineThread::OnCurlCloseSocket);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, this);
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
    // libcurl's receive buffer, per user: 8 KiB instead of 16 still holds ~30 token chunks per
    // read. A saturated engine (full socket buffers, full reads) touches all of it: the
    // smaller buffer took 10,000 users from 51.7 to 47.4 kB each (docs/benchmarks.md).
    curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 8L << 10);
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(absl::ToInt64Milliseconds(shared_.spec.connect_timeout)));
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(absl::ToInt64Milliseconds(shared_.spec.request_timeout)));
    if (shared_.spec.insecure_tls) {
      curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    }
  }
  // A conversation's later turn sends the request built for it (NextTurn).
  const bool own_request = u.turn > 0;
  const PreparedRequest& request =
      own_request ? u.conversing->request : shared_.requests[u.prompt_index];
  CURL* e = u.easy.get();
  // libcurl copies a URL when it is set: set it only when it changes (for most APIs, once).
  const std::string* url = &request.url;
  bool url_changed = u.url_prompt != static_cast<int64_t>(u.prompt_index) &&
                     (u.url_prompt < 0 || shared_.requests[u.url_prompt].url != request.url);
  curl_slist* headers = shared_.header_lists[shared_.header_list_of[u.prompt_index]].get();
  if (own_request) {
    if (u.conversing->headers) headers = u.conversing->headers.get();
    if (request.url != shared_.requests[u.prompt_index].url) {  // set, and never taken as the
      u.signed_url = request.url;                               // shared prompt's URL
      url = &u.signed_url;
      url_changed = true;
    }
  }
  if (shared_.adapter->signs_each_send()) {
    // Time-dependent credentials (SigV4, a JWT): signed now, for this send. A signer that
    // fails sends the request unsigned, and the server's refusal is counted.
    send_extras_.Clear();
    if (shared_.adapter->Sign(WallNowNs(), request, &send_extras_).ok()) {
      std::vector<std::string>& lines = send_extras_.header_lines;
      lines.insert(lines.begin(), request.header_lines.begin(), request.header_lines.end());
      u.signed_headers = MakeHeaderList(lines);
      headers = u.signed_headers.get();
      if (!send_extras_.url.empty()) {
        u.signed_url = send_extras_.url;
        url = &u.signed_url;
        url_changed = true;
      }
    }
  }
  if (url_changed) {
    curl_easy_setopt(e, CURLOPT_URL, url->c_str());
    u.url_prompt = url == &u.signed_url ? -1 : static_cast<int64_t>(u.prompt_index);
  }
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
  if (request.method != "GET") {
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  u.state = UserState::kInFlight;
  stats_.attempts++;
  // A retry is timed from the request's first attempt (common/retry_policy.h).
  u.reader->Begin(u.easy.get(), u.send_ns, u.actual_send_ns);
  curl_multi_add_handle(ShardOf(local).multi.get(), u.easy.get());
}

void EngineThread::FinishRequests() {
  done_scratch_.clear();
  CURLMsg* msg;
  int left = 0;
  for (const auto& shard : shards_) {
    while ((msg = curl_multi_info_read(shard->multi.get(), &left)) != nullptr) {
      if (msg->msg != CURLMSG_DONE) continue;
      void* priv = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
      const uint32_t local = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(priv));
      users_[local].reader->set_result(msg->data.result);
      done_scratch_.push_back(local);
    }
  }
  if (done_scratch_.empty()) return;
  const int64_t now = MonotonicNowNs();
  for (uint32_t local : done_scratch_) OnRequestDone(local, now);
}

void EngineThread::OnRequestDone(uint32_t local, int64_t now_ns) {
  User& u = users_[local];
  curl_multi_remove_handle(ShardOf(local).multi.get(), u.easy.get());
  in_flight_.fetch_sub(1, std::memory_order_relaxed);
  const ErrorClass outcome = u.reader->Finish(u.reader->result(), now_ns);
  const RetryPolicy& retry = shared_.spec.retry;
  const std::optional<int64_t> retry_after = u.reader->retry_after_ns();
  if (!stopping_ && !u.retire_after_request && retry.ShouldRetry(outcome, u.retries_done)) {
    // Still in flight: the request is not over until its last attempt is.
    in_flight_.fetch_add(1, std::memory_order_relaxed);
    u.state = UserState::kRetryWait;
    u.pending_outcome = outcome;
    const double unit = std::uniform_real_distribution<double>(0, 1)(retry_rng_);
    const int64_t wait = retry.WaitBeforeRetryNs(u.retries_done + 1, unit, retry_after);
    timers_.Push(now_ns + wait, local, TimerTagFor(kThinkDone, u.generation));
    return;
  }
  Record(*u.reader, u, outcome);
  if (u.conversing != nullptr) {
    u.conversing->session.Finish(outcome == ErrorClass::kSuccess, u.reader->reply_text());
  }
  const int64_t not_before =
      retry.respect_retry_after && retry_after.has_value() ? now_ns + *retry_after : 0;
  ScheduleNext(local, now_ns, outcome == ErrorClass::kConnect, not_before);
}

void EngineThread::AbandonRetry(uint32_t local) {
  User& u = users_[local];
  in_flight_.fetch_sub(1, std::memory_order_relaxed);
  Record(*u.reader, u, u.pending_outcome);
  EndUser(local);
}

void EngineThread::ScheduleNext(uint32_t local, int64_t now_ns, bool could_not_connect,
                                int64_t not_before_ns) {
  User& u = users_[local];
  if (arrivals_ != nullptr) {  // open loop: the slot is free for the next arrival
    EndUser(local);
    StartWaiting();
    if (Saturating()) {
      // As in a closed loop, a refused connection pauses its slot rather than spin on it.
      if (could_not_connect) {
        timers_.Push(now_ns + kConnectFailurePauseNs, 0,
                     TimerTagFor(kArrival, arrival_generation_));
      } else {
        KeepSlotsBusy();
      }
    }
    return;
  }
  int64_t think = absl::ToInt64Nanoseconds(shared_.spec.think_time);
  if (u.conversing != nullptr && u.conversing->session.active()) {  // the pause between turns
    think = u.conversing->session.PauseBeforeNs(
        shared_.spec.turn_delay ? absl::ToInt64Nanoseconds(*shared_.spec.turn_delay) : think);
  }
  // A refused or unreachable endpoint fails in microseconds; without a pause every user would
  // spin, burning the agent's CPU and counting thousands of identical failures a second.
  if (could_not_connect) think = std::max(think, kConnectFailurePauseNs);
  if (not_before_ns > now_ns) think = std::max(think, not_before_ns - now_ns);
  if (stopping_ || u.retire_after_request) {
    EndUser(local);
  } else if (think > 0) {
    u.state = UserState::kThinking;
    timers_.Push(now_ns + think, local, TimerTagFor(kThinkDone, u.generation));
  } else {
    StartRequest(local, now_ns, now_ns);
  }
}

void EngineThread::CancelInFlight(int64_t now_ns) {
  for (size_t local = 0; local < users_.size(); ++local) {
    User& u = users_[local];
    if (u.state != UserState::kInFlight) continue;
    curl_multi_remove_handle(ShardOf(static_cast<uint32_t>(local)).multi.get(), u.easy.get());
    in_flight_.fetch_sub(1, std::memory_order_relaxed);
    u.reader->Finish(CURLE_ABORTED_BY_CALLBACK, now_ns, /*cancelled=*/true);
    Record(*u.reader, u, ErrorClass::kCancelled);
    EndUser(static_cast<uint32_t>(local));
  }
}

void EngineThread::Record(const ResponseReader& reader, const User& user, ErrorClass outcome) {
  if (user.in_warmup) {  // sent, and counted as warm-up only
    stats_.warmup_requests++;
    return;
  }
  stats_.outcomes[static_cast<size_t>(outcome)]++;
  stats_.last_end_wall_ns = WallNowNs();
  const int64_t e2e = reader.e2e_ns();  // to the last byte (see ResponseReader::Finish)
  if (outcome == ErrorClass::kSuccess) {
    stats_.e2e.Record(e2e);
    if (reader.ttft_ns() >= 0) stats_.ttft.Record(reader.ttft_ns());
    if (arrivals_ != nullptr) {  // a closed loop's uncorrected figures are the same ones
      stats_.e2e_uncorrected.Record(reader.e2e_uncorrected_ns());
      if (reader.ttft_uncorrected_ns() >= 0) {
        stats_.ttft_uncorrected.Record(reader.ttft_uncorrected_ns());
      }
    }
    reader.RecordItlInto(&stats_.itl);
    const int64_t tpot = reader.tpot_ns();
    if (tpot >= 0) stats_.tpot.Record(tpot);
    const ServerTimings& server = reader.server_timings();
    if (server.total_ns >= 0) stats_.server_total.Record(server.total_ns);
    if (server.prompt_ns >= 0) stats_.server_prompt.Add(server.prompt_ns);
    if (server.decode_ns >= 0) stats_.server_decode.Add(server.decode_ns);
    if (server.queue_ns >= 0) stats_.server_queue.Add(server.queue_ns);
    stats_.input_tokens += reader.input_tokens();
    stats_.output_tokens += reader.output_tokens();
    (reader.tokens_from_usage() ? stats_.tokens_from_usage : stats_.tokens_from_chunks)++;
    bool met = true;
    for (const Slo& slo : shared_.spec.slos) {
      const int64_t limit = absl::ToInt64Nanoseconds(slo.limit);
      switch (slo.metric) {
        case Slo::Metric::kTtft:
          met = met && reader.ttft_ns() >= 0 && reader.ttft_ns() <= limit;
          break;
        case Slo::Metric::kTpot:
          met = met && tpot <= limit;  // a single-token reply has no TPOT (-1) and passes
          break;
        case Slo::Metric::kItl:
          met = met && reader.max_itl_ns() <= limit;
          break;
        case Slo::Metric::kE2e:
          met = met && e2e <= limit;
          break;
      }
    }
    if (met) stats_.slo_met++;
  }
  if (shared_.spec.record_requests) {
    RequestRecord r;
    r.start_offset_ns = user.send_ns - shared_.run_start_ns;
    r.status = outcome;
    r.http_status = static_cast<int32_t>(reader.http_status());
    r.ttft_ns = reader.ttft_ns();
    r.e2e_ns = e2e;
    r.itl_mean_ns = reader.itl_mean_ns();
    r.input_tokens = reader.input_tokens();
    r.output_tokens = reader.output_tokens();
    r.prompt_index = shared_.record_prompt_index.empty()
                         ? user.prompt_index
                         : shared_.record_prompt_index[user.prompt_index];
    r.agent_index = shared_.agent_index;
    r.turn = user.turn;
    stats_.records.push_back(r);
  }
}

void EngineThread::PublishStats() {
  const int64_t now_wall = WallNowNs();
  stats_.start_wall_ns = stats_started_wall_ns_;
  stats_.end_wall_ns = now_wall;
  stats_started_wall_ns_ = now_wall;
  if (stats_.requests() == 0 && stats_.cancelled() == 0 && stats_.attempts == 0 &&
      stats_.dropped == 0 && stats_.warmup_requests == 0) {
    return;
  }
  {
    absl::MutexLock lock(&mu_);
    published_.Merge(stats_);
    has_published_ = true;
  }
  stats_.Reset();
}

int EngineThread::OnCurlSocket(CURL* easy, curl_socket_t fd, int what, void* shard_ptr,
                               void* /*socketp*/) {
  auto* shard = static_cast<CurlShard*>(shard_ptr);
  Watch& w = shard->thread->WatchOf(fd);
  if (what == CURL_POLL_REMOVE) {
    w.wanted = false;
    if (!w.connection) shard->thread->Unwatch(fd);  // a connection stays registered: see Watch
    return 0;
  }
  w.wanted = true;
  void* priv = nullptr;
  curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
  w.user = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(priv));
  const uint32_t events =
      ((what & CURL_POLL_IN) ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0u);
  if (w.in_epoll && w.events == events && w.shard == shard->index) return 0;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = (uint64_t{shard->index} << 32) | static_cast<uint32_t>(fd);
  const int epoll_fd = shard->thread->epoll_fd_;
  // The mirror can only be wrong if a descriptor was closed behind libcurl's back; the
  // kernel's answer settles it either way.
  if (epoll_ctl(epoll_fd, w.in_epoll ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) != 0) {
    epoll_ctl(epoll_fd, errno == ENOENT ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &ev);
  }
  w.in_epoll = true;
  w.events = events;
  w.shard = shard->index;
  return 0;
}

int EngineThread::OnCurlSocketOpened(void* thread, curl_socket_t fd, curlsocktype /*purpose*/) {
  // A new socket is in no epoll set, whatever an earlier descriptor of that number was.
  static_cast<EngineThread*>(thread)->WatchOf(fd) = Watch{.connection = true};
  EnableReceiveStamps(fd);  // without stamps, bytes are timed when read: still correct
  return CURL_SOCKOPT_OK;
}

int EngineThread::OnCurlCloseSocket(void* thread, curl_socket_t fd) {
  static_cast<EngineThread*>(thread)->WatchOf(fd) = Watch{};
  return close(fd);
}

void EngineThread::Unwatch(int fd) {
  Watch& w = WatchOf(fd);
  if (w.in_epoll) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  w.in_epoll = false;
}

int EngineThread::OnCurlTimer(CURLM* /*multi*/, long timeout_ms, void* shard_ptr) {
  auto* shard = static_cast<CurlShard*>(shard_ptr);
  shard->deadline_ns = timeout_ms < 0 ? -1 : MonotonicNowNs() + timeout_ms * kNsPerMs;
  return 0;
}

size_t EngineThread::OnCurlWrite(char* data, size_t size, size_t nmemb, void* reader) {
  const size_t n = size * nmemb;
  // A refused response (too large, not SSE, compressed): returning less than n makes libcurl
  // end the transfer with CURLE_WRITE_ERROR and close its connection.
  const bool keep =
      static_cast<ResponseReader*>(reader)->OnBytes(absl::string_view(data, n), MonotonicNowNs());
  return keep ? n : 0;
}

}  // namespace llmload::agent
