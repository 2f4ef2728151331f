#include "mock/dialects/anthropic_writer.h"

#include "absl/strings/str_cat.h"
#include "mock/http_response.h"
#include "mock/json_escape.h"

namespace llmload::mock {
namespace {

constexpr absl::string_view kTokenPrefix =
    "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
    "\"text\":\"";
constexpr absl::string_view kTokenSuffix = "\"}}";

absl::string_view StopReason(bool length) { return length ? "max_tokens" : "end_turn"; }

}  // namespace

void AnthropicWriter::Begin(const MockRequest& request, absl::string_view id, int64_t /*created*/,
                            bool chunked) {
  chunked_ = chunked;
  prompt_tokens_ = request.prompt_tokens;
  // assign()/append() reuse the string's capacity across requests.
  message_head_.assign("\"id\":");
  message_head_.append(JsonQuote(id));
  message_head_.append(",\"type\":\"message\",\"role\":\"assistant\",\"model\":");
  message_head_.append(JsonQuote(request.model));
}

void AnthropicWriter::AppendEvent(absl::string_view type, absl::string_view a, absl::string_view b,
                                  absl::string_view c, std::string* out) const {
  AppendHttpChunk(chunked_, {"event: ", type, "\ndata: ", a, b, c, "\n\n"}, out);
}

int AnthropicWriter::AppendPrelude(std::string* out) {
  const std::string start = absl::StrCat(
      "{\"type\":\"message_start\",\"message\":{", message_head_,
      ",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":",
      prompt_tokens_, ",\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,",
      "\"output_tokens\":1}}}");
  AppendEvent("message_start", start, "", "", out);
  AppendEvent("content_block_start",
              "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\","
              "\"text\":\"\"}}",
              "", "", out);
  AppendEvent("ping", "{\"type\": \"ping\"}", "", "", out);
  return 3;
}

void AnthropicWriter::AppendToken(absl::string_view escaped_token, std::string* out) {
  AppendEvent("content_block_delta", kTokenPrefix, escaped_token, kTokenSuffix, out);
}

int AnthropicWriter::AppendFinish(const MockOutcome& outcome, std::string* out) {
  AppendEvent("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}", "", "", out);
  const std::string delta =
      absl::StrCat("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"",
                   StopReason(outcome.length), "\",\"stop_sequence\":null},\"usage\":{",
                   "\"output_tokens\":", outcome.completion_tokens, "}}");
  AppendEvent("message_delta", delta, "", "", out);
  AppendEvent("message_stop", "{\"type\":\"message_stop\"}", "", "", out);
  if (chunked_) AppendLastChunk(out);
  return 3;
}

void AnthropicWriter::AppendBody(absl::string_view escaped_text, const MockOutcome& outcome,
                                 std::string* out) {
  out->append("{");
  out->append(message_head_);
  out->append(",\"content\":[{\"type\":\"text\",\"text\":\"");
  out->append(escaped_text.data(), escaped_text.size());
  absl::StrAppend(out, "\"}],\"stop_reason\":\"", StopReason(outcome.length),
                  "\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":", outcome.prompt_tokens,
                  ",\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,",
                  "\"output_tokens\":", outcome.completion_tokens, "}}");
}

}  // namespace llmload::mock
