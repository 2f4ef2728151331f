// Redaction of secrets in text that is printed or written: a URL's userinfo password
// ("http://user:pass@host" becomes "http://user:***@host"). Requests still use the real URL;
// every place where a URL becomes output (console, logs, JSON, CSV, metrics labels) shows
// RedactUrl() of it instead.
#ifndef LLMLOAD_COMMON_REDACT_H_
#define LLMLOAD_COMMON_REDACT_H_

#include <string>

#include "absl/strings/string_view.h"

namespace llmload {

// `url` with the password of its userinfo replaced by "***" (a user name alone is kept). Text
// that is not a URL with userinfo comes back unchanged.
std::string RedactUrl(absl::string_view url);

}  // namespace llmload

#endif  // LLMLOAD_COMMON_REDACT_H_
