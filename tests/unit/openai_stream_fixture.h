// Realistic OpenAI-style streamed responses for the SSE parser and stream decoder tests: the
// chunk shapes are those vLLM and OpenAI send (role chunk, content chunks, a finish chunk, a
// usage chunk with empty choices, then [DONE]).
#ifndef LLMLOAD_TESTS_UNIT_OPENAI_STREAM_FIXTURE_H_
#define LLMLOAD_TESTS_UNIT_OPENAI_STREAM_FIXTURE_H_

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace llmload::testing {

inline std::string ChatChunk(absl::string_view delta_json, absl::string_view finish = "null") {
  return absl::StrCat(
      R"({"id":"chatcmpl-7","object":"chat.completion.chunk","created":1700000000,)",
      R"("model":"test-model","choices":[{"index":0,"delta":)", delta_json,
      R"(,"logprobs":null,"finish_reason":)", finish, "}]}");
}

inline std::string UsageChunk(int prompt_tokens, int completion_tokens) {
  return absl::StrCat(
      R"({"id":"chatcmpl-7","object":"chat.completion.chunk","created":1700000000,)",
      R"("model":"test-model","choices":[],"usage":{"prompt_tokens":)", prompt_tokens,
      R"(,"total_tokens":)", prompt_tokens + completion_tokens, R"(,"completion_tokens":)",
      completion_tokens, "}}");
}

// The `data` payloads of a chat stream with `n_content` content chunks. Content includes JSON
// escapes and non-ASCII text so that parsing is exercised beyond plain words.
inline std::vector<std::string> ChatStreamPayloads(int n_content, int prompt_tokens = 12) {
  std::vector<std::string> out;
  out.push_back(ChatChunk(R"({"role":"assistant","content":""})"));
  for (int i = 0; i < n_content; ++i) {
    switch (i % 3) {
      case 0:
        out.push_back(ChatChunk(absl::StrCat(R"({"content":" word)", i, R"("})")));
        break;
      case 1:
        out.push_back(ChatChunk(R"({"content":"line\nbreak \"quoted\""})"));
        break;
      default:
        out.push_back(ChatChunk(R"({"content":"caf\u00e9 \u2713"})"));
        break;
    }
  }
  out.push_back(ChatChunk("{}", R"("stop")"));
  out.push_back(UsageChunk(prompt_tokens, n_content));
  out.push_back("[DONE]");
  return out;
}

// Frames payloads as an SSE stream with the given line end, with a keep-alive comment after
// the first event as some servers send.
inline std::string ToSse(const std::vector<std::string>& payloads, absl::string_view eol = "\n") {
  std::string out;
  for (size_t i = 0; i < payloads.size(); ++i) {
    absl::StrAppend(&out, "data: ", payloads[i], eol, eol);
    if (i == 0) absl::StrAppend(&out, ": keep-alive", eol);
  }
  return out;
}

}  // namespace llmload::testing

#endif  // LLMLOAD_TESTS_UNIT_OPENAI_STREAM_FIXTURE_H_
