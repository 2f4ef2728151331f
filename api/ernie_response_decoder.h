// The decoder of Qianfan's v1 (ERNIE, "wenxinworkshop") responses. Streamed, they are SSE
// events whose data is {"id", "result": "<text>", "is_end": false, ..., "usage":
// {"prompt_tokens", "completion_tokens", "total_tokens"}}; `is_end: true` is the end marker.
// Not streamed, one such object. Errors are {"error_code": N, "error_msg": "..."}, and Qianfan
// sends them with status 200 and as one JSON body even to a streamed request, so a streamed
// response whose first byte is '{' is read as one body.
//
// Content is a non-empty `result`; usage is the last one seen (events carry running totals).
// Rate-limit error codes count as http_429 (QianfanErrorClass); others as api_error.
// Steady state allocates nothing: events are parsed from a reused padded buffer by a reused
// simdjson parser, and strings are copied only for errors.
#ifndef LLMLOAD_API_ERNIE_RESPONSE_DECODER_H_
#define LLMLOAD_API_ERNIE_RESPONSE_DECODER_H_

#include <cstdint>
#include <memory>

#include "api/response_decoder.h"
#include "common/error_class.h"

namespace llmload {

// What a Qianfan error code counts as: the documented rate limits (4: cluster request limit,
// 17: daily request limit, 18: QPS limit, 19: total request limit, 336501: RPM limit,
// 336502: TPM limit) are http_429; every other code is api_error.
ErrorClass QianfanErrorClass(int64_t error_code);

std::unique_ptr<ResponseDecoder> NewErnieResponseDecoder(bool stream, int64_t max_bytes);

}  // namespace llmload

#endif  // LLMLOAD_API_ERNIE_RESPONSE_DECODER_H_
