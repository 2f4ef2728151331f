// AnthropicWriter (the Anthropic dialect's MockResponseWriter): formats one Messages API
// response as Anthropic sends it. Streamed: `event: <type>\ndata: {...}\n\n` events, each in
// its own HTTP chunk: message_start (with usage.input_tokens), content_block_start, ping, one
// content_block_delta (text_delta) per token, then content_block_stop, message_delta
// (stop_reason, usage.output_tokens) and message_stop. Not streamed: one message body with
// content[0].text and usage. Begin() pre-renders what the events share, so a token only copies
// bytes: no allocation once the buffers have grown.
#ifndef LLMLOAD_MOCK_DIALECTS_ANTHROPIC_WRITER_H_
#define LLMLOAD_MOCK_DIALECTS_ANTHROPIC_WRITER_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "mock/dialects/mock_dialect.h"

namespace llmload::mock {

class AnthropicWriter final : public MockResponseWriter {
 public:
  void Begin(const MockRequest& request, absl::string_view id, int64_t created,
             bool chunked) override;
  // message_start, content_block_start and a ping: 3 events.
  int AppendPrelude(std::string* out) override;
  void AppendToken(absl::string_view escaped_token, std::string* out) override;
  // content_block_stop, message_delta and message_stop (3 events), then the last chunk.
  int AppendFinish(const MockOutcome& outcome, std::string* out) override;
  void AppendBody(absl::string_view escaped_text, const MockOutcome& outcome,
                  std::string* out) override;

 private:
  void AppendEvent(absl::string_view type, absl::string_view a, absl::string_view b,
                   absl::string_view c, std::string* out) const;

  bool chunked_ = true;
  int64_t prompt_tokens_ = 0;
  std::string message_head_;  // "id":..,"type":"message","role":"assistant","model":..
};

}  // namespace llmload::mock

#endif  // LLMLOAD_MOCK_DIALECTS_ANTHROPIC_WRITER_H_
