// MockDialect: one LLM API the mock speaks (OpenAI today; Anthropic, Ollama, TGI, DashScope,
// Zhipu, Qianfan and Bedrock next), and MockResponseWriter, the formatter of one response in
// that API's wire shape. The event loop owns everything about timing (TTFT/ITL schedule,
// truncation, error injection, keep-alive, counters) and HTTP; a dialect only says which
// routes it serves, checks credentials, parses a request body and formats the answer. So a new
// API is one .h/.cc pair in mock/dialects/ plus one line in dialect_table.cc.
//
// Lifetimes. Each event loop makes its own instance of every dialect (so a dialect may keep a
// JSON parser and reuse it; it is used by one thread only). Each connection asks a dialect for
// its writer once (NewWriter) and reuses it for every response of that dialect on that
// connection, so writers may keep pre-rendered buffers whose capacity survives across
// requests. Streaming a token must allocate nothing once those buffers have grown.
#ifndef LLMLOAD_MOCK_DIALECTS_MOCK_DIALECT_H_
#define LLMLOAD_MOCK_DIALECTS_MOCK_DIALECT_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "mock/api_error.h"
#include "mock/http_request_parser.h"
#include "mock/mock_stats.h"

namespace llmload::mock {

// Requests asking for more output tokens than this are refused, as a real model would,
// so that one request cannot make the mock build a gigantic response.
inline constexpr int64_t kMaxOutputTokenLimit = 1 << 20;

// What the event loop needs to know about a completion request, whatever the API.
struct MockRequest {
  int variant = 0;  // the MockRoute::variant it came in on (e.g. chat vs. legacy completions)
  std::string model;
  bool stream = false;
  bool include_usage = false;         // OpenAI: stream_options.include_usage; else dialect's call
  std::optional<int64_t> max_tokens;  // the request's output-token limit, if any
  int64_t prompt_tokens = 1;          // EstimatePromptTokens over the prompt text
  int64_t messages = 0;               // a chat request's messages (its history); 0: a prompt
  uint32_t flags = 0;  // dialect-defined bits the writer reads (e.g. TGI's `details` asked)
};

// The facts of a finished response a writer reports: finish reason, usage and the mock's own
// timings (Ollama's *_duration, Bedrock's metrics.latencyMs), from the moment it read the
// request.
struct MockOutcome {
  bool length = false;  // stopped at the request's output-token limit, else a natural stop
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t first_token_ns = 0;  // streamed: until the first token was sent; else the TTFT drawn
  int64_t total_ns = 0;        // until the end of the response was written
};

// The prompt-token estimate: ceil(UTF-8 bytes / 4), at least 1 (OpenAI's rule of thumb of
// about four characters of English per token).
int64_t EstimatePromptTokens(uint64_t utf8_bytes);

// One endpoint of a dialect. `pattern` is a path; a segment written `{name}` matches any one
// non-empty path segment and is captured (Bedrock "/model/{model}/converse", Qianfan
// "/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/{model}"). The query string is not part of the
// match (read it from HttpRequest::target).
enum class RouteKind {
  kCompletion,  // ParseRequest, then a timed response through a MockResponseWriter
  kInfo,        // answered at once by AnswerInfo (Ollama's GET /api/tags, TGI's GET /info)
};

struct MockRoute {
  absl::string_view method;   // "POST"; another method on a matching path gets 405
  absl::string_view pattern;  // "/v1/chat/completions"
  int variant = 0;            // dialect-defined; copied into MockRequest::variant
  // The MockCounters field counting requests on this path (any method); null: none besides
  // requests_total and the dialect's requests_by_dialect entry.
  std::atomic<uint64_t> MockCounters::*counter = nullptr;
  RouteKind kind = RouteKind::kCompletion;
};

// What an info route may tell: the model --model names, and when the mock started.
struct MockInfo {
  absl::string_view model;
  int64_t started_unix = 0;
};

// The `{...}` segments of a matched pattern, in order, as sent (still percent-encoded: a
// Bedrock model id "a:b" arrives as "a%3Ab"; decoding is the dialect's call).
inline constexpr int kMaxRouteCaptures = 2;
struct RouteCaptures {
  std::array<absl::string_view, kMaxRouteCaptures> parts;
  int count = 0;
};

// Whether `path` matches `pattern` (see MockRoute); fills `*captures` when it does.
bool MatchRoutePattern(absl::string_view pattern, absl::string_view path, RouteCaptures* captures);

// An answer that is not a timed completion: an error in a dialect's shape (the status is the
// ApiError's http_status) or an info route's 200 body.
struct MockReply {
  std::string body;
  absl::string_view content_type = "application/json";
  std::string headers;  // extra "Name: value\r\n" lines (e.g. Bedrock's x-amzn-ErrorType)
};

// Formats one response. The loop calls, for a streamed response:
//   Begin, [head with stream_content_type()], AppendPrelude, AppendToken x n, AppendFinish
// (the stream may be cut anywhere after AppendPrelude by --truncate-rate); for a
// non-streamed one: Begin, AppendBody (which --truncate-rate may send only half of). The writer
// appends bytes to `out`, including HTTP chunk framing when Begin said `chunked` (AppendHttpChunk
// in mock/http_response.h does it), so binary frames (AWS event-stream) are as easy as text events.
// AppendFinish also ends the chunked body (AppendLastChunk) when chunked.
class MockResponseWriter {
 public:
  virtual ~MockResponseWriter() = default;

  // Prepares a response to `request`. `id` is the full response id (IdPrefix + unique part);
  // `created` the Unix time. With `chunked` false (HTTP/1.0 clients) streamed bytes carry no
  // chunk framing: closing the connection ends the body.
  virtual void Begin(const MockRequest& request, absl::string_view id, int64_t created,
                     bool chunked) = 0;

  // Content-Type of a streamed response ("text/event-stream", "application/x-ndjson",
  // "application/vnd.amazon.eventstream") and of a non-streamed body.
  virtual absl::string_view stream_content_type() const { return "text/event-stream"; }
  virtual absl::string_view body_content_type() const { return "application/json"; }

  // Events sent with the response head, before the first token (OpenAI's role chunk,
  // Anthropic's message_start + content_block_start). Returns how many events it appended
  // (counted in chunks_sent).
  virtual int AppendPrelude(std::string* out) { return 0; }
  // One content event carrying one token, already escaped for a JSON string. The per-token
  // path: copy pre-rendered pieces, allocate nothing once `out` has grown.
  virtual void AppendToken(absl::string_view escaped_token, std::string* out) = 0;
  // Everything after the last token: finish reason, usage, the end marker, and the last HTTP
  // chunk when chunked. Returns how many events it appended.
  virtual int AppendFinish(const MockOutcome& outcome, std::string* out) = 0;
  // The whole non-streamed body; `escaped_text` is the completion, escaped for JSON.
  virtual void AppendBody(absl::string_view escaped_text, const MockOutcome& outcome,
                          std::string* out) = 0;
};

class MockDialect {
 public:
  virtual ~MockDialect() = default;

  // The routes it serves. Matched in table order before the loop's own routes (/v1/models,
  // /health, /mock/stats), so patterns must not shadow those or another dialect's.
  virtual absl::Span<const MockRoute> routes() const = 0;

  // Checks credentials before the body is parsed (Bedrock SigV4, Zhipu JWT, Qianfan
  // bce-auth-v1). Returns the error to answer with (rendered by RenderError, counted as a bad
  // request), or nullopt to go on. `now` is wall-clock time, for signature dates and expiry.
  // Default: everyone is allowed.
  virtual std::optional<ApiError> Authorize(const HttpRequest& request, const MockRoute& route,
                                            absl::Time now) {
    return std::nullopt;
  }

  // Validates the request and fills `*out` (reset it first); or returns the error to answer
  // with (rendered by RenderError, counted as a bad request).
  virtual std::optional<ApiError> ParseRequest(const HttpRequest& request, const MockRoute& route,
                                               const RouteCaptures& captures, MockRequest* out) = 0;

  // Answers a RouteKind::kInfo route with 200 and `out->body`; or returns an error. Only
  // dialects with info routes override it.
  virtual std::optional<ApiError> AnswerInfo(const HttpRequest& request, const MockRoute& route,
                                             const MockInfo& info, MockReply* out) {
    return ApiError::NotFound(request.method, request.path);
  }

  // The start of response ids ("chatcmpl-", "msg_"); the loop appends a unique part.
  virtual absl::string_view IdPrefix(const MockRequest& request) const = 0;

  // A writer for this dialect's responses; a connection keeps it and reuses it.
  virtual std::unique_ptr<MockResponseWriter> NewWriter() const = 0;

  // The facts of the error injected by --error-rate with --error-status `status`; the default
  // is OpenAI's wording (ApiError::Injected). RenderError then gives them this API's shape.
  virtual ApiError InjectedError(int status, absl::string_view model) const {
    return ApiError::Injected(status, model);
  }

  // Renders an error (a parse or auth failure, an injected error, 405 on one of its routes)
  // as this API's error response.
  virtual void RenderError(const ApiError& error, MockReply* out) const = 0;
};

}  // namespace llmload::mock

#endif  // LLMLOAD_MOCK_DIALECTS_MOCK_DIALECT_H_
