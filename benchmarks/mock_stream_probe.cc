// mock_stream_probe: a small epoll load client for benchmarking `llmload mock`. It opens N
// keep-alive connections to 127.0.0.1:PORT, streams chat completions on each (one at a time
// per connection) until --duration or --requests-per-conn is reached, timestamps every
// content chunk with CLOCK_MONOTONIC when it is read, and reports requests/s, chunks/s and
// the measured TTFT / ITL percentiles next to the configured ones. Loopback only.
//
// Build: c++ -O2 -std=c++20 -o build/mock_stream_probe benchmarks/mock_stream_probe.cc
// Usage: mock_stream_probe --port P [--connections 1000] [--duration 10] [--tokens 16]
//                          [--requests-per-conn 0] [--ttft-ms 20] [--itl-ms 5]
//                          [--connect-batch 500]
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

int64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

struct Options {
  int port = 0;
  int connections = 1000;
  double duration_s = 10;
  int tokens = 16;
  long requests_per_conn = 0;  // 0: until the duration ends
  double ttft_ms = -1;         // configured values, for the error columns
  double itl_ms = -1;
  int connect_batch = 500;  // connections opened per 10 ms, to stay under the listen backlog
};

struct Conn {
  int fd = -1;
  bool connected = false;
  std::string buf;
  int64_t sent_at = 0;
  int64_t last_chunk = 0;
  int chunks = 0;
  long requests = 0;
  bool done = false;
};

double Percentile(std::vector<int64_t>& v, double p) {
  if (v.empty()) return 0;
  size_t k = std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * (v.size() - 1) + 0.5));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k] / 1e6;  // ms
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--port")
      o.port = std::atoi(v);
    else if (k == "--connections")
      o.connections = std::atoi(v);
    else if (k == "--duration")
      o.duration_s = std::atof(v);
    else if (k == "--tokens")
      o.tokens = std::atoi(v);
    else if (k == "--requests-per-conn")
      o.requests_per_conn = std::atol(v);
    else if (k == "--ttft-ms")
      o.ttft_ms = std::atof(v);
    else if (k == "--itl-ms")
      o.itl_ms = std::atof(v);
    else if (k == "--connect-batch")
      o.connect_batch = std::atoi(v);
    else {
      std::fprintf(stderr, "mock_stream_probe: unknown flag %s\n", k.c_str());
      return 2;
    }
  }
  if (o.port <= 0 || o.connections <= 0 || o.duration_s <= 0 || o.duration_s > 600) {
    std::fprintf(stderr,
                 "mock_stream_probe: need --port, --connections > 0, 0 < --duration <= 600\n");
    return 2;
  }
  rlimit lim;
  getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = lim.rlim_max;
  setrlimit(RLIMIT_NOFILE, &lim);

  const std::string body =
      "{\"model\":\"probe\",\"messages\":[{\"role\":\"user\",\"content\":"
      "\"benchmark\"}],\"stream\":true,\"max_tokens\":" +
      std::to_string(o.tokens) + "}";
  const std::string request =
      "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
      "application/json\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;

  const int ep = epoll_create1(0);
  std::vector<Conn> conns(o.connections);
  std::vector<int64_t> ttft, itl;
  ttft.reserve(1 << 20);
  itl.reserve(1 << 22);
  long completed = 0, chunks_total = 0, errors = 0, incomplete = 0;
  int opened = 0, open_now = 0;
  const int64_t start = NowNs();
  const int64_t end = start + static_cast<int64_t>(o.duration_s * 1e9);
  int64_t last_connect = 0;
  int64_t all_connected_at = 0;

  auto send_request = [&](Conn& c) {
    c.sent_at = NowNs();
    c.chunks = 0;
    if (send(c.fd, request.data(), request.size(), MSG_NOSIGNAL) != (ssize_t)request.size()) {
      ++errors;
      c.done = true;
    }
  };
  auto finish = [&](Conn& c) {
    if (c.fd >= 0) close(c.fd);
    c.fd = -1;
    c.done = true;
    --open_now;
  };

  epoll_event events[1024];
  char rbuf[65536];
  while (true) {
    const int64_t now = NowNs();
    // Open connections in batches.
    if (opened < o.connections && now - last_connect >= 10'000'000) {
      last_connect = now;
      for (int b = 0; b < o.connect_batch && opened < o.connections; ++b, ++opened) {
        Conn& c = conns[opened];
        c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (c.fd < 0) {
          std::fprintf(stderr, "socket: %s\n", std::strerror(errno));
          ++errors;
          c.done = true;
          continue;
        }
        int one = 1;
        setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(o.port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connect(c.fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLOUT;
        ev.data.u32 = opened;
        epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev);
        ++open_now;
      }
      if (opened == o.connections) all_connected_at = now;
    }
    if (opened == o.connections && open_now == 0) break;
    if (now > end + 30'000'000'000LL) break;  // hard stop: 30 s past the duration
    const int n = epoll_wait(ep, events, 1024, 5);
    for (int i = 0; i < n; ++i) {
      Conn& c = conns[events[i].data.u32];
      if (c.fd < 0) continue;
      if (!c.connected && (events[i].events & EPOLLOUT)) {
        int err = 0;
        socklen_t len = sizeof(err);
        getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
          ++errors;
          finish(c);
          continue;
        }
        c.connected = true;
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u32 = events[i].data.u32;
        epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &ev);
        send_request(c);
        continue;
      }
      if (!(events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) continue;
      const ssize_t r = recv(c.fd, rbuf, sizeof(rbuf), 0);
      const int64_t t = NowNs();
      if (r <= 0) {
        if (r < 0 && errno == EAGAIN) continue;
        if (c.sent_at != 0) ++incomplete;
        finish(c);
        continue;
      }
      c.buf.append(rbuf, r);
      size_t pos = 0;
      bool response_done = false;
      while (true) {
        const size_t s = c.buf.find("data: ", pos);
        if (s == std::string::npos) {
          pos = c.buf.size();
          break;
        }
        const size_t e = c.buf.find("\n\n", s);
        if (e == std::string::npos) {
          pos = s;
          break;
        }
        const std::string_view ev(c.buf.data() + s + 6, e - s - 6);
        pos = e + 2;
        if (ev == "[DONE]") {
          response_done = true;
          break;
        }
        if (ev.find("\"delta\":{\"content\":\"") != std::string_view::npos) {
          if (c.chunks == 0) {
            ttft.push_back(t - c.sent_at);
          } else {
            itl.push_back(t - c.last_chunk);
          }
          c.last_chunk = t;
          ++c.chunks;
          ++chunks_total;
        }
      }
      c.buf.erase(0, pos);
      if (response_done) {
        ++completed;
        ++c.requests;
        c.buf.clear();  // the rest is the zero chunk, which carries no "data: "
        const bool more = t < end && (o.requests_per_conn == 0 || c.requests < o.requests_per_conn);
        if (more) {
          send_request(c);
        } else {
          finish(c);
        }
      }
    }
  }
  const double elapsed = (NowNs() - start) / 1e9;
  const double ttft_p50 = Percentile(ttft, 50), ttft_p99 = Percentile(ttft, 99);
  const double itl_p50 = Percentile(itl, 50), itl_p99 = Percentile(itl, 99);
  std::printf(
      "{\"connections\":%d,\"connect_s\":%.3f,\"elapsed_s\":%.3f,\"completed\":%ld,"
      "\"incomplete\":%ld,\"errors\":%ld,\"content_chunks\":%ld,\"requests_per_s\":%.1f,"
      "\"chunks_per_s\":%.1f,\"ttft_ms\":{\"p50\":%.3f,\"p99\":%.3f,\"configured\":%.3f},"
      "\"itl_ms\":{\"p50\":%.3f,\"p99\":%.3f,\"configured\":%.3f}}\n",
      o.connections, all_connected_at ? (all_connected_at - start) / 1e9 : -1.0, elapsed, completed,
      incomplete, errors, chunks_total, completed / elapsed, chunks_total / elapsed, ttft_p50,
      ttft_p99, o.ttft_ms, itl_p50, itl_p99, o.itl_ms);
  return errors > 0 || incomplete > 0 ? 1 : 0;
}
