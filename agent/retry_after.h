// Parsing of an HTTP Retry-After header value (RFC 9110 section 10.2.3), which a rate-limited
// or overloaded server (429, 503) sends to say when to come back: delta-seconds ("120") or an
// HTTP-date in the IMF-fixdate form ("Sun, 06 Nov 1994 08:49:37 GMT"). Pure, so every form and
// every malformed value is unit-tested; the caller caps what it is willing to wait.
#ifndef LLMLOAD_AGENT_RETRY_AFTER_H_
#define LLMLOAD_AGENT_RETRY_AFTER_H_

#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"

namespace llmload {

// The wait the value asks for, in nanoseconds from `now_wall_ns` (Unix ns): delta-seconds as
// given, an HTTP-date minus now (0 for a date already past). Surrounding spaces are allowed.
// nullopt for anything else: a negative or fractional number, another date form (the obsolete
// RFC 850 and asctime forms are not accepted), an invalid date. Saturates at INT64_MAX instead
// of overflowing on a huge delta.
std::optional<int64_t> ParseRetryAfterNs(absl::string_view value, int64_t now_wall_ns);

}  // namespace llmload

#endif  // LLMLOAD_AGENT_RETRY_AFTER_H_
