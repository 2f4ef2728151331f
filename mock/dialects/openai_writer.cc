#include "mock/dialects/openai_writer.h"

#include "absl/strings/str_cat.h"
#include "mock/http_response.h"
#include "mock/json_escape.h"

namespace llmload::mock {
namespace {

constexpr absl::string_view kSsePrefix = "data: ";
constexpr absl::string_view kSseSuffix = "\n\n";

void AppendUsage(int64_t prompt_tokens, int64_t completion_tokens, std::string* out) {
  absl::StrAppend(out, "\"usage\":{\"prompt_tokens\":", prompt_tokens,
                  ",\"completion_tokens\":", completion_tokens,
                  ",\"total_tokens\":", prompt_tokens + completion_tokens, "}");
}

}  // namespace

void CompletionWriter::Begin(CompletionApi api, absl::string_view id, int64_t created,
                             absl::string_view model, bool include_usage, bool chunked) {
  api_ = api;
  chunked_ = chunked;
  include_usage_ = include_usage;
  const bool chat = api == CompletionApi::kChat;
  // assign()/append() on the existing strings reuse their capacity across requests.
  id_model_.assign("\"id\":");
  id_model_.append(JsonQuote(id));
  auto append_rest = [&](std::string* s) {
    absl::StrAppend(s, ",\"created\":", created, ",\"model\":");
    s->append(JsonQuote(model));
    absl::StrAppend(s, ",\"system_fingerprint\":\"", kSystemFingerprint, "\"");
  };
  chunk_head_.assign("{");
  chunk_head_.append(id_model_);
  chunk_head_.append(chat ? ",\"object\":\"chat.completion.chunk\""
                          : ",\"object\":\"text_completion\"");
  append_rest(&chunk_head_);
  chunk_head_.append(",\"choices\":[");
  id_model_.append(chat ? ",\"object\":\"chat.completion\"" : ",\"object\":\"text_completion\"");
  append_rest(&id_model_);

  usage_null_.assign(include_usage ? ",\"usage\":null" : "");
  token_prefix_.assign(chunk_head_);
  token_prefix_.append(chat ? "{\"index\":0,\"delta\":{\"content\":\""
                            : "{\"index\":0,\"text\":\"");
  choice_tail_.assign("\"logprobs\":null,\"finish_reason\":null}]");
  choice_tail_.append(usage_null_);
  choice_tail_.append("}");
  token_suffix_.assign(chat ? "\"}," : "\",");
  token_suffix_.append(choice_tail_);
}

void CompletionWriter::Begin(const MockRequest& request, absl::string_view id, int64_t created,
                             bool chunked) {
  Begin(static_cast<CompletionApi>(request.variant), id, created, request.model,
        request.include_usage, chunked);
}

int CompletionWriter::AppendPrelude(std::string* out) {
  if (api_ != CompletionApi::kChat) return 0;
  AppendRoleChunk(out);
  return 1;
}

int CompletionWriter::AppendFinish(const MockOutcome& outcome, std::string* out) {
  AppendFinishChunk(outcome.length, out);
  if (include_usage_) AppendUsageChunk(outcome.prompt_tokens, outcome.completion_tokens, out);
  AppendDone(out);
  return include_usage_ ? 3 : 2;
}

void CompletionWriter::AppendEvent(absl::string_view a, absl::string_view b, absl::string_view c,
                                   std::string* out) const {
  AppendHttpChunk(chunked_, {kSsePrefix, a, b, c, kSseSuffix}, out);
}

void CompletionWriter::AppendRoleChunk(std::string* out) const {
  AppendEvent(chunk_head_, "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},",
              choice_tail_, out);
}

void CompletionWriter::AppendTokenChunk(absl::string_view escaped_token, std::string* out) const {
  AppendEvent(token_prefix_, escaped_token, token_suffix_, out);
}

void CompletionWriter::AppendFinishChunk(bool length, std::string* out) const {
  std::string tail = absl::StrCat(
      api_ == CompletionApi::kChat ? "{\"index\":0,\"delta\":{}," : "{\"index\":0,\"text\":\"\",",
      "\"logprobs\":null,\"finish_reason\":\"", length ? "length" : "stop", "\"}]", usage_null_,
      "}");
  AppendEvent(chunk_head_, tail, "", out);
}

void CompletionWriter::AppendUsageChunk(int64_t prompt_tokens, int64_t completion_tokens,
                                        std::string* out) const {
  std::string tail = "],";
  AppendUsage(prompt_tokens, completion_tokens, &tail);
  tail.append("}");
  AppendEvent(chunk_head_, tail, "", out);
}

void CompletionWriter::AppendDone(std::string* out) const {
  AppendHttpChunk(chunked_, {"data: [DONE]\n\n"}, out);
  if (chunked_) AppendLastChunk(out);
}

void CompletionWriter::AppendBody(absl::string_view escaped_text, bool length,
                                  int64_t prompt_tokens, int64_t completion_tokens,
                                  std::string* out) const {
  out->append("{");
  out->append(id_model_);
  if (api_ == CompletionApi::kChat) {
    out->append(",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"");
    out->append(escaped_text.data(), escaped_text.size());
    out->append("\",\"refusal\":null},");
  } else {
    out->append(",\"choices\":[{\"index\":0,\"text\":\"");
    out->append(escaped_text.data(), escaped_text.size());
    out->append("\",");
  }
  absl::StrAppend(out, "\"logprobs\":null,\"finish_reason\":\"", length ? "length" : "stop",
                  "\"}],");
  AppendUsage(prompt_tokens, completion_tokens, out);
  out->append("}");
}

}  // namespace llmload::mock
