#include "common/redact.h"

#include "absl/strings/str_cat.h"

namespace llmload {

std::string RedactUrl(absl::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == absl::string_view::npos) return std::string(url);
  const size_t authority_start = scheme_end + 3;
  size_t authority_end = url.find_first_of("/?#", authority_start);
  if (authority_end == absl::string_view::npos) authority_end = url.size();
  const absl::string_view authority = url.substr(authority_start, authority_end - authority_start);
  // The last '@' ends the userinfo: a password may itself contain an (unescaped) '@'.
  const size_t at = authority.rfind('@');
  if (at == absl::string_view::npos) return std::string(url);
  const size_t colon = authority.find(':');
  if (colon == absl::string_view::npos || colon > at) return std::string(url);
  return absl::StrCat(url.substr(0, authority_start), authority.substr(0, colon), ":***",
                      url.substr(authority_start + at));
}

}  // namespace llmload
