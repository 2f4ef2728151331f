// ReadPemFile: reads a certificate or key named by a TLS flag (--tls-ca, --tls-cert,
// --tls-key) of `llmload master` or `llmload agent`, so that a wrong path fails at start-up
// with the flag's name instead of later as an opaque TLS handshake error.
#ifndef LLMLOAD_COMMON_PEM_FILE_H_
#define LLMLOAD_COMMON_PEM_FILE_H_

#include <string>

#include "absl/status/statusor.h"

namespace llmload {

// The file's contents; InvalidArgument naming `flag` and `path` when it cannot be read, is
// empty, or holds no PEM block ("-----BEGIN").
absl::StatusOr<std::string> ReadPemFile(const std::string& path, const char* flag);

}  // namespace llmload

#endif  // LLMLOAD_COMMON_PEM_FILE_H_
