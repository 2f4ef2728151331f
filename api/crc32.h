// CRC-32 as zlib computes it (IEEE 802.3, reflected polynomial 0xEDB88320): AWS event-stream
// frames carry two of them (prelude and message), and both the decoder and the mock that frames
// Bedrock streams compute them. Table-driven from a compile-time table, so no global state and
// no link to zlib for sixteen lines.
#ifndef LLMLOAD_API_CRC32_H_
#define LLMLOAD_API_CRC32_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace llmload {

// The CRC-32 of `data`, continuing from `crc` (the CRC of the bytes before it; 0 to start), so
// Crc32(b, Crc32(a)) == Crc32(a + b). Crc32("123456789") == 0xCBF43926.
uint32_t Crc32(absl::string_view data, uint32_t crc = 0);

}  // namespace llmload

#endif  // LLMLOAD_API_CRC32_H_
