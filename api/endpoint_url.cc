#include "api/endpoint_url.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/host_port.h"
#include "common/redact.h"

namespace llmload {
namespace {

// "/v1" of "/v1/chat/completions"; empty when the path has no leading segment.
absl::string_view FirstSegment(absl::string_view path) {
  if (path.size() < 2 || path[0] != '/') return absl::string_view();
  const size_t next = path.find('/', 1);
  return next == absl::string_view::npos ? path : path.substr(0, next);
}

}  // namespace

absl::StatusOr<std::string> ResolveApiUrl(absl::string_view base_url,
                                          absl::string_view default_path) {
  absl::string_view url = absl::StripAsciiWhitespace(base_url);
  // Error messages show the URL without its password (common/redact.h).
  const std::string shown = RedactUrl(url);
  for (char c : url) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f) {
      return absl::InvalidArgumentError(
          absl::StrCat("--url '", absl::CEscape(shown),
                       "': contains a space or a control character (percent-encode it)"));
    }
  }
  const size_t scheme_end = url.find("://");
  if (scheme_end == absl::string_view::npos ||
      !(absl::EqualsIgnoreCase(url.substr(0, scheme_end), "http") ||
        absl::EqualsIgnoreCase(url.substr(0, scheme_end), "https"))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--url '", shown, "': expected an http:// or https:// URL, e.g. http://127.0.0.1:8000"));
  }
  // Split off the query (or fragment) so the path can be examined on its own.
  absl::string_view suffix;
  if (const size_t q = url.find_first_of("?#", scheme_end + 3); q != absl::string_view::npos) {
    suffix = url.substr(q);
    url = url.substr(0, q);
  }
  const size_t path_start = url.find('/', scheme_end + 3);
  absl::string_view authority = url.substr(scheme_end + 3, path_start - (scheme_end + 3));
  // [userinfo@]host[:port], host being a name, an IPv4 address or a bracketed IPv6 literal.
  absl::string_view host_port = authority.substr(authority.rfind('@') + 1);
  absl::string_view host = host_port;
  absl::string_view port;
  bool has_port = false;
  if (absl::StartsWith(host_port, "[")) {
    const size_t close = host_port.find(']');
    if (close == absl::string_view::npos ||
        (close + 1 < host_port.size() && host_port[close + 1] != ':')) {
      return absl::InvalidArgumentError(
          absl::StrCat("--url '", shown, "': a bracketed IPv6 host must look like [::1]:8000"));
    }
    host = host_port.substr(0, close + 1);
    if (close + 1 < host_port.size()) {
      has_port = true;
      port = host_port.substr(close + 2);
    }
  } else if (const size_t colon = host_port.rfind(':'); colon != absl::string_view::npos) {
    host = host_port.substr(0, colon);
    port = host_port.substr(colon + 1);
    has_port = true;
  }
  if (host.empty() || host == "[]") {
    return absl::InvalidArgumentError(absl::StrCat("--url '", shown, "': the host is empty"));
  }
  if (has_port) {
    absl::StatusOr<int> parsed = ParsePort(port, /*allow_zero=*/false);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--url '", shown, "': ", parsed.status().message()));
    }
  }
  absl::string_view prefix =
      path_start == absl::string_view::npos ? url : url.substr(0, path_start);
  absl::string_view path =
      path_start == absl::string_view::npos ? absl::string_view() : url.substr(path_start);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  std::string resolved;
  if (path.empty()) {
    resolved = absl::StrCat(prefix, default_path);
  } else if (const absl::string_view first = FirstSegment(default_path);
             !first.empty() && first.size() < default_path.size() && absl::EndsWith(path, first)) {
    // A base such as .../v1 for /v1/chat/completions: append only what follows the segment.
    resolved = absl::StrCat(prefix, path, default_path.substr(first.size()));
  } else {
    resolved = absl::StrCat(prefix, path);  // an explicit path is the user's choice
  }
  absl::StrAppend(&resolved, suffix);
  return resolved;
}

}  // namespace llmload
