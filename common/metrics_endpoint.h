// MetricsEndpoint: an HTTP server for Prometheus' /metrics (prometheus-cpp's Exposer) on one
// bind address, shared by the master's and the agents' exporters. It turns the Exposer's
// exceptions into a Status, resolves port 0 to the port really bound, and serves one
// Collectable that renders its samples at scrape time.
#ifndef LLMLOAD_COMMON_METRICS_ENDPOINT_H_
#define LLMLOAD_COMMON_METRICS_ENDPOINT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace prometheus {
class Collectable;
class Exposer;
}  // namespace prometheus

namespace llmload {

// True for the values of a --metrics-bind flag that turn the endpoint off: "" and "off".
bool MetricsBindDisabled(absl::string_view bind);

class MetricsEndpoint {
 public:
  // Listens on `bind` ("IPV4:PORT"; port 0 picks a free one; "[::1]:PORT" is refused by the
  // civetweb we build against) and serves `collectable` at /metrics until destroyed. Fails
  // when the address is malformed or cannot be bound.
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Start(
      const std::string& bind, std::shared_ptr<prometheus::Collectable> collectable);
  ~MetricsEndpoint();
  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  int port() const { return port_; }
  // http://HOST:PORT/metrics, with the host of the bind address.
  std::string url() const;

 private:
  MetricsEndpoint() = default;

  std::shared_ptr<prometheus::Collectable> collectable_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::string host_;
  int port_ = 0;
};

}  // namespace llmload

#endif  // LLMLOAD_COMMON_METRICS_ENDPOINT_H_
