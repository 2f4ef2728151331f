// loopback_floor_harness: what this machine's loopback TCP costs, with no HTTP, no libcurl and
// no JSON: the floor under any streaming load test on it. A sender thread (pinned to one CPU)
// writes small segments round-robin over N TCP connections at a paced rate, each stamped with
// CLOCK_MONOTONIC just before send(); a receiver thread (pinned to the other CPU) waits in
// epoll and reads each ready connection (once, unless the read filled its buffer), as a
// lean load generator's event loop does. It reports the segments/s achieved, each thread's
// CPU (CLOCK_THREAD_CPUTIME_ID over its own wall time) and the delivery delay (receive time
// minus the stamp) percentiles. If the bare pair cannot move
// R segments/s with sub-millisecond delivery, neither can a mock and a load tester on it.
//
// Usage: loopback_floor_harness [--connections 1000] [--rate 200000] [--seconds 10]
//                               [--size 250] [--sender-cpu 0] [--receiver-cpu 1]
// 127.0.0.1 only; the run stops by itself after --seconds.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

int64_t Now(clockid_t clock = CLOCK_MONOTONIC) {
  timespec ts;
  clock_gettime(clock, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

void Pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "loopback_floor_harness: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

struct Options {
  int connections = 1000;
  double rate = 200'000;  // segments per second, all connections together
  double seconds = 10;
  int size = 250;  // bytes per segment (a token chunk of a chat completion is about that)
  int sender_cpu = 0;
  int receiver_cpu = 1;
};

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "loopback_floor_harness: %s needs a value\n", flag.c_str());
      std::exit(2);
    }
    const double v = std::atof(argv[++i]);
    if (flag == "--connections")
      o.connections = static_cast<int>(v);
    else if (flag == "--rate")
      o.rate = v;
    else if (flag == "--seconds")
      o.seconds = v;
    else if (flag == "--size")
      o.size = static_cast<int>(v);
    else if (flag == "--sender-cpu")
      o.sender_cpu = static_cast<int>(v);
    else if (flag == "--receiver-cpu")
      o.receiver_cpu = static_cast<int>(v);
    else {
      std::fprintf(stderr, "loopback_floor_harness: unknown flag %s\n", flag.c_str());
      std::exit(2);
    }
  }
  if (o.connections < 1 || o.rate <= 0 || o.seconds <= 0 || o.size < 16 || o.size > 4096) {
    std::fprintf(stderr, "loopback_floor_harness: bad flag value\n");
    std::exit(2);
  }
  return o;
}

struct Result {
  int64_t segments = 0;
  int64_t cpu_ns = 0;
  int64_t wall_ns = 1;
  double rate() const { return 1e9 * static_cast<double>(segments) / static_cast<double>(wall_ns); }
  double cpu_percent() const { return 100.0 * static_cast<double>(cpu_ns) / wall_ns; }
  double us_per_segment() const { return segments ? cpu_ns / 1e3 / segments : 0.0; }
};

}  // namespace

int main(int argc, char** argv) {
  const Options o = Parse(argc, argv);
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  if (listener < 0) Die("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      listen(listener, 4096) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    Die("listen on 127.0.0.1");
  }
  std::vector<int> client(o.connections), server(o.connections);
  const int one = 1;
  for (int i = 0; i < o.connections; ++i) {
    client[i] = socket(AF_INET, SOCK_STREAM, 0);
    if (client[i] < 0 || connect(client[i], reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0)
      Die("connect (raise ulimit -n?)");
    server[i] = accept(listener, nullptr, nullptr);
    if (server[i] < 0) Die("accept");
    setsockopt(server[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }

  const int64_t start = Now() + 200'000'000;  // both threads ready
  const int64_t end = start + static_cast<int64_t>(o.seconds * 1e9);
  std::atomic<bool> sender_done{false};
  Result sent, received;
  std::vector<int64_t> delays;
  delays.reserve(static_cast<size_t>(o.rate * o.seconds * 1.1));

  std::thread receiver([&] {
    Pin(o.receiver_cpu);
    const int ep = epoll_create1(0);
    for (int i = 0; i < o.connections; ++i) {
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u32 = static_cast<uint32_t>(i);
      epoll_ctl(ep, EPOLL_CTL_ADD, client[i], &ev);
    }
    std::vector<char> buf(64 * 1024);
    std::vector<std::string> partial(o.connections);
    epoll_event events[256];
    const int64_t cpu0 = Now(CLOCK_THREAD_CPUTIME_ID);
    while (!sender_done.load(std::memory_order_relaxed) || Now() < end + 500'000'000) {
      const int n = epoll_wait(ep, events, 256, 50);
      for (int e = 0; e < n; ++e) {
        const int i = static_cast<int>(events[e].data.u32);
        while (true) {
          const ssize_t r = recv(client[i], buf.data(), buf.size(), MSG_DONTWAIT);
          if (r <= 0) break;
          const int64_t now = Now();
          // Segments are fixed-size records; a read may hold several or part of one.
          std::string& p = partial[i];
          p.append(buf.data(), static_cast<size_t>(r));
          size_t off = 0;
          for (; off + o.size <= p.size(); off += o.size) {
            int64_t stamp;
            std::memcpy(&stamp, p.data() + off, sizeof(stamp));
            delays.push_back(now - stamp);
            ++received.segments;
          }
          p.erase(0, off);
          // A short read took everything queued: skip the recv() that would say EAGAIN (with
          // level-triggered epoll, anything arriving later is reported again).
          if (static_cast<size_t>(r) < buf.size()) break;
        }
      }
      if (sender_done.load(std::memory_order_relaxed) && received.segments >= sent.segments) break;
    }
    received.cpu_ns = Now(CLOCK_THREAD_CPUTIME_ID) - cpu0;
    received.wall_ns = Now() - start;
    close(ep);
  });

  std::thread sender([&] {
    Pin(o.sender_cpu);
    std::vector<char> segment(o.size, 'x');
    const double interval_ns = 1e9 / o.rate;
    int64_t next = start;
    int conn = 0;
    int64_t k = 0;
    while (Now() < start) {
    }
    const int64_t cpu0 = Now(CLOCK_THREAD_CPUTIME_ID);
    while (true) {
      const int64_t now = Now();
      if (now >= end) break;
      // Everything due by now goes out; then sleep to the next due time (as a paced server
      // does with its timers), so the sender is not charged for spinning.
      while (next <= now && Now() < end) {  // a sender that falls behind stops at `end` too
        const int64_t stamp = Now();
        std::memcpy(segment.data(), &stamp, sizeof(stamp));
        if (send(server[conn], segment.data(), segment.size(), MSG_NOSIGNAL) !=
            static_cast<ssize_t>(segment.size())) {
          Die("send (short or failed)");
        }
        ++sent.segments;
        conn = (conn + 1) % o.connections;
        next = start + static_cast<int64_t>(static_cast<double>(++k) * interval_ns);
      }
      const int64_t wait = next - Now();
      if (wait > 0) {
        timespec ts{wait / 1'000'000'000, wait % 1'000'000'000};
        nanosleep(&ts, nullptr);
      }
    }
    sent.cpu_ns = Now(CLOCK_THREAD_CPUTIME_ID) - cpu0;
    sent.wall_ns = Now() - start;
    sender_done.store(true);
  });
  sender.join();
  receiver.join();

  std::sort(delays.begin(), delays.end());
  auto q = [&](double p) {
    if (delays.empty()) return 0.0;
    return static_cast<double>(delays[static_cast<size_t>(p * (delays.size() - 1))]) / 1e3;
  };
  std::printf(
      "connections %d, offered %.0f segments/s of %d bytes, %.0f s\n"
      "sent %.0f/s (sender CPU %.0f%%, %.2f us/segment), received %.0f/s (receiver CPU %.0f%%,"
      " %.2f us/segment)\n"
      "delivery delay us: p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f\n",
      o.connections, o.rate, o.size, o.seconds, sent.rate(), sent.cpu_percent(),
      sent.us_per_segment(), received.rate(), received.cpu_percent(), received.us_per_segment(),
      q(0.5), q(0.9), q(0.99), q(0.999), delays.empty() ? 0.0 : delays.back() / 1e3);
  for (int fd : client) close(fd);
  for (int fd : server) close(fd);
  close(listener);
  return received.segments == sent.segments ? 0 : 1;
}
