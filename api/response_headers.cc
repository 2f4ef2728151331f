#include "api/response_headers.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace llmload {

bool IsMediaType(absl::string_view content_type, absl::string_view media_type) {
  const absl::string_view media = content_type.substr(0, content_type.find(';'));
  return absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(media), media_type);
}

bool IsEventStreamContentType(absl::string_view content_type) {
  return IsMediaType(content_type, "text/event-stream");
}

bool IsIdentityContentEncoding(absl::string_view content_encoding) {
  const absl::string_view v = absl::StripAsciiWhitespace(content_encoding);
  return v.empty() || absl::EqualsIgnoreCase(v, "identity");
}

}  // namespace llmload
