#include "mock/event_loop.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/receive_stamp.h"
#include "mock/http_response.h"
#include "mock/json_escape.h"
#include "mock/random.h"
#include "mock/token_vocabulary.h"

namespace llmload::mock {
namespace {

// epoll_event.data.u64 values that are not connection slots.
constexpr uint64_t kListenerTag = ~uint64_t{0};
constexpr uint64_t kTimerTag = ~uint64_t{0} - 1;
constexpr uint64_t kStopTag = ~uint64_t{0} - 2;
// Timer slot meaning "re-enable the listener" (after EMFILE).
constexpr uint32_t kListenerSlot = ~uint32_t{0};

constexpr size_t kReadChunk = 64 * 1024;
// A streaming connection whose client reads slower than tokens are produced stops producing
// once this much output is queued, and resumes when the queue drains (backpressure).
constexpr size_t kOutputHighWater = 256 * 1024;
// After a response that ends the connection, how long to drain the client's input before
// closing, so a close with unread input cannot turn into an RST that destroys the response.
constexpr int64_t kLingerNs = 2'000'000'000;
constexpr int64_t kAcceptRetryNs = 100'000'000;

int64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

struct EventLoop::Connection {
  uint32_t slot = 0;
  UniqueFd fd;
  bool closed = true;
  std::string in;  // received bytes; the unconsumed ones start at in_off
  size_t in_off = 0;
  std::string out;  // bytes to send; the unsent ones start at out_off
  size_t out_off = 0;
  HttpRequestParser parser;
  bool continue_sent = false;
  bool in_process_input = false;   // ProcessInput is on the stack: don't re-enter it
  bool busy = false;               // a completion response is in progress
  bool close_after_write = false;  // close once `out` is flushed
  bool lingering = false;          // write side shut down, draining input until EOF
  bool read_paused = false;        // stopped reading: too much pipelined input queued
  bool stream_stalled = false;     // stopped producing tokens until `out` drains
  uint64_t timer_id = 0;           // the armed timer; 0 when none
  bool queued = false;             // busy, waiting in the loop's FIFO for a batch slot
  bool generating = false;         // busy, holding a batch slot
  uint32_t queue_prev = 0;         // neighbours in the FIFO while queued
  uint32_t queue_next = 0;

  // The completion in progress.
  bool stream = false;
  bool keep_alive = true;
  bool finish_length = false;
  bool http10 = false;  // the request was HTTP/1.0 (the parser forgets it after the request)
  int64_t tokens_total = 0;
  int64_t tokens_sent = 0;
  int64_t prompt_tokens = 0;
  int64_t truncate_after = -1;   // tokens to send before cutting the response; -1: never
  int64_t next_deadline = 0;     // when the next token (or the whole body) is due
  int64_t read_ns = 0;           // when the request was parsed, until it is admitted; then
                                 // when it was admitted: the start of first_token
  int64_t first_token_ns = 0;    // MockOutcome::first_token_ns
  int64_t arrival_ns = 0;        // when it reached the socket: the start of ..._from_arrival
  int64_t last_arrival_ns = -1;  // the kernel's receive time of the latest bytes read; -1: none
  Rng token_rng;
  Rng latency_rng;
  std::string id;
  std::string text;                      // non-streaming: the escaped completion text
  std::string body;                      // non-streaming: the JSON body
  MockResponseWriter* writer = nullptr;  // the one of writers[] formatting the response
  // One writer per dialect, made on first use and kept (with its buffers) by the slot.
  std::vector<std::unique_ptr<MockResponseWriter>> writers;

  size_t pending_out() const { return out.size() - out_off; }
  // What the writer reports at the end of the response in progress.
  MockOutcome outcome(int64_t now) const {
    return MockOutcome{finish_length, prompt_tokens, tokens_total, first_token_ns, now - read_ns};
  }
};

absl::StatusOr<std::unique_ptr<EventLoop>> EventLoop::Create(EventLoopContext context,
                                                             UniqueFd listener) {
  auto loop = std::make_unique<EventLoop>(PrivateTag{}, std::move(context), std::move(listener));
  auto errno_error = [](absl::string_view what) {
    return absl::InternalError(absl::StrCat(what, ": ", std::strerror(errno)));
  };
  loop->epoll_ = UniqueFd(epoll_create1(EPOLL_CLOEXEC));
  if (!loop->epoll_.valid()) return errno_error("epoll_create1");
  loop->timer_fd_ = UniqueFd(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
  if (!loop->timer_fd_.valid()) return errno_error("timerfd_create");
  loop->stop_fd_ = UniqueFd(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!loop->stop_fd_.valid()) return errno_error("eventfd");
  const std::pair<int, uint64_t> fds[] = {{loop->listener_.get(), kListenerTag},
                                          {loop->timer_fd_.get(), kTimerTag},
                                          {loop->stop_fd_.get(), kStopTag}};
  for (auto [fd, tag] : fds) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = tag;
    if (epoll_ctl(loop->epoll_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) return errno_error("epoll_ctl");
  }
  return loop;
}

EventLoop::EventLoop(PrivateTag, EventLoopContext context, UniqueFd listener)
    : ctx_(context), listener_(std::move(listener)) {
  scratch_.resize(kReadChunk);
}

EventLoop::~EventLoop() = default;

void EventLoop::RequestStop() {
  const uint64_t one = 1;
  // An eventfd write cannot fail short of a bug; there is nothing better to do if it does.
  [[maybe_unused]] ssize_t n = write(stop_fd_.get(), &one, sizeof(one));
}

void EventLoop::Run() {
  constexpr int kMaxEvents = 512;
  epoll_event events[kMaxEvents];
  while (running_) {
    const int n = epoll_wait(epoll_.get(), events, kMaxEvents, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;  // EBADF/EINVAL: the loop itself is broken; stop rather than spin
    }
    bool timers_due = false;
    for (int i = 0; i < n; ++i) {
      const uint64_t tag = events[i].data.u64;
      if (tag == kListenerTag) {
        Accept(NowNs());
      } else if (tag == kTimerTag) {
        uint64_t expirations;
        [[maybe_unused]] ssize_t r = read(timer_fd_.get(), &expirations, sizeof(expirations));
        armed_deadline_ = -1;
        timers_due = true;
      } else if (tag == kStopTag) {
        running_ = false;
      } else if (tag < slots_.size()) {
        Connection& c = *slots_[tag];
        if (!c.closed) OnConnectionEvent(c, events[i].events);
      }
    }
    if (timers_due || (!timers_.empty() && timers_.top().deadline_ns <= NowNs())) {
      RunTimers(NowNs());
    }
    AdmitWaiters();
    // Slots closed during this batch become reusable only now, so a stale event in the same
    // batch can never reach a new connection.
    for (uint32_t slot : closed_slots_) {
      Connection& c = *slots_[slot];
      // Give back memory a huge request or response made a connection grow.
      if (c.in.capacity() > 4 * kReadChunk) std::string().swap(c.in);
      if (c.out.capacity() > 4 * kOutputHighWater) std::string().swap(c.out);
      if (c.body.capacity() > 4 * kOutputHighWater) std::string().swap(c.body);
      if (c.text.capacity() > 4 * kOutputHighWater) std::string().swap(c.text);
      free_slots_.push_back(slot);
    }
    closed_slots_.clear();
    ArmTimerFd();
  }
  for (auto& c : slots_) {
    if (!c->closed) Close(*c);
  }
}

EventLoop::Connection* EventLoop::NewConnection(UniqueFd fd) {
  uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<uint32_t>(slots_.size());
    slots_.push_back(std::make_unique<Connection>());
    slots_.back()->slot = slot;
  }
  Connection& c = *slots_[slot];
  c.fd = std::move(fd);
  c.closed = false;
  c.in.clear();
  c.in_off = 0;
  c.out.clear();
  c.out_off = 0;
  c.parser = HttpRequestParser(
      HttpParserLimits{ctx_.options->max_header_bytes, ctx_.options->max_body_bytes});
  c.continue_sent = c.in_process_input = c.busy = c.close_after_write = false;
  c.lingering = c.read_paused = c.stream_stalled = false;
  c.timer_id = 0;
  c.queued = c.generating = false;
  c.last_arrival_ns = -1;
  return &c;
}

void EventLoop::Accept(int64_t now) {
  while (true) {
    const int fd = accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        // Out of descriptors: stop polling the listener for a while instead of spinning on
        // a level-triggered event we cannot clear. Pending clients wait in the backlog.
        epoll_event ev{};
        ev.data.u64 = kListenerTag;
        epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, listener_.get(), &ev);
        listener_paused_ = true;
        timers_.Push({now + kAcceptRetryNs, kListenerSlot, 0});
      }
      return;
    }
    UniqueFd owned(fd);
    // Small chunks must leave at once: Nagle would hold a token until the previous is acked.
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    Connection* c = NewConnection(std::move(owned));
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.u64 = c->slot;
    if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) {
      c->fd.Reset();
      c->closed = true;
      closed_slots_.push_back(c->slot);
      continue;
    }
    MockCounters::Add(ctx_.counters->connections_accepted);
  }
}

void EventLoop::OnConnectionEvent(Connection& c, uint32_t events) {
  if (events & EPOLLERR) {
    if (c.busy) MockCounters::Add(ctx_.counters->client_disconnects);
    Close(c);
    return;
  }
  if (events & EPOLLOUT) {
    Flush(c);
    if (c.closed) return;
  }
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP)) OnReadable(c);
}

void EventLoop::OnReadable(Connection& c) {
  const size_t max_buffered =
      ctx_.options->max_body_bytes + ctx_.options->max_header_bytes + kReadChunk;
  while (true) {
    bool eof = false;
    while (true) {
      if (!c.lingering && c.in.size() - c.in_off > max_buffered) {
        // A client pipelining faster than we answer: stop reading until the input is
        // consumed (edge-triggered, so we resume reading ourselves, see below and
        // FinishResponse).
        c.read_paused = true;
        break;
      }
      int64_t arrival;
      const ssize_t n =
          ReceiveWithArrival(c.fd.get(), scratch_.data(), scratch_.size(), 0, &arrival);
      if (n > 0) {
        c.last_arrival_ns = arrival;  // -1 without a stamp: never an earlier read's
        if (!c.lingering) c.in.append(scratch_.data(), static_cast<size_t>(n));
        continue;
      }
      if (n == 0) {
        eof = true;
        break;
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (c.busy) MockCounters::Add(ctx_.counters->client_disconnects);
      Close(c);  // ECONNRESET and friends
      return;
    }
    if (c.lingering) {
      if (eof) Close(c);
      return;
    }
    ProcessInput(c);
    if (c.closed) return;
    if (eof) {
      // The client closed its side. Real clients only do that when they give up on the
      // response, so a stream in progress is cancelled (its timer dies with the slot).
      if (c.busy) MockCounters::Add(ctx_.counters->client_disconnects);
      Close(c);
      return;
    }
    if (c.read_paused && !c.busy && !c.close_after_write) {
      c.read_paused = false;
      continue;
    }
    return;
  }
}

void EventLoop::ProcessInput(Connection& c) {
  if (c.in_process_input) return;
  c.in_process_input = true;
  const int64_t now = NowNs();
  while (!c.closed && !c.busy && !c.close_after_write) {
    const absl::string_view pending(c.in.data() + c.in_off, c.in.size() - c.in_off);
    if (pending.empty()) break;
    const HttpRequestParser::Result r = c.parser.Parse(pending);
    if (r == HttpRequestParser::Result::kIncomplete) {
      if (c.parser.headers_complete() && c.parser.request().expect_continue && !c.continue_sent) {
        AppendContinue(&c.out);
        c.continue_sent = true;
      }
      break;
    }
    if (r == HttpRequestParser::Result::kError) {
      // The request's framing is unknown, so nothing after it can be trusted: answer, close.
      MockCounters::Add(ctx_.counters->requests_total);
      MockCounters::Add(ctx_.counters->other_requests);
      SendError(c, ApiError::Http(c.parser.error_status(), c.parser.error_message()),
                /*keep_alive=*/false, /*is_bad_request=*/true);
      c.in_off = c.in.size();
      break;
    }
    const HttpRequest& req = c.parser.request();
    const size_t consumed = req.total_bytes();
    HandleRequest(c, req, now);
    c.in_off += consumed;
    c.parser.Reset();
    c.continue_sent = false;
  }
  if (c.in_off == c.in.size()) {
    c.in.clear();
    c.in_off = 0;
  } else if (c.in_off > kReadChunk) {
    c.in.erase(0, c.in_off);
    c.in_off = 0;
  }
  c.in_process_input = false;
  if (!c.closed) Flush(c);
}

void EventLoop::SendJson(Connection& c, int status, const std::string& body, bool keep_alive) {
  SendReply(c, status, body, "application/json", "", keep_alive);
}

void EventLoop::SendReply(Connection& c, int status, absl::string_view body,
                          absl::string_view content_type, absl::string_view extra_headers,
                          bool keep_alive) {
  ResponseHead head;
  head.status = status;
  head.content_type = content_type;
  head.keep_alive = keep_alive;
  head.http10 = c.parser.request().version_minor == 0;
  head.extra_headers = extra_headers;
  AppendResponse(head, body, &c.out);
  if (!keep_alive) c.close_after_write = true;
}

void EventLoop::SendError(Connection& c, const ApiError& error, bool keep_alive,
                          bool is_bad_request, const MockDialect* dialect,
                          absl::string_view extra_headers) {
  if (is_bad_request) MockCounters::Add(ctx_.counters->bad_requests);
  MockReply reply;
  if (dialect != nullptr) {
    dialect->RenderError(error, &reply);
  } else {
    reply.body = error.Body();
  }
  reply.headers.append(extra_headers.data(), extra_headers.size());
  SendReply(c, error.http_status, reply.body, reply.content_type, reply.headers, keep_alive);
}

void EventLoop::HandleRequest(Connection& c, const HttpRequest& req, int64_t now) {
  MockCounters& k = *ctx_.counters;
  MockCounters::Add(k.requests_total);
  const absl::string_view path = req.path;
  const bool get = req.method == "GET";
  auto method_not_allowed = [&](absl::string_view allowed, const MockDialect* dialect) {
    SendError(c, ApiError::MethodNotAllowed(req.method, path), req.keep_alive, true, dialect,
              absl::StrCat("Allow: ", allowed, "\r\n"));
  };
  RouteMatch route;
  if (dialects_.Match(req.method, path, &route)) {
    MockCounters::Add(k.dialect_requests[route.dialect_index]);
    if (route.route->counter != nullptr) MockCounters::Add(k.*(route.route->counter));
    if (!route.method_allowed) return method_not_allowed(route.route->method, route.dialect);
    if (route.route->kind == RouteKind::kInfo) return AnswerInfo(c, req, route);
    return StartCompletion(c, req, route, now);
  }
  if (path == "/v1/models" || absl::StartsWith(path, "/v1/models/")) {
    MockCounters::Add(k.models_requests);
    if (!get) return method_not_allowed("GET", nullptr);
    auto model_json = [&](absl::string_view id) {
      return absl::StrCat("{\"id\":", JsonQuote(id),
                          ",\"object\":\"model\",\"created\":", ctx_.started_unix,
                          ",\"owned_by\":\"llmload\"}");
    };
    if (path == "/v1/models") {
      return SendJson(
          c, 200,
          absl::StrCat("{\"object\":\"list\",\"data\":[", model_json(ctx_.options->model), "]}"),
          req.keep_alive);
    }
    // Any model is accepted by the completion endpoints, so any model "exists".
    return SendJson(c, 200, model_json(path.substr(strlen("/v1/models/"))), req.keep_alive);
  }
  if (path == "/health") {
    MockCounters::Add(k.health_requests);
    if (!get) return method_not_allowed("GET", nullptr);
    return SendJson(c, 200, "{\"status\":\"ok\"}", req.keep_alive);
  }
  if (path == "/mock/stats") {
    MockCounters::Add(k.stats_requests);
    if (!get) return method_not_allowed("GET", nullptr);
    MockStats stats;
    for (const auto& counters : *ctx_.all) counters->AddTo(&stats);
    MockCounters::MergeHistograms(*ctx_.all, &stats);
    return SendJson(c, 200, stats.ToJson(), req.keep_alive);
  }
  MockCounters::Add(k.other_requests);
  SendError(c, ApiError::NotFound(req.method, path), req.keep_alive, true);
}

void EventLoop::AnswerInfo(Connection& c, const HttpRequest& req, const RouteMatch& route) {
  MockDialect& dialect = *route.dialect;
  std::optional<ApiError> error = dialect.Authorize(req, *route.route, absl::Now());
  MockReply reply;
  if (!error) {
    error = dialect.AnswerInfo(req, *route.route, MockInfo{ctx_.options->model, ctx_.started_unix},
                               &reply);
  }
  if (error) return SendError(c, *error, req.keep_alive, true, &dialect);
  SendReply(c, 200, reply.body, reply.content_type, reply.headers, req.keep_alive);
}

void EventLoop::StartCompletion(Connection& c, const HttpRequest& req, const RouteMatch& route,
                                int64_t now) {
  const MockOptions& o = *ctx_.options;
  MockCounters& k = *ctx_.counters;
  MockDialect& dialect = *route.dialect;
  if (std::optional<ApiError> error = dialect.Authorize(req, *route.route, absl::Now())) {
    return SendError(c, *error, req.keep_alive, true, &dialect);
  }
  MockRequest creq;
  if (std::optional<ApiError> error =
          dialect.ParseRequest(req, *route.route, route.captures, &creq)) {
    return SendError(c, *error, req.keep_alive, true, &dialect);
  }
  if (creq.messages > 0) {
    MockCounters::Add(
        k.requests_by_messages[std::min<int64_t>(creq.messages, kMaxCountedMessages)]);
  }
  const uint64_t seq = ctx_.request_seq->fetch_add(1, std::memory_order_relaxed);
  // Separate random streams per purpose, so e.g. changing --itl-distribution keeps the text.
  Rng draws(o.seed, seq * 4);
  if (o.error_rate > 0 && draws.Uniform() < o.error_rate) {
    MockCounters::Add(k.errors_injected);
    return SendError(c, dialect.InjectedError(o.error_status, creq.model), req.keep_alive, false,
                     &dialect);
  }
  int64_t n = o.output_tokens ? *o.output_tokens : o.default_output_tokens;
  if (creq.max_tokens) n = o.output_tokens ? std::min(n, *creq.max_tokens) : *creq.max_tokens;
  c.stream = creq.stream;
  c.keep_alive = req.keep_alive;
  c.finish_length = creq.max_tokens && n == *creq.max_tokens;
  c.tokens_total = n;
  c.tokens_sent = 0;
  c.prompt_tokens = creq.prompt_tokens;
  c.truncate_after = -1;
  if (o.truncate_rate > 0 && draws.Uniform() < o.truncate_rate) {
    c.truncate_after = n <= 1 ? 0 : 1 + static_cast<int64_t>(draws() % uint64_t(n - 1));
  }
  c.token_rng = Rng(o.seed, seq * 4 + 1);
  c.latency_rng = Rng(o.seed, seq * 4 + 2);
  const absl::string_view id_prefix = dialect.IdPrefix(creq);
  c.id.assign(id_prefix.data(), id_prefix.size());
  absl::StrAppendFormat(&c.id, "mock%016x%08x", Rng(o.seed, seq * 4 + 3)(), seq & 0xffffffff);
  const bool http10 = req.version_minor == 0;
  if (http10 && c.stream) c.keep_alive = false;  // no chunked coding: the close ends the body
  if (c.writers.size() < dialects_.size()) c.writers.resize(dialects_.size());
  std::unique_ptr<MockResponseWriter>& writer = c.writers[route.dialect_index];
  if (writer == nullptr) writer = dialect.NewWriter();
  c.writer = writer.get();
  c.writer->Begin(creq, c.id, static_cast<int64_t>(time(nullptr)), /*chunked=*/!http10);
  c.busy = true;
  c.http10 = http10;
  c.read_ns = now;
  // The latest bytes read completed this request (or a later pipelined one): never earlier
  // than its true arrival, so a pipelined request's wait is if anything undercounted.
  c.arrival_ns = c.last_arrival_ns >= 0 ? std::min(c.last_arrival_ns, now) : now;
  // Earlier waiters go first, even when a slot was freed in this batch of events.
  if (!SlotFree() || queue_head_ != kNoSlot) return Enqueue(c);
  Admit(c, now);
}

void EventLoop::Admit(Connection& c, int64_t now) {
  const MockOptions& o = *ctx_.options;
  MockCounters& k = *ctx_.counters;
  k.queue_wait.Record(now - c.read_ns);
  c.read_ns = now;  // the TTFT deadline counts from admission, as a real engine's does
  c.generating = true;
  ++generating_;
  MockCounters::SetGauge(k.generating_now, k.max_generating, static_cast<uint64_t>(generating_));
  const int64_t n = c.tokens_total;
  if (c.stream) {
    MockCounters::Add(k.streamed);
    ResponseHead head;
    head.content_type = c.writer->stream_content_type();
    head.chunked = true;
    head.keep_alive = c.keep_alive;
    head.http10 = c.http10;
    head.request_id = c.id;
    AppendResponseHead(head, &c.out);
    if (const int events = c.writer->AppendPrelude(&c.out); events > 0) {
      MockCounters::Add(k.chunks_sent, static_cast<uint64_t>(events));
    }
    c.next_deadline = now + o.ttft.SampleNanos(c.latency_rng);
  } else {
    int64_t delay = o.ttft.SampleNanos(c.latency_rng);
    c.first_token_ns = delay;
    if (o.itl.distribution == LatencyDistribution::kConstant) {
      delay += (n - 1) * absl::ToInt64Nanoseconds(o.itl.mean);
    } else {
      for (int64_t i = 1; i < n; ++i) delay += o.itl.SampleNanos(c.latency_rng);
    }
    c.next_deadline = now + delay;
  }
  Advance(c, now);
}

void EventLoop::EndGeneration(Connection& c) {
  if (!c.generating) return;
  c.generating = false;
  --generating_;
  ctx_.counters->generating_now.store(static_cast<uint64_t>(generating_),
                                      std::memory_order_relaxed);
}

void EventLoop::Enqueue(Connection& c) {
  MockCounters& k = *ctx_.counters;
  c.queued = true;
  c.timer_id = 0;  // nothing is due until admission
  c.queue_prev = queue_tail_;
  c.queue_next = kNoSlot;
  if (queue_tail_ != kNoSlot) {
    slots_[queue_tail_]->queue_next = c.slot;
  } else {
    queue_head_ = c.slot;
  }
  queue_tail_ = c.slot;
  ++queued_;
  MockCounters::Add(k.queued_total);
  MockCounters::SetGauge(k.queued_now, k.max_queued, queued_);
}

void EventLoop::Dequeue(Connection& c) {
  if (!c.queued) return;
  c.queued = false;
  if (c.queue_prev != kNoSlot) {
    slots_[c.queue_prev]->queue_next = c.queue_next;
  } else {
    queue_head_ = c.queue_next;
  }
  if (c.queue_next != kNoSlot) {
    slots_[c.queue_next]->queue_prev = c.queue_prev;
  } else {
    queue_tail_ = c.queue_prev;
  }
  --queued_;
  ctx_.counters->queued_now.store(queued_, std::memory_order_relaxed);
}

void EventLoop::AdmitWaiters() {
  // Iterative: an admitted completion may end at once (zero TTFT, an injected truncation) and
  // free its slot for the next waiter in this same loop.
  while (queue_head_ != kNoSlot && SlotFree()) {
    Connection& c = *slots_[queue_head_];
    Dequeue(c);
    Admit(c, NowNs());
  }
}

void EventLoop::Advance(Connection& c, int64_t now) {
  const MockOptions& o = *ctx_.options;
  MockCounters& k = *ctx_.counters;
  const TokenVocabulary& vocabulary = TokenVocabulary::Get();
  if (!c.stream) {
    if (now < c.next_deadline) return Schedule(c, c.next_deadline);
    k.RecordLateness(now - c.next_deadline);
    c.text.clear();
    for (int64_t i = 0; i < c.tokens_total; ++i) {
      const absl::string_view token = vocabulary.escaped(vocabulary.Pick(c.token_rng()));
      c.text.append(token.data(), token.size());
    }
    c.body.clear();
    c.writer->AppendBody(c.text, c.outcome(now), &c.body);
    MockCounters::Add(k.tokens_sent, c.tokens_total);
    ResponseHead head;
    head.content_type = c.writer->body_content_type();
    head.keep_alive = c.keep_alive;
    head.http10 = c.http10;
    head.request_id = c.id;
    if (c.truncate_after >= 0) {
      // Promise the whole body, send half of it, hang up.
      head.chunked = false;
      head.content_length = c.body.size();
      AppendResponseHead(head, &c.out);
      c.out.append(c.body, 0, c.body.size() / 2);
      return Truncate(c);
    }
    AppendResponse(head, c.body, &c.out);
    MockCounters::Add(k.completed);
    return FinishResponse(c);
  }
  if (c.truncate_after == 0) return Truncate(c);
  while (c.tokens_sent < c.tokens_total) {
    if (now < c.next_deadline) {
      Schedule(c, c.next_deadline);
      return Flush(c);
    }
    if (c.pending_out() > kOutputHighWater) {
      c.stream_stalled = true;  // Flush() resumes us when the client has caught up
      return Flush(c);
    }
    k.RecordLateness(now - c.next_deadline);
    c.writer->AppendToken(vocabulary.escaped(vocabulary.Pick(c.token_rng())), &c.out);
    // A fresh clock read, not `now`: when many timers fire together, the later streams' first
    // tokens really leave later, and that is part of what a client's TTFT is compared with.
    if (c.tokens_sent == 0) {
      const int64_t sent = NowNs();
      c.first_token_ns = sent - c.read_ns;
      k.first_token.Record(c.first_token_ns);
      k.first_token_from_arrival.Record(sent - c.arrival_ns);
    }
    ++c.tokens_sent;
    MockCounters::Add(k.tokens_sent);
    MockCounters::Add(k.chunks_sent);
    if (c.tokens_sent == c.truncate_after) return Truncate(c);
    // Deadlines follow the schedule, not the moment this timer ran, so lateness never
    // accumulates over a long stream.
    c.next_deadline += o.itl.SampleNanos(c.latency_rng);
  }
  const int events = c.writer->AppendFinish(c.outcome(NowNs()), &c.out);
  MockCounters::Add(k.chunks_sent, static_cast<uint64_t>(events));
  MockCounters::Add(k.completed);
  FinishResponse(c);
}

void EventLoop::Truncate(Connection& c) {
  MockCounters::Add(ctx_.counters->truncated);
  c.busy = false;
  Flush(c);  // what fits in the socket buffer goes out; the rest is dropped with the socket
  if (!c.closed) Close(c);
}

void EventLoop::FinishResponse(Connection& c) {
  EndGeneration(c);
  c.busy = false;
  if (!c.keep_alive) c.close_after_write = true;
  if (c.in_process_input) return;  // ProcessInput's loop picks up the next request
  if (c.read_paused && !c.close_after_write) {
    c.read_paused = false;
    OnReadable(c);  // reads what was left in the socket, then processes the input
    return;
  }
  ProcessInput(c);  // a pipelined request may be waiting; ProcessInput flushes
}

void EventLoop::Flush(Connection& c) {
  while (c.out_off < c.out.size()) {
    const ssize_t n =
        send(c.fd.get(), c.out.data() + c.out_off, c.out.size() - c.out_off, MSG_NOSIGNAL);
    if (n > 0) {
      c.out_off += static_cast<size_t>(n);
      MockCounters::Add(ctx_.counters->bytes_sent, static_cast<uint64_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // Edge-triggered EPOLLOUT tells us when there is room again.
      if (c.out_off > kOutputHighWater) {
        c.out.erase(0, c.out_off);
        c.out_off = 0;
      }
      return;
    }
    if (c.busy) MockCounters::Add(ctx_.counters->client_disconnects);
    Close(c);  // EPIPE, ECONNRESET: the client is gone
    return;
  }
  c.out.clear();
  c.out_off = 0;
  if (c.close_after_write && !c.lingering && !c.busy) {
    shutdown(c.fd.get(), SHUT_WR);
    c.lingering = true;
    Schedule(c, NowNs() + kLingerNs);
    OnReadable(c);  // drains what is already there; closes on EOF
    return;
  }
  if (c.stream_stalled) {
    c.stream_stalled = false;
    Advance(c, NowNs());
  }
}

void EventLoop::Schedule(Connection& c, int64_t deadline_ns) {
  c.timer_id = next_timer_id_++;
  timers_.Push({deadline_ns, c.slot, c.timer_id});
}

void EventLoop::Close(Connection& c) {
  if (c.closed) return;
  c.closed = true;
  if (c.queued) {
    Dequeue(c);
    MockCounters::Add(ctx_.counters->queue_abandoned);
  }
  EndGeneration(c);
  c.busy = false;
  c.timer_id = 0;  // its heap entry, if any, is now stale
  c.fd.Reset();    // close() also removes it from the epoll set
  MockCounters::Add(ctx_.counters->connections_closed);
  closed_slots_.push_back(c.slot);
}

void EventLoop::RunTimers(int64_t now) {
  while (!timers_.empty() && timers_.top().deadline_ns <= now) {
    const TimerEntry e = timers_.Pop();
    if (e.slot == kListenerSlot) {
      if (listener_paused_) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = kListenerTag;
        epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, listener_.get(), &ev);
        listener_paused_ = false;
      }
      continue;
    }
    if (e.slot >= slots_.size()) continue;
    Connection& c = *slots_[e.slot];
    if (c.closed || c.timer_id != e.id) continue;  // cancelled
    c.timer_id = 0;
    if (c.lingering) {
      Close(c);
    } else if (c.busy && !c.queued) {
      Advance(c, now);
    }
  }
}

void EventLoop::ArmTimerFd() {
  if (timers_.empty() || timers_.top().deadline_ns == armed_deadline_) return;
  const int64_t deadline = std::max<int64_t>(timers_.top().deadline_ns, 1);
  itimerspec spec{};
  spec.it_value.tv_sec = deadline / 1'000'000'000;
  spec.it_value.tv_nsec = deadline % 1'000'000'000;
  timerfd_settime(timer_fd_.get(), TFD_TIMER_ABSTIME, &spec, nullptr);
  armed_deadline_ = deadline;
}

}  // namespace llmload::mock
