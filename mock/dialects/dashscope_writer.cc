#include "mock/dialects/dashscope_writer.h"

#include "absl/strings/str_cat.h"
#include "mock/http_response.h"
#include "mock/json_escape.h"

namespace llmload::mock {
namespace {

void AppendUsage(int64_t prompt_tokens, int64_t output_tokens, std::string* out) {
  absl::StrAppend(out, "\"usage\":{\"total_tokens\":", prompt_tokens + output_tokens,
                  ",\"output_tokens\":", output_tokens, ",\"input_tokens\":", prompt_tokens, "}");
}

}  // namespace

void DashScopeWriter::Begin(const MockRequest& request, absl::string_view id, int64_t /*created*/,
                            bool chunked) {
  chunked_ = chunked;
  cumulative_ = (request.flags & kDashScopeCumulative) != 0;
  text_format_ = (request.flags & kDashScopeTextFormat) != 0;
  prompt_tokens_ = request.prompt_tokens;
  tokens_ = 0;
  events_ = 0;
  text_.clear();
  content_head_.assign(text_format_ ? "{\"output\":{\"text\":\""
                                    : "{\"output\":{\"choices\":[{\"message\":{\"content\":\"");
  request_id_.assign(",\"request_id\":");
  request_id_.append(JsonQuote(id));
  request_id_.append("}");
}

void DashScopeWriter::AppendEvent(absl::string_view content, absl::string_view finish,
                                  int64_t prompt_tokens, int64_t output_tokens, std::string* out) {
  ++events_;
  head_.clear();
  absl::StrAppend(&head_, "id:", events_, "\nevent:result\n:HTTP_STATUS/200\ndata:");
  tail_.clear();
  if (text_format_) {
    absl::StrAppend(&tail_, "\",\"finish_reason\":\"", finish, "\"},");
  } else {
    absl::StrAppend(&tail_, "\",\"role\":\"assistant\"},\"finish_reason\":\"", finish, "\"}]},");
  }
  AppendUsage(prompt_tokens, output_tokens, &tail_);
  AppendHttpChunk(chunked_, {head_, content_head_, content, tail_, request_id_, "\n\n"}, out);
}

void DashScopeWriter::AppendToken(absl::string_view escaped_token, std::string* out) {
  ++tokens_;
  if (cumulative_) {
    text_.append(escaped_token.data(), escaped_token.size());
    AppendEvent(text_, "null", prompt_tokens_, tokens_, out);
  } else {
    AppendEvent(escaped_token, "null", prompt_tokens_, tokens_, out);
  }
}

int DashScopeWriter::AppendFinish(const MockOutcome& outcome, std::string* out) {
  AppendEvent(cumulative_ ? absl::string_view(text_) : absl::string_view(),
              outcome.length ? "length" : "stop", outcome.prompt_tokens, outcome.completion_tokens,
              out);
  if (chunked_) AppendLastChunk(out);
  return 1;
}

void DashScopeWriter::AppendBody(absl::string_view escaped_text, const MockOutcome& outcome,
                                 std::string* out) {
  const absl::string_view finish = outcome.length ? "length" : "stop";
  if (text_format_) {
    out->append("{\"output\":{\"text\":\"");
    out->append(escaped_text.data(), escaped_text.size());
    absl::StrAppend(out, "\",\"finish_reason\":\"", finish, "\"},");
  } else {
    absl::StrAppend(out, "{\"output\":{\"choices\":[{\"finish_reason\":\"", finish,
                    "\",\"message\":{\"role\":\"assistant\",\"content\":\"");
    out->append(escaped_text.data(), escaped_text.size());
    out->append("\"}}]},");
  }
  AppendUsage(outcome.prompt_tokens, outcome.completion_tokens, out);
  out->append(request_id_);
}

}  // namespace llmload::mock
