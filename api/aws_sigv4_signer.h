// AWS Signature Version 4 (SigV4), as Bedrock requires it on every request: a canonical
// request (method, double-encoded path, sorted query, the signed headers, the payload's
// SHA-256), the string to sign for the credential scope date/region/service/aws4_request, and
// the HMAC-SHA256 chain from the secret key to the signature in the Authorization header.
//
// Written to give exactly what the AWS SDK's signer (@smithy/signature-v4) gives for the same
// request, which a unit test checks by running it. Services other than S3 encode the path
// twice: the model id "a.b-v1:0" is sent as /model/a.b-v1%3A0/converse and signed as
// /model/a.b-v1%253A0/converse. The mock's verifier computes the signature with the same
// functions, from the headers the request says it signed.
#ifndef LLMLOAD_API_AWS_SIGV4_SIGNER_H_
#define LLMLOAD_API_AWS_SIGV4_SIGNER_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace llmload {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty: long-term keys
};

// What a SigV4 signature covers.
struct SigV4Request {
  absl::string_view method;  // "POST"
  absl::string_view path;    // as sent, already percent-encoded per segment
  absl::string_view query;   // as sent, without '?'; may be empty
  // The signed headers: lowercase names, values as sent. Sorted by name by the signer.
  std::vector<std::pair<std::string, std::string>> headers;
  absl::string_view payload_sha256_hex;
  absl::string_view amz_date;  // "20240307T123456Z"
  absl::string_view region;
  absl::string_view service;
};

// The pieces, exposed for the tests and the mock's verifier.
std::string SigV4CanonicalPath(absl::string_view path);
std::string SigV4CanonicalQuery(absl::string_view query);
std::string SigV4CanonicalRequest(const SigV4Request& request);
std::string SigV4StringToSign(const SigV4Request& request);
// The lowercase hex signature of `request` with `secret_access_key`.
std::string SigV4Signature(absl::string_view secret_access_key, const SigV4Request& request);
// "20240307T123456Z" of a Unix time in ns.
std::string SigV4AmzDate(int64_t wall_ns);

// Signs requests to one host for one region and service. Immutable: shared by threads.
class AwsSigV4Signer {
 public:
  AwsSigV4Signer(AwsCredentials credentials, std::string region, std::string service);

  // The header lines that sign a request at `wall_ns`: X-Amz-Date, X-Amz-Security-Token (with
  // a session token) and Authorization. `host` is the Host header libcurl sends ("h:port", or
  // "h" on the scheme's default port); x-amz-content-sha256 (`payload_sha256_hex`) is signed
  // too, and its header line is the caller's (computed once per prompt).
  void Sign(int64_t wall_ns, absl::string_view method, absl::string_view host,
            absl::string_view path, absl::string_view payload_sha256_hex,
            std::vector<std::string>* header_lines) const;

  const std::string& region() const { return region_; }

 private:
  const AwsCredentials credentials_;
  const std::string region_;
  const std::string service_;
};

}  // namespace llmload

#endif  // LLMLOAD_API_AWS_SIGV4_SIGNER_H_
