// JSON string escaping for the mock's hand-built responses. The hot path (one chunk per token)
// formats JSON by appending pre-built pieces instead of using a JSON library, so every string
// that reaches a response goes through AppendJsonEscaped: quotes, backslashes and control
// characters are escaped, and bytes that are not valid UTF-8 become U+FFFD, so a response is
// valid JSON whatever the request contained.
#ifndef LLMLOAD_MOCK_JSON_ESCAPE_H_
#define LLMLOAD_MOCK_JSON_ESCAPE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace llmload::mock {

// Appends `text` escaped for use inside a JSON string (without the surrounding quotes).
void AppendJsonEscaped(absl::string_view text, std::string* out);

// Returns `text` as a quoted JSON string.
std::string JsonQuote(absl::string_view text);

}  // namespace llmload::mock

#endif  // LLMLOAD_MOCK_JSON_ESCAPE_H_
