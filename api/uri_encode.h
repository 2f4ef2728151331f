// Percent-encoding as the request signers require it (RFC 3986): every byte but the unreserved
// A-Z a-z 0-9 - _ . ~ becomes %XX in uppercase hex. AWS SigV4 and Baidu's bce-auth-v1 sign the
// encoded path and query, so a model id such as "anthropic.claude-3-haiku-20240307-v1:0" must be
// encoded exactly the same way in the URL sent and in the string signed.
#ifndef LLMLOAD_API_URI_ENCODE_H_
#define LLMLOAD_API_URI_ENCODE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace llmload {

// `keep_slash`: leave '/' as it is (a path); otherwise it is encoded too (one path segment, a
// query name or value).
std::string UriEncode(absl::string_view text, bool keep_slash = false);

// The inverse: %XX sequences decoded (either case of hex); a '%' not followed by two hex
// digits, and every other byte ('+' included), is kept as it is.
std::string UriDecode(absl::string_view text);

}  // namespace llmload

#endif  // LLMLOAD_API_URI_ENCODE_H_
