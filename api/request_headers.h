// The header lines every HTTP adapter sends: the user's --header lines, a JSON Content-Type
// unless the user set one, the Accept of a stream, and an empty Expect (libcurl would otherwise
// send "Expect: 100-continue" for larger bodies and wait a round trip, or a second, before
// sending them, which inflates TTFT for long prompts). The credential header is each adapter's.
#ifndef LLMLOAD_API_REQUEST_HEADERS_H_
#define LLMLOAD_API_REQUEST_HEADERS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/workload_spec.h"

namespace llmload {

// `accept`: the stream's media type ("text/event-stream"); empty: no Accept line.
std::vector<std::string> CommonHeaderLines(const WorkloadSpec& spec, absl::string_view accept);

// Refuses a --header that sets `credential_header` (e.g. "Authorization") when `key` is set
// too: both would be sent, and servers differ in which of two they read. The message names the
// header and `key_source` ("--api-key", "$ANTHROPIC_API_KEY"), never the key.
absl::Status CheckCredentialHeader(const WorkloadSpec& spec, absl::string_view credential_header,
                                   absl::string_view key_source);

}  // namespace llmload

#endif  // LLMLOAD_API_REQUEST_HEADERS_H_
