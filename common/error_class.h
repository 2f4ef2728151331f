// The outcome classes every finished request is counted under (METRICS.md, "status"). Agents
// classify, the master counts and reports by class, so the names below are a wire and report
// contract: add new classes at the end of the enum, never rename or renumber one.
#ifndef LLMLOAD_COMMON_ERROR_CLASS_H_
#define LLMLOAD_COMMON_ERROR_CLASS_H_

#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"

namespace llmload {

enum class ErrorClass : uint8_t {
  kSuccess = 0,          // "success": complete response (stream ended with [DONE] or a finish)
  kHttp4xx = 1,          // "http_4xx": HTTP 400-499 except 429
  kHttp429 = 2,          // "http_429": rate limited; apart from 4xx since it means "overloaded"
  kHttp5xx = 3,          // "http_5xx": HTTP 500-599
  kTimeout = 4,          // "timeout": the request's deadline passed (connect or transfer)
  kConnect = 5,          // "connect": no connection (refused, DNS, TLS handshake)
  kReset = 6,            // "reset": connection closed or broken mid-request
  kTruncatedStream = 7,  // "truncated_stream": clean close without [DONE]/finish, or mid-event
  kMalformedStream = 8,  // "malformed_stream": a chunk or body that is not the expected JSON
  kApiError = 9,         // "api_error": an error payload inside a 2xx response
  kCancelled = 10,       // "cancelled": stopped by us (run end, user stop); not a failure
  kOther = 11,           // "other": anything else (e.g. unexpected 1xx/3xx, local errors)

  // What a hostile or broken endpoint does (docs/outputs.md, "Error classes").
  // "response_too_large": a body or stream event over --max-response-bytes.
  kResponseTooLarge = 12,
  // "malformed_usage": `usage` not an integer, negative, absurd, or more tokens than bytes.
  kMalformedUsage = 13,
  // "unexpected_content_type": a 2xx reply to a streamed request that is not SSE.
  kUnexpectedContentType = 14,
  // "unexpected_encoding": a 2xx reply with a Content-Encoding llmload did not ask for.
  kUnexpectedEncoding = 15,
  // "overloaded": the API said it is overloaded inside a 2xx response (Anthropic's
  // overloaded_error event in a stream); an HTTP 529 is http_5xx.
  kOverloaded = 16,
};

// Number of classes, for arrays indexed by static_cast<size_t>(ErrorClass).
inline constexpr int kErrorClassCount = 17;

// Stable snake_case name, as used in JSON reports and the Prometheus `status` label.
absl::string_view ErrorClassName(ErrorClass c);

// Inverse of ErrorClassName; nullopt for an unknown name.
std::optional<ErrorClass> ErrorClassFromName(absl::string_view name);

// Whether the class counts as a failed request. Success and cancelled do not: a request we
// stopped ourselves says nothing about the endpoint.
bool IsFailure(ErrorClass c);

}  // namespace llmload

#endif  // LLMLOAD_COMMON_ERROR_CLASS_H_
