// EngineThread: one event-loop thread of the load engine. It owns an epoll set, libcurl
// multi handles driven by curl_multi_socket_action, a timer queue and the virtual users
// assigned to it. Users are spread over several multi handles of at most kUsersPerShard
// each: libcurl (7.88) looks for a reusable connection by walking every connection to the
// host in the multi's cache, so one multi for 10,000 users made each request start cost
// O(users) (0.5 ms of CPU at 10,000 users against 0.05 ms at 64; docs/benchmarks.md). A virtual
// user is a small state machine (in flight, thinking, retired), never a thread. Nothing is held
// per user before it spawns: one spawn cursor per thread walks the users due to start, with one
// timer for the next of them, and a user's slot, libcurl handle and reader come into existence
// when it is born, so memory follows the users started, not the target (`-u 10000000 -r 5`
// holds a few users after a few seconds).
// In an open loop (WorkloadSpec::open_loop) the users are slots instead: an arrival process
// (schedule/arrival_process.h) schedules sends on the thread's timer queue, each takes an idle
// slot (or makes one), waits in a bounded FIFO when the thread's share of --max-concurrency
// is in flight, or is dropped when that queue is full; latency runs from the scheduled time.
// Everything a request touches lives on this thread, so recording a finished request takes no lock;
// other threads talk to it through a command queue woken by an eventfd (a lock per command, never
// per request).
#ifndef LLMLOAD_AGENT_ENGINE_THREAD_H_
#define LLMLOAD_AGENT_ENGINE_THREAD_H_

#include <atomic>
#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "agent/arrival_queue.h"
#include "agent/conversation_session.h"
#include "agent/curl_handles.h"
#include "agent/engine_shared.h"
#include "agent/response_reader.h"
#include "agent/timer_queue.h"
#include "common/interval_stats.h"
#include "common/prompt.h"
#include "schedule/arrival_process.h"
#include "schedule/load_target.h"

namespace llmload::agent {

class EngineThread {
 public:
  // `index` of `count` threads: this thread owns the engine's users index, index+count, ...
  // `arrivals`: this thread's arrival process in an open loop; null in a closed loop.
  EngineThread(const EngineShared& shared, int index, int count,
               std::unique_ptr<schedule::ArrivalProcess> arrivals);
  ~EngineThread();
  EngineThread(const EngineThread&) = delete;
  EngineThread& operator=(const EngineThread&) = delete;

  void Start();

  // Desired state. Closed loop: the engine as a whole should run `target.users` users, new
  // ones started at `target.spawn_rate` per second (engine-wide) from `ramp_start_ns`
  // (monotonic). Users beyond the target retire after their current request.
  // `spawned`: users running engine-wide now. Users not started yet are (re)timed after
  // them at the new rate, so a rebalance during the ramp never runs two schedules at once.
  // Open loop: `target.open` is this thread's own share; its first arrival is due at
  // `ramp_start_ns` + phase, and a later change of rate re-scales the gap in progress.
  void SetTarget(const schedule::LoadTarget& target, int64_t ramp_start_ns, int64_t spawned);
  // Stops starting requests; in-flight ones may finish until `deadline_ns` (monotonic), then
  // they are cancelled and counted as such. The thread exits once nothing is in flight.
  void Stop(int64_t deadline_ns);
  // Merges what was published since the last call into `out` and forgets it; false (and
  // `out` untouched) when there was nothing.
  bool TakeStats(IntervalStats* out);
  void Join();

  int64_t running_users() const { return running_users_.load(std::memory_order_relaxed); }
  int64_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }
  // Time this thread's loop has spent working (not waiting in epoll) since it started.
  int64_t busy_ns(int64_t now_ns) const {
    const int64_t start = loop_start_ns_.load(std::memory_order_relaxed);
    return start == 0 ? 0 : now_ns - start - idle_ns_.load(std::memory_order_relaxed);
  }
  bool finished() const { return finished_.load(std::memory_order_acquire); }

 private:
  // kRetired: born but not running (retired, or its budget or the run ran out); a raised
  // target may start it again. kRetryWait: the request's last attempt failed and it waits its
  // backoff before the next (common/retry_policy.h); the request counts as in flight until
  // its final attempt ends.
  enum class UserState : uint8_t { kInFlight, kThinking, kRetryWait, kRetired };
  enum TimerTag : uint32_t { kSpawn = 0, kThinkDone = 1, kArrival = 2 };

  // A multi-turn user's conversation (WorkloadSpec::conversations): its session and the request
  // of its current turn. A turn after the first has a body of its own, built when the turn
  // starts; the first turn's is the shared one. Held on the heap: libcurl reads the body and
  // headers in place while a User may move.
  struct Conversing {
    explicit Conversing(HistoryMode mode) : session(mode) {}
    ConversationSession session;
    Prompt prompt;            // scratch: the turn's prompt, its storage reused
    PreparedRequest request;  // the turn's request, when turn > 0
    CurlSlist headers;        // its header lines, when they differ from the first turn's
  };

  // Slots of users born on this thread, by local index; grows as users spawn (a User is moved
  // when it grows: nothing keeps a pointer to one, libcurl's callback data is the heap-owned
  // reader and the local index).
  struct User {
    UserState state = UserState::kRetired;
    uint32_t generation = 0;  // bumps cancel stale timers
    bool retire_after_request = false;
    CurlEasy easy;
    std::unique_ptr<ResponseReader> reader;
    int64_t send_ns = 0;         // the request's first attempt: its latency runs from here
    int64_t actual_send_ns = 0;  // when it went out (later than send_ns when the client is late)
    bool in_warmup = false;      // started in the warm-up: left out of the aggregates
    uint32_t prompt_index = 0;
    uint32_t turn = 0;  // of the request in flight, in its conversation (multi-turn)
    std::unique_ptr<Conversing> conversing;  // multi-turn only
    int retries_done = 0;                    // of the request in flight
    int64_t url_prompt = -1;   // the prompt whose URL is set on `easy`; -1: none, or signed
    CurlSlist signed_headers;  // this send's headers, when the API signs each send
    std::string signed_url;    // this send's URL, when signing changed it
    ErrorClass pending_outcome = ErrorClass::kOther;  // kRetryWait: the failed attempt's class
  };

  void Loop();
  void ApplyCommands();
  void ApplyTarget(const schedule::LoadTarget& target, int64_t ramp_start_ns, int64_t spawned);
  void ApplyOpenTarget(const schedule::RateShare& share, int64_t stream_start_ns);
  // A new user slot, with its reader and shard: a closed-loop user born, or an open-loop slot.
  uint32_t NewUserSlot();
  // The user's request is over and it takes no other (retired, or an open-loop slot freed).
  void EndUser(uint32_t local);
  // Open loop: the scheduled sends that are due, then the one arrival timer for the next.
  void RunArrivals();
  // Moves the pending arrival to the one after it (or ends the stream).
  void AdvanceArrival();
  // Arms the one arrival timer for the next scheduled send, not before `not_before_ns`.
  void ArmArrivalTimer(int64_t not_before_ns = 0);
  // Open loop: an arrival scheduled at `scheduled_ns`, carrying `prompt` (-1: the prompt order
  // picks), takes a slot, waits, or is dropped. False when it took a slot but no request
  // started (the budget is spent, or stopping).
  bool Arrive(int64_t scheduled_ns, int64_t prompt = -1);
  // An open loop at an infinite rate (--rate inf) keeps its --max-concurrency slots busy: no
  // schedule and no arrival timer, a new request whenever a slot frees (vLLM's
  // --request-rate inf with --max-concurrency; a sweep's synchronous and throughput steps).
  bool Saturating() const { return std::isinf(open_.rate) && open_.max_concurrency > 0; }
  void KeepSlotsBusy();
  // Open loop: waiting arrivals take the slots that are free.
  void StartWaiting();
  // A thread whose share of a capped run has no slot has none free (it gets no rate, but a
  // trace's lines still arrive); a share of 0 in an uncapped run means no cap.
  bool SlotFree() const {
    if (open_.max_concurrency <= 0) return shared_.spec.max_concurrency <= 0;
    return open_busy_ < open_.max_concurrency;
  }
  // Starts every user from the spawn cursor on whose time has come, then arms the one spawn
  // timer for the next.
  void SpawnDueUsers(int64_t now_ns);
  void ArmSpawnTimer();
  void RunDueTimers(int64_t now_ns);
  // curl_multi_socket_action(CURL_SOCKET_TIMEOUT) on every shard whose libcurl timer is due.
  void RunDueCurlTimers(int64_t now_ns);
  // A new request: takes a budget slot and a prompt (`prompt`, or the prompt order's next when
  // it is -1), then sends its first attempt. Its latency runs from `scheduled_ns` (an open
  // loop's arrival; `now_ns` in a closed loop). False: no request (stopping, retiring, or the
  // budget is spent) and the user has ended.
  bool StartRequest(uint32_t local, int64_t now_ns, int64_t scheduled_ns, int64_t prompt = -1);
  // Multi-turn: the user's next turn (a new conversation when none is under way) sets its
  // prompt index and turn and, for a later turn, builds that turn's request.
  void NextTurn(User& u);
  // Sends an attempt of the user's current request (its first, or a retry).
  void SendAttempt(uint32_t local, int64_t now_ns);
  // A request waiting for a retry that will not be sent (stop, or fewer users): it ends with
  // its last attempt's class.
  void AbandonRetry(uint32_t local);
  void FinishRequests();
  void OnRequestDone(uint32_t local, int64_t now_ns);
  // `not_before_ns`: the earliest next request (a respected Retry-After), or 0.
  void ScheduleNext(uint32_t local, int64_t now_ns, bool could_not_connect = false,
                    int64_t not_before_ns = 0);
  void CancelInFlight(int64_t now_ns);
  void Record(const ResponseReader& reader, const User& user, ErrorClass outcome);
  void PublishStats();
  int64_t NextWakeNs() const;

  // libcurl callbacks (static trampolines to the members).
  // One multi handle and the users that use it: local users [index * kUsersPerShard, ...).
  struct CurlShard {
    EngineThread* thread = nullptr;
    uint32_t index = 0;
    CurlMulti multi;
    int64_t deadline_ns = -1;  // libcurl's timer for this multi; -1: none
  };
  static constexpr size_t kUsersPerShard = 256;
  CurlShard& ShardOf(uint32_t local) { return *shards_[local / kUsersPerShard]; }
  // Makes sure every user below `users` has its shard.
  void EnsureShards(size_t users);
  bool Running(const User& u) const {
    return u.state == UserState::kInFlight || u.state == UserState::kThinking ||
           u.state == UserState::kRetryWait;
  }

  static int OnCurlSocket(CURL* easy, curl_socket_t fd, int what, void* shard, void* socketp);
  static int OnCurlCloseSocket(void* thread, curl_socket_t fd);
  static int OnCurlSocketOpened(void* thread, curl_socket_t fd, curlsocktype purpose);
  static int OnCurlTimer(CURLM* multi, long timeout_ms, void* shard);
  static size_t OnCurlWrite(char* data, size_t size, size_t nmemb, void* user);

  const EngineShared& shared_;
  const int index_;
  const int count_;

  // What the epoll set holds for each descriptor libcurl handed us, by fd. libcurl drops a
  // keep-alive connection's socket from its watch list after every response and asks for it
  // again with the next request; mirroring that costs three epoll_ctl calls per request
  // (DEL, a MOD that fails, ADD). A connection's registration is kept instead while its
  // socket lives: libcurl opens it through OnCurlSocketOpened and closes it through
  // OnCurlCloseSocket (the kernel drops a closed descriptor from the set), so the mirror
  // stays true and a reused connection costs no epoll_ctl at all. Other descriptors (the
  // threaded resolver's socketpair, which libcurl closes itself) are unregistered as before.
  struct Watch {
    bool connection = false;  // opened by libcurl for a connection, closed through us
    bool in_epoll = false;
    bool wanted = false;  // libcurl currently watches it
    uint32_t events = 0;  // registered EPOLLIN/EPOLLOUT
    uint32_t shard = 0;   // registered shard (the high half of the event tag)
    uint32_t user = 0;    // the local user whose transfer uses it now
  };
  Watch& WatchOf(int fd) {
    if (static_cast<size_t>(fd) >= watches_.size()) watches_.resize(fd + 1024);
    return watches_[fd];
  }
  // An event on a socket libcurl does not watch (an idle keep-alive connection the server
  // closed): unregister it, so that a level-triggered event does not come back every pass.
  void Unwatch(int fd);

  int epoll_fd_ = -1;
  std::vector<Watch> watches_;
  int wake_fd_ = -1;
  std::vector<std::unique_ptr<CurlShard>> shards_;  // stable addresses: curl callback data
  SendExtras send_extras_;                          // scratch for signing a send
  TimerQueue timers_;
  std::vector<User> users_;
  std::vector<uint32_t> done_scratch_;
  PromptPicker picker_;
  std::mt19937_64 retry_rng_;  // backoff jitter

  int64_t target_users_ = 0;  // engine-wide target
  // The spawn schedule of the current target (schedule/closed_loop.h): local users below
  // spawn_until_ that are not running start at SpawnAtNs(...); spawn_cursor_ is the first
  // of them not started yet. spawn_generation_ cancels a stale spawn timer.
  int64_t spawn_until_ = 0;
  int64_t spawn_cursor_ = 0;
  int64_t spawn_previous_ = 0;
  double spawn_rate_ = 0;
  int64_t spawn_ramp_start_ns_ = 0;
  uint32_t spawn_generation_ = 0;
  bool stopping_ = false;
  int64_t stop_deadline_ns_ = 0;
  // The target's warm-up (LoadTarget::warmup_end_ns, ns since the run's start; a sweep step's).
  int64_t warmup_end_ns_ = 0;

  // Open loop only. open_busy_: slots whose request is in flight (or waits for a retry);
  // idle_slots_: slots free for the next arrival; waiting_: scheduled times of arrivals that
  // found the cap in flight, oldest first, at most open_.max_queue of them.
  std::unique_ptr<schedule::ArrivalProcess> arrivals_;
  schedule::RateShare open_;
  int64_t next_arrival_ns_ = -1;  // -1: none pending (no rate yet, the stream ended, saturating)
  int64_t next_arrival_prompt_ = -1;  // the prompt the pending arrival carries (-1: picked)
  bool arrivals_ended_ = false;       // the process said kNoMoreArrivals: it never restarts
  uint32_t arrival_generation_ = 0;
  int64_t open_busy_ = 0;
  std::vector<uint32_t> idle_slots_;
  ArrivalQueue waiting_;
  int running_ = 0;  // in-flight transfers (this thread's view)

  IntervalStats stats_;  // owned by the loop thread; merged into published_ every publish tick
  int64_t stats_started_wall_ns_ = 0;

  absl::Mutex mu_;  // guards commands_ and published_
  struct Command {
    enum Kind { kTarget, kStop } kind;
    schedule::LoadTarget target;
    int64_t at_ns = 0;
    int64_t spawned = 0;  // kTarget: users running engine-wide when the target was set
  };
  std::vector<Command> commands_ ABSL_GUARDED_BY(mu_);
  IntervalStats published_ ABSL_GUARDED_BY(mu_);
  bool has_published_ ABSL_GUARDED_BY(mu_) = false;

  std::atomic<int64_t> running_users_{0};
  std::atomic<int64_t> in_flight_{0};
  std::atomic<int64_t> loop_start_ns_{0};
  std::atomic<int64_t> idle_ns_{0};  // time spent waiting in epoll
  std::atomic<bool> finished_{false};
  std::thread thread_;
};

}  // namespace llmload::agent

#endif  // LLMLOAD_AGENT_ENGINE_THREAD_H_
