#include "mock/mock_server.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include <cstring>
#include <ctime>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/fd_limit.h"
#include "common/receive_stamp.h"
#include "mock/dialects/mock_dialect.h"
#include "mock/event_loop.h"
#include "mock/unique_fd.h"

namespace llmload::mock {
namespace {

std::string HostPort(absl::string_view host, int port) {
  return absl::StrContains(host, ':') ? absl::StrCat("[", host, "]:", port)
                                      : absl::StrCat(host, ":", port);
}

// Opens a listening socket on host:port. With `reuse_port` several sockets (one per loop)
// share the port and the kernel spreads connections across them.
absl::StatusOr<UniqueFd> Listen(const std::string& host, int port, bool reuse_port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* result = nullptr;
  const std::string port_str = std::to_string(port);
  if (int rc = getaddrinfo(host.c_str(), port_str.c_str(), &hints, &result); rc != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--host: cannot resolve '", host, "': ", gai_strerror(rc)));
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> guard(result, &freeaddrinfo);
  std::string last_error = "no address";
  for (addrinfo* ai = result; ai != nullptr; ai = ai->ai_next) {
    UniqueFd fd(socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) {
      last_error = std::strerror(errno);
      continue;
    }
    const int one = 1;
    setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (reuse_port) setsockopt(fd.get(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
    // Accepted sockets inherit it: the kernel stamps each request's arrival, the start of
    // first_token_from_arrival (mock_stats.h). Where refused, the parse time stands in.
    EnableReceiveStamps(fd.get());
    if (bind(fd.get(), ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd.get(), SOMAXCONN) != 0) {
      last_error = std::strerror(errno);
      continue;
    }
    return fd;
  }
  return absl::UnavailableError(
      absl::StrCat("cannot listen on ", HostPort(host, port), ": ", last_error));
}

int BoundPort(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return 0;
  if (addr.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  }
  return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
}

}  // namespace

absl::Status ValidateMockOptions(const MockOptions& o) {
  if (o.port < 0 || o.port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("--port: ", o.port, " is not in 0..65535"));
  }
  if (o.threads < 1 || o.threads > 256) {
    return absl::InvalidArgumentError(absl::StrCat("--threads: ", o.threads, " is not in 1..256"));
  }
  if (!(o.error_rate >= 0 && o.error_rate <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--error-rate: ", o.error_rate, " is not a fraction in [0, 1]"));
  }
  if (!(o.truncate_rate >= 0 && o.truncate_rate <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--truncate-rate: ", o.truncate_rate, " is not a fraction in [0, 1]"));
  }
  if (o.error_status < 400 || o.error_status > 599) {
    return absl::InvalidArgumentError(
        absl::StrCat("--error-status: ", o.error_status, " is not an HTTP error (400..599)"));
  }
  if (o.output_tokens && (*o.output_tokens < 1 || *o.output_tokens > kMaxOutputTokenLimit)) {
    return absl::InvalidArgumentError(absl::StrCat("--output-tokens: ", *o.output_tokens,
                                                   " is not in 1..", kMaxOutputTokenLimit));
  }
  if (o.default_output_tokens < 1 || o.default_output_tokens > kMaxOutputTokenLimit) {
    return absl::InvalidArgumentError(
        absl::StrCat("--default-output-tokens: ", o.default_output_tokens, " is not in 1..",
                     kMaxOutputTokenLimit));
  }
  if (o.max_body_bytes < 1) {
    return absl::InvalidArgumentError("--max-body-bytes: must be at least 1");
  }
  for (const auto& [name, m] : {std::pair{"--ttft", &o.ttft}, std::pair{"--itl", &o.itl}}) {
    if (m->mean < absl::ZeroDuration() || m->stddev < absl::ZeroDuration() ||
        m->mean > absl::Hours(1) || m->stddev > absl::Hours(1)) {
      return absl::InvalidArgumentError(absl::StrCat(name, ": mean and stddev must be in [0, 1h]"));
    }
  }
  if (o.model.empty()) return absl::InvalidArgumentError("--model: must not be empty");
  if (o.max_concurrency < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--max-concurrency: ", o.max_concurrency, " is negative (0: no limit)"));
  }
  if (o.max_concurrency > 0 && o.max_concurrency < o.threads) {
    // Each loop enforces its own share; a loop with a share of 0 could never admit anything.
    return absl::InvalidArgumentError(
        absl::StrCat("--max-concurrency: ", o.max_concurrency, " is below --threads ", o.threads,
                     " (the limit is split over the event loops, each needs at least 1)"));
  }
  // A reply's delay is ttft + (tokens - 1) * itl in int64 nanoseconds: with up to 2^20 tokens,
  // an hour each keeps it far from overflow.
  for (const auto& [value, flag] :
       {std::pair{o.ttft.mean, "--ttft"}, std::pair{o.itl.mean, "--itl"},
        std::pair{o.ttft.stddev, "--ttft-stddev"}, std::pair{o.itl.stddev, "--itl-stddev"}}) {
    if (value > absl::Hours(1)) {
      return absl::InvalidArgumentError(
          absl::StrCat(flag, ": ", absl::FormatDuration(value), " is over the mock's 1h"));
    }
  }
  return absl::OkStatus();
}

int LoopMaxConcurrency(const MockOptions& options, int loop) {
  if (options.max_concurrency <= 0 || options.threads <= 0) return 0;
  const int base = options.max_concurrency / options.threads;
  return base + (loop < options.max_concurrency % options.threads ? 1 : 0);
}

MockServer::MockServer(PrivateTag, const MockOptions& options) : options_(options) {}

absl::StatusOr<std::unique_ptr<MockServer>> MockServer::Start(const MockOptions& options) {
  if (absl::Status s = ValidateMockOptions(options); !s.ok()) return s;
  RaiseFdLimit();  // one descriptor per client connection
  auto server = std::make_unique<MockServer>(PrivateTag{}, options);
  const bool reuse_port = options.threads > 1;
  int port = options.port;
  std::vector<UniqueFd> listeners;
  for (int i = 0; i < options.threads; ++i) {
    absl::StatusOr<UniqueFd> fd = Listen(options.host, port, reuse_port);
    if (!fd.ok()) return fd.status();
    if (i == 0) port = BoundPort(fd->get());  // the others join the first one's port
    listeners.push_back(*std::move(fd));
  }
  server->port_ = port;
  const int64_t started = static_cast<int64_t>(std::time(nullptr));
  for (int i = 0; i < options.threads; ++i) {
    server->counters_.push_back(std::make_unique<MockCounters>());
  }
  for (int i = 0; i < options.threads; ++i) {
    EventLoopContext ctx;
    ctx.options = &server->options_;
    ctx.counters = server->counters_[i].get();
    ctx.all = &server->counters_;
    ctx.request_seq = &server->request_seq_;
    ctx.started_unix = started;
    ctx.max_concurrency = LoopMaxConcurrency(server->options_, i);
    absl::StatusOr<std::unique_ptr<EventLoop>> loop =
        EventLoop::Create(ctx, std::move(listeners[i]));
    if (!loop.ok()) return loop.status();
    server->loops_.push_back(*std::move(loop));
  }
  for (auto& loop : server->loops_) {
    server->threads_.emplace_back([l = loop.get()] {
      // Signals belong to the embedding program's threads, never to a loop.
      sigset_t all;
      sigfillset(&all);
      pthread_sigmask(SIG_BLOCK, &all, nullptr);
      // Default timer slack (50 us) would blur the ITL we are asked to produce.
      prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
      pthread_setname_np(pthread_self(), "mock-loop");
      l->Run();
    });
  }
  return server;
}

MockServer::~MockServer() { Stop(); }

void MockServer::Stop() {
  if (stopped_) return;
  stopped_ = true;
  for (auto& loop : loops_) loop->RequestStop();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

std::string MockServer::base_url() const {
  return absl::StrCat("http://", HostPort(options_.host, port_));
}

MockStats MockServer::stats() const {
  MockStats s;
  for (const auto& c : counters_) c->AddTo(&s);
  MockCounters::MergeHistograms(counters_, &s);
  return s;
}

}  // namespace llmload::mock
