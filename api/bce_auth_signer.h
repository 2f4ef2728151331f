// bce-auth-v1, Baidu AI Cloud's request signature (https://cloud.baidu.com/doc/Reference/s/
// njwvz1yfu), as Qianfan's v1 API takes it from an access key / secret key pair
// (QIANFAN_ACCESS_KEY / QIANFAN_SECRET_KEY): the Authorization header
//   bce-auth-v1/{ak}/{timestamp}/{expiration}/{signedHeaders}/{signature}
// where signingKey = HMAC-SHA256-hex(sk, "bce-auth-v1/{ak}/{timestamp}/{expiration}") and
// signature = HMAC-SHA256-hex(signingKey, method \n canonical URI \n canonical query \n
// canonical headers). The adapter signs with it per send; the mock verifies with the same
// canonical forms, so a URL is canonicalized one way on both sides.
#ifndef LLMLOAD_API_BCE_AUTH_SIGNER_H_
#define LLMLOAD_API_BCE_AUTH_SIGNER_H_

#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace llmload {

// The UTC time of `unix_ns` as bce-auth-v1 writes it (and x-bce-date carries it):
// "2015-04-27T08:23:49Z".
std::string BceTimestamp(int64_t unix_ns);

// UriEncodeExceptSlash of the path, which may arrive percent-encoded (it is decoded first, so
// "/chat/a%3Ab" and "/chat/a:b" give the same form); an empty path is "/".
std::string BceCanonicalUri(absl::string_view path);

// The query (after '?', as sent): each name=value decoded and re-encoded RFC 3986 style, a
// name without '=' taken as "name=", any "authorization" parameter left out, sorted, '&'-joined.
std::string BceCanonicalQuery(absl::string_view query);

struct BceSigningInput {
  absl::string_view access_key;
  absl::string_view secret_key;
  absl::string_view timestamp;  // BceTimestamp()
  int64_t expiration_seconds = 1800;
  absl::string_view method;  // "POST"
  absl::string_view path;    // as sent
  absl::string_view query;   // as sent, without '?'
  // The headers signed, as {name, value} in any case and order; empty values are skipped.
  absl::Span<const std::pair<absl::string_view, absl::string_view>> headers;
  // Whether signedHeaders lists them (the usual form); false leaves it empty, which servers
  // read as "the default set" (host, content-length, content-type, content-md5, x-bce-*).
  bool list_signed_headers = true;
};

// The Authorization header's value.
std::string BceAuthorization(const BceSigningInput& in);

}  // namespace llmload

#endif  // LLMLOAD_API_BCE_AUTH_SIGNER_H_
