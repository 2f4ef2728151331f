// HOST:PORT addresses typed on the command line (master --bind, agent --master,
// --metrics-bind) and the port of an endpoint URL. Nothing downstream checks the port's range:
// gRPC reads "127.0.0.1:99999" as port 34463 (99999 mod 65536), so the number is checked here,
// once, before anything listens or connects. Also says whether a host is loopback-only, which
// decides whether the master may run without a token.
#ifndef LLMLOAD_COMMON_HOST_PORT_H_
#define LLMLOAD_COMMON_HOST_PORT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace llmload {

struct HostPort {
  std::string host;  // as typed, brackets of an IPv6 literal included ("[::1]")
  int port = 0;
};

// Parses a decimal port, 0..65535 (1..65535 unless `allow_zero`). The message says what is wrong
// with `text` and starts with nothing: callers put the flag in front.
absl::StatusOr<int> ParsePort(absl::string_view text, bool allow_zero);

// Parses "HOST:PORT" ("[V6]:PORT" for IPv6). The host must not be empty and the port must be
// 0..65535 (1..65535 unless `allow_port_zero`, e.g. for an address to connect to). `flag` names
// the flag in the error message. A gRPC target such as "dns:///host:5557" passes: its port is
// checked, its host is kept whole.
absl::StatusOr<HostPort> ParseHostPort(absl::string_view text, absl::string_view flag,
                                       bool allow_port_zero);

// True when `host` can only be reached from this machine: "localhost", 127.0.0.0/8, ::1
// (bracketed or not). False for anything else, including "", "0.0.0.0" and "[::]".
bool IsLoopbackHost(absl::string_view host);

}  // namespace llmload

#endif  // LLMLOAD_COMMON_HOST_PORT_H_
