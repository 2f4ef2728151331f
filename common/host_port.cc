#include "common/host_port.h"

#include <arpa/inet.h>

#include <algorithm>
#include <iterator>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace llmload {

absl::StatusOr<int> ParsePort(absl::string_view text, bool allow_zero) {
  if (text.empty()) return absl::InvalidArgumentError("the port is missing");
  if (text.size() > 5 || text.find_first_not_of("0123456789") != absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat("port '", text, "' is not a number 0..65535"));
  }
  int port = 0;
  for (char c : text) port = port * 10 + (c - '0');
  if (port > 65535 || (port == 0 && !allow_zero)) {
    return absl::InvalidArgumentError(
        absl::StrCat("port ", port, " is out of range (", allow_zero ? 0 : 1, "..65535)"));
  }
  return port;
}

absl::StatusOr<HostPort> ParseHostPort(absl::string_view text, absl::string_view flag,
                                       bool allow_port_zero) {
  const size_t colon = text.rfind(':');
  // "[::1]" alone: the last ':' is inside the brackets, so there is no port.
  if (colon == absl::string_view::npos || colon == 0 ||
      text.find(']', colon) != absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": '", text, "' is not HOST:PORT"));
  }
  for (char c : text) {
    if (absl::ascii_iscntrl(static_cast<unsigned char>(c)) || c == ' ') {
      return absl::InvalidArgumentError(absl::StrCat(flag, ": '", absl::CEscape(text),
                                                     "' contains a space or control character"));
    }
  }
  absl::StatusOr<int> port = ParsePort(text.substr(colon + 1), allow_port_zero);
  if (!port.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": '", text, "': ", port.status().message()));
  }
  return HostPort{std::string(text.substr(0, colon)), *port};
}

bool IsLoopbackHost(absl::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (absl::EqualsIgnoreCase(host, "localhost")) return true;
  const std::string text(host);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    static const in6_addr loopback = IN6ADDR_LOOPBACK_INIT;
    return std::equal(std::begin(v6.s6_addr), std::end(v6.s6_addr), std::begin(loopback.s6_addr));
  }
  return false;
}

}  // namespace llmload
