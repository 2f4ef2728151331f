#include "api/sse_or_body.h"

#include "absl/strings/ascii.h"
#include "api/response_headers.h"

namespace llmload {

SseOrBody::SseOrBody(bool stream, int64_t max_bytes, bool json_body_when_streamed)
    : stream_(stream),
      json_body_when_streamed_(stream && json_body_when_streamed),
      sse_(static_cast<size_t>(max_bytes)),
      mode_(InitialMode()) {
  // A body that cannot come is never kept: no memory up front for one.
  if (!stream_ || json_body_when_streamed_) body_.emplace(max_bytes);
}

SseOrBody::Mode SseOrBody::InitialMode() const {
  if (!stream_) return Mode::kBody;
  return json_body_when_streamed_ ? Mode::kUnknown : Mode::kSse;
}

bool SseOrBody::AcceptsContentType(absl::string_view content_type) const {
  return IsEventStreamContentType(content_type) ||
         (json_body_when_streamed_ && IsMediaType(content_type, "application/json"));
}

void SseOrBody::Reset() {
  sse_.Reset();
  if (body_) body_->Reset();
  mode_ = InitialMode();
}

bool SseOrBody::Decide(absl::string_view* bytes) {
  *bytes = absl::StripLeadingAsciiWhitespace(*bytes);
  if (bytes->empty()) return false;
  mode_ = bytes->front() == '{' ? Mode::kBody : Mode::kSse;
  return true;
}

FramingEnd SseOrBody::Finish() {
  if (mode_ == Mode::kBody) return body_->too_large() ? FramingEnd::kTooLarge : FramingEnd::kClean;
  return FramingEndOf(sse_.Finish());
}

}  // namespace llmload
