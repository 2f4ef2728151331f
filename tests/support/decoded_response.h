// Runs an API's ResponseDecoder (api/response_decoder.h) over a response body the way the
// engine does, read by read, and keeps what it reported, so adapter tests can check that the
// same body gives the same content chunks and facts wherever its bytes are cut.
#ifndef LLMLOAD_TESTS_SUPPORT_DECODED_RESPONSE_H_
#define LLMLOAD_TESTS_SUPPORT_DECODED_RESPONSE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "api/request_outcome.h"
#include "api/response_decoder.h"

namespace llmload::testing {

struct DecodedResponse {
  std::vector<std::string> chunks;  // each content chunk's text
  int64_t tokens = 0;               // the sum of the chunks' ContentChunk::tokens
  bool refused = false;             // Feed() returned false (the engine stops there)
  ResponseFacts facts;
};

// Reset()s `decoder`, feeds it `reads` in order until one is refused, and Finish()es.
DecodedResponse DecodeReads(ResponseDecoder& decoder, const std::vector<absl::string_view>& reads);

// `body` in two reads, cut at `split` (0..size).
DecodedResponse DecodeSplit(ResponseDecoder& decoder, absl::string_view body, size_t split);

// `body` one byte per read.
DecodedResponse DecodeBytewise(ResponseDecoder& decoder, absl::string_view body);

// Whether two decodings reported the same chunks and facts (a message saying what differs
// otherwise, empty when equal).
std::string DecodedDifference(const DecodedResponse& a, const DecodedResponse& b);

// The outcome of a 2xx streamed response whose decoder reported `facts`, for ClassifyRequest.
RequestOutcome StreamOutcome(const ResponseFacts& facts);

}  // namespace llmload::testing

#endif  // LLMLOAD_TESTS_SUPPORT_DECODED_RESPONSE_H_
