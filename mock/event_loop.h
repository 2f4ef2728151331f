// EventLoop: one mock-server thread. It owns an epoll instance, a listening socket (its own
// SO_REUSEPORT socket when there are several loops), a timerfd armed for the earliest token
// deadline, an eventfd to be told to stop, and every connection it accepted. Sockets are
// non-blocking and edge-triggered; a connection is a small state machine (read request ->
// stream tokens on timer -> next pipelined request), never a thread.
// With a concurrency cap (this loop's share of --max-concurrency) the loop has that many batch
// slots: a valid completion request that finds them all generating waits in a FIFO (an
// intrusive list through the connections, so a waiter that disconnects leaves it in O(1))
// and is admitted, its TTFT deadline counting from then, when a generation ends. Admission
// happens after each batch of events, never inside the handler that ended a generation.
#ifndef LLMLOAD_MOCK_EVENT_LOOP_H_
#define LLMLOAD_MOCK_EVENT_LOOP_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "mock/api_error.h"
#include "mock/dialects/dialect_table.h"
#include "mock/http_request_parser.h"
#include "mock/mock_server.h"
#include "mock/mock_stats.h"
#include "mock/timer_heap.h"
#include "mock/unique_fd.h"

namespace llmload::mock {

// What a loop shares with the server and the other loops; all of it outlives the loop.
struct EventLoopContext {
  const MockOptions* options = nullptr;
  MockCounters* counters = nullptr;                                 // this loop's
  const std::vector<std::unique_ptr<MockCounters>>* all = nullptr;  // for GET /mock/stats
  std::atomic<uint64_t>* request_seq = nullptr;
  int64_t started_unix = 0;  // "created" of the listed model
  int max_concurrency = 0;   // this loop's batch slots (LoopMaxConcurrency); 0: no limit
};

class EventLoop {
  // Only members can name PrivateTag, so only Create() constructs a loop.
  struct PrivateTag {
    explicit PrivateTag() = default;
  };

 public:
  static absl::StatusOr<std::unique_ptr<EventLoop>> Create(EventLoopContext context,
                                                           UniqueFd listener);
  EventLoop(PrivateTag, EventLoopContext context, UniqueFd listener);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Serves until RequestStop(); then closes every connection. Runs on the loop's thread.
  void Run();
  // Thread-safe and async-signal-safe: wakes the loop and makes Run() return.
  void RequestStop();

 private:
  struct Connection;

  void Accept(int64_t now);
  void OnConnectionEvent(Connection& c, uint32_t events);
  void OnReadable(Connection& c);
  void ProcessInput(Connection& c);
  void HandleRequest(Connection& c, const HttpRequest& req, int64_t now);
  void AnswerInfo(Connection& c, const HttpRequest& req, const RouteMatch& route);
  void StartCompletion(Connection& c, const HttpRequest& req, const RouteMatch& route, int64_t now);
  // Takes a slot for the prepared completion on `c` and starts its clock at `now`.
  void Admit(Connection& c, int64_t now);
  // Gives back the slot of `c`'s completion, if it holds one (the next waiter is admitted by
  // AdmitWaiters at the end of the batch).
  void EndGeneration(Connection& c);
  void Enqueue(Connection& c);
  void Dequeue(Connection& c);
  // Admits waiters in FIFO order while slots are free.
  void AdmitWaiters();
  bool SlotFree() const { return ctx_.max_concurrency <= 0 || generating_ < ctx_.max_concurrency; }
  void Advance(Connection& c, int64_t now);
  void FinishResponse(Connection& c);
  void Truncate(Connection& c);
  // Answers `error` in `dialect`'s shape, or OpenAI's (ApiError::Body) for the loop's own
  // routes and HTTP-level errors when `dialect` is null.
  void SendError(Connection& c, const ApiError& error, bool keep_alive, bool is_bad_request,
                 const MockDialect* dialect = nullptr, absl::string_view extra_headers = "");
  void SendJson(Connection& c, int status, const std::string& body, bool keep_alive);
  void SendReply(Connection& c, int status, absl::string_view body, absl::string_view content_type,
                 absl::string_view extra_headers, bool keep_alive);
  void Flush(Connection& c);
  void Schedule(Connection& c, int64_t deadline_ns);
  void Close(Connection& c);
  void RunTimers(int64_t now);
  void ArmTimerFd();
  Connection* NewConnection(UniqueFd fd);

  EventLoopContext ctx_;
  UniqueFd listener_;
  UniqueFd epoll_;
  UniqueFd timer_fd_;
  UniqueFd stop_fd_;
  bool running_ = true;
  bool listener_paused_ = false;
  TimerHeap timers_;
  int64_t armed_deadline_ = -1;
  uint64_t next_timer_id_ = 1;
  std::vector<std::unique_ptr<Connection>> slots_;
  std::vector<uint32_t> free_slots_;
  std::vector<uint32_t> closed_slots_;  // freed after the current batch of events
  std::string scratch_;                 // read buffer reused by every connection
  DialectSet dialects_;                 // this loop's instances: a dialect may keep a parser
  // Batch slots and their FIFO of waiting connections (slot numbers; kNoSlot ends the list).
  static constexpr uint32_t kNoSlot = ~uint32_t{0};
  int generating_ = 0;
  uint64_t queued_ = 0;
  uint32_t queue_head_ = kNoSlot;
  uint32_t queue_tail_ = kNoSlot;
};

}  // namespace llmload::mock

#endif  // LLMLOAD_MOCK_EVENT_LOOP_H_
