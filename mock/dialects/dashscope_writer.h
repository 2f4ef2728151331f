// DashScopeWriter (the DashScope dialect's MockResponseWriter): DashScope's native
// text-generation response, streamed as its SSE events
//   id:N / event:result / :HTTP_STATUS/200 / data:{"output":{...},"usage":{...},"request_id"}
// with finish_reason "null" until the last event and running usage totals in every event, or
// as the same JSON object once. Incremental output sends each token alone; cumulative output
// (parameters.incremental_output false) repeats the whole text so far in every event, and its
// last event repeats it all with the finish reason. result_format "text" puts the text in
// output.text instead of output.choices[0].message.content.
//
// Begin() pre-renders what every event shares; a token appends numbers and pre-rendered
// pieces to reused buffers, so it allocates nothing once they have grown.
#ifndef LLMLOAD_MOCK_DIALECTS_DASHSCOPE_WRITER_H_
#define LLMLOAD_MOCK_DIALECTS_DASHSCOPE_WRITER_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "mock/dialects/mock_dialect.h"

namespace llmload::mock {

// MockRequest::flags bits of the DashScope dialect.
inline constexpr uint32_t kDashScopeCumulative = 1;  // incremental_output false
inline constexpr uint32_t kDashScopeTextFormat = 2;  // result_format "text"

class DashScopeWriter final : public MockResponseWriter {
 public:
  void Begin(const MockRequest& request, absl::string_view id, int64_t created,
             bool chunked) override;
  void AppendToken(absl::string_view escaped_token, std::string* out) override;
  int AppendFinish(const MockOutcome& outcome, std::string* out) override;
  void AppendBody(absl::string_view escaped_text, const MockOutcome& outcome,
                  std::string* out) override;

 private:
  // One event whose content is `content`, with `finish` ("null", "stop", "length").
  void AppendEvent(absl::string_view content, absl::string_view finish, int64_t prompt_tokens,
                   int64_t output_tokens, std::string* out);

  bool chunked_ = true;
  bool cumulative_ = false;
  bool text_format_ = false;
  int64_t prompt_tokens_ = 0;
  int64_t tokens_ = 0;        // sent so far
  int64_t events_ = 0;        // the SSE id of the last event
  std::string content_head_;  // {"output":{"choices":[{"message":{"content":"  (or "text":")
  std::string request_id_;    // ,"request_id":"<id>"}
  std::string text_;          // cumulative: the escaped text so far
  std::string head_;          // scratch: id:N ... data:
  std::string tail_;          // scratch: finish reason and usage
};

}  // namespace llmload::mock

#endif  // LLMLOAD_MOCK_DIALECTS_DASHSCOPE_WRITER_H_
