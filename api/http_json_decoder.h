// HttpJsonDecoder: reads the answers of a custom JSON endpoint (--api http-json) where the user
// says where things are: one JSON body whose text is at --response-text, or a stream (SSE or
// NDJSON) whose events carry text at --chunk-text and end with the event --stream-done names.
// Token counts are read at --response-input-tokens / --response-output-tokens (the last event
// that has them wins). Paths are JsonPaths (json_path.h); events are parsed by a JsonReader
// (json_reader.h), so steady-state decoding allocates nothing.
//
// Rules (docs/apis.md "http-json"):
// - an event or body that is not JSON is malformed;
// - an object with a top-level "error" that is not null, false or "" is an API error;
// - content is a non-empty string at the chunk path (anything else there is not content);
// - a stream is complete when the --stream-done event arrived, or an SSE "[DONE]"; without
//   --stream-done a stream that ends cleanly (no cut-off event) is complete;
// - a token count must be a JSON integer (else usage_invalid); input tokens are kept only
//   beside output tokens (without output tokens, output is counted from chunks).
#ifndef LLMLOAD_API_HTTP_JSON_DECODER_H_
#define LLMLOAD_API_HTTP_JSON_DECODER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "api/json_path.h"
#include "api/json_reader.h"
#include "api/ndjson_splitter.h"
#include "api/openai_stream_decoder.h"
#include "api/response_decoder.h"
#include "api/sse_or_body.h"
#include "simdjson.h"

namespace llmload {

enum class StreamFormat : uint8_t { kNone, kSse, kNdjson };

// Parses --stream-format: none, sse or ndjson.
absl::StatusOr<StreamFormat> ParseStreamFormat(absl::string_view text);

// --stream-done PATH=VALUE (or PATH alone): which event ends a stream.
class StreamDoneMatcher {
 public:
  // VALUE matches a string equal to it, or a number, true, false or null written the same;
  // a quoted VALUE ("\"1\"") matches that string only. PATH alone matches any value there but
  // null, false and "".
  static absl::StatusOr<StreamDoneMatcher> Parse(absl::string_view text);
  bool Matches(const simdjson::dom::element& root) const;

 private:
  explicit StreamDoneMatcher(JsonPath path) : path_(std::move(path)) {}
  JsonPath path_;
  std::optional<std::string> value_;  // unset: PATH alone
  bool string_only_ = false;          // VALUE was quoted
};

// What to read where, from the adapter's options; shared by every decoder of a run.
struct HttpJsonResponseSpec {
  StreamFormat format = StreamFormat::kNone;
  std::optional<JsonPath> text;        // --response-text (bodies)
  std::optional<JsonPath> chunk_text;  // --chunk-text (events)
  std::optional<JsonPath> input_tokens;
  std::optional<JsonPath> output_tokens;
  std::optional<StreamDoneMatcher> done;
};

// Whether a Content-Type may carry NDJSON: liberal, since servers label it many ways
// (application/x-ndjson, application/ndjson, application/jsonl, application/json-seq,
// application/json, application/stream+json, text/plain, ...: any type naming json, or
// text/plain).
bool IsNdjsonContentType(absl::string_view content_type);

class HttpJsonDecoder final : public ResponseDecoder {
 public:
  HttpJsonDecoder(std::shared_ptr<const HttpJsonResponseSpec> spec, int64_t max_bytes);

  bool streaming() const override { return spec_->format != StreamFormat::kNone; }
  bool AcceptsContentType(absl::string_view content_type) const override;
  void Reset() override;
  bool Feed(absl::string_view bytes, ContentCallback on_content) override;
  ResponseFacts Finish() override;
  ApiError DecodeErrorBody(absl::string_view body) override;

 private:
  void OnEvent(absl::string_view data, ContentCallback on_content);
  // Reads the token paths under `root` into usage_ / usage_invalid_.
  void ReadTokens(const simdjson::dom::element& root);
  // An error payload: records its message (the first one) and returns true.
  bool ReadError(const simdjson::dom::element& root, absl::string_view raw);

  std::shared_ptr<const HttpJsonResponseSpec> spec_;
  SseOrBody framing_;     // not streamed, or SSE
  NdjsonSplitter lines_;  // NDJSON
  JsonReader json_;
  OpenAiStreamDecoder errors_;  // for the error shapes of DecodeErrorBody

  // Per response.
  bool done_ = false;
  bool malformed_ = false;
  bool api_error_ = false;
  std::string error_message_;
  std::optional<TokenUsage> usage_;
  bool usage_invalid_ = false;
};

}  // namespace llmload

#endif  // LLMLOAD_API_HTTP_JSON_DECODER_H_
