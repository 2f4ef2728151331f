// SHA-256 and HMAC-SHA256 (OpenSSL's libcrypto), for the request signers: AWS SigV4 (Bedrock),
// Baidu's bce-auth-v1 (Qianfan v1) and the HS256 JWT of Zhipu's API. Signing runs once per
// send, never per token.
#ifndef LLMLOAD_API_SHA256_H_
#define LLMLOAD_API_SHA256_H_

#include <string>

#include "absl/strings/string_view.h"

namespace llmload {

// The 32-byte digests, as raw bytes (absl::BytesToHexString gives the hex form).
std::string Sha256(absl::string_view data);
std::string HmacSha256(absl::string_view key, absl::string_view data);

// Lowercase hex of Sha256(data), as SigV4's payload hash and canonical request hash.
std::string Sha256Hex(absl::string_view data);

}  // namespace llmload

#endif  // LLMLOAD_API_SHA256_H_
