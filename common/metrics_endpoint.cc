#include "common/metrics_endpoint.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/host_port.h"
#include "prometheus/collectable.h"
#include "prometheus/exposer.h"

namespace llmload {
namespace {

// Opens and closes one connection to the endpoint. The HTTP server's accept loop polls with a
// 2 s timeout and looks at its stop flag only when woken, so without this a stop (and the
// process' exit) would wait up to 2 s.
void Poke(const std::string& host, int port) {
  std::string target = host;
  if (target.empty() || target == "0.0.0.0") target = "127.0.0.1";
  if (target == "[::]") target = "::1";
  if (target.size() > 2 && target.front() == '[' && target.back() == ']') {
    target = target.substr(1, target.size() - 2);
  }
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (getaddrinfo(target.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    const bool connected = connect(fd, a->ai_addr, a->ai_addrlen) == 0;
    close(fd);
    if (connected) break;
  }
  freeaddrinfo(found);
}

}  // namespace

bool MetricsBindDisabled(absl::string_view bind) { return bind.empty() || bind == "off"; }

absl::StatusOr<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Start(
    const std::string& bind, std::shared_ptr<prometheus::Collectable> collectable) {
  absl::StatusOr<HostPort> address =
      ParseHostPort(bind, "--metrics-bind", /*allow_port_zero=*/true);
  if (!address.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(address.status().message(), " (or \"off\")"));
  }
  std::unique_ptr<MetricsEndpoint> endpoint(new MetricsEndpoint());
  endpoint->host_ = address->host;
  endpoint->collectable_ = std::move(collectable);
  try {
    // Two threads: a Prometheus server and a curl at the same time never wait on each other.
    endpoint->exposer_ = std::make_unique<prometheus::Exposer>(bind, 2);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("--metrics-bind: cannot listen on ", bind, " (in use?): ", e.what()));
  }
  const std::vector<int> ports = endpoint->exposer_->GetListeningPorts();
  if (ports.empty() || ports.front() <= 0) {
    return absl::UnavailableError(absl::StrCat("--metrics-bind: cannot listen on ", bind));
  }
  endpoint->port_ = ports.front();
  endpoint->exposer_->RegisterCollectable(endpoint->collectable_);
  return endpoint;
}

MetricsEndpoint::~MetricsEndpoint() {
  // Stop serving before the collectable goes: no scrape may see it half destroyed. While the
  // server stops, keep waking its accept loop so it notices at once.
  std::atomic<bool> stopped{false};
  std::thread waker([&] {
    while (!stopped.load()) {
      Poke(host_, port_);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  exposer_.reset();
  stopped.store(true);
  waker.join();
}

std::string MetricsEndpoint::url() const {
  return absl::StrCat("http://", host_, ":", port_, "/metrics");
}

}  // namespace llmload
