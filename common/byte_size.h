// Parsing of the byte sizes typed on the command line ("16MiB", "512KiB", "1GiB", "65536"), for
// limits such as --max-response-bytes. Binary suffixes only (KiB = 1024 bytes), so that a size
// never means two things; a bare number is bytes.
#ifndef LLMLOAD_COMMON_BYTE_SIZE_H_
#define LLMLOAD_COMMON_BYTE_SIZE_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace llmload {

// Parses a positive whole number of bytes with an optional suffix B, KiB, MiB or GiB (case
// insensitive, spaces between number and suffix allowed). Zero, negatives, fractions, unknown
// suffixes and values over 2^62 are refused; `what` names the flag for the error message.
absl::StatusOr<int64_t> ParseByteSize(absl::string_view text, absl::string_view what);

}  // namespace llmload

#endif  // LLMLOAD_COMMON_BYTE_SIZE_H_
