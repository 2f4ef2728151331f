// The URL an adapter sends to, from the user's --url: a bare origin gets the API's default
// path, a base ending in the path's first segment gets the rest of it, and any other path is
// kept as given. Shared by every HTTP adapter, so URLs are checked one way for all of them.
#ifndef LLMLOAD_API_ENDPOINT_URL_H_
#define LLMLOAD_API_ENDPOINT_URL_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace llmload {

// With `default_path` "/v1/chat/completions":
//   http://host:8000            -> http://host:8000/v1/chat/completions
//   http://host:8000/v1         -> http://host:8000/v1/chat/completions
//   http://host:8000/v1/chat/completions, or any other path -> kept as given
// A trailing '/' is ignored and a query string is kept (/summarize?model=X, ?api-version=...).
// Resolving a resolved URL gives it back unchanged.
// Fails when the scheme is not http:// or https://, the host is empty, the port is not a number
// 1..65535, or the URL holds a space or a control character (CR, LF, ...: percent-encode
// them). IPv6 literals are bracketed: http://[::1]:8000. Messages show the URL redacted.
absl::StatusOr<std::string> ResolveApiUrl(absl::string_view base_url,
                                          absl::string_view default_path);

}  // namespace llmload

#endif  // LLMLOAD_API_ENDPOINT_URL_H_
