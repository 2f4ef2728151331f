#include "api/request_headers.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace llmload {

std::vector<std::string> CommonHeaderLines(const WorkloadSpec& spec, absl::string_view accept) {
  std::vector<std::string> lines;
  bool has_content_type = false;
  for (const auto& [name, value] : spec.headers) {
    if (absl::EqualsIgnoreCase(name, "content-type")) has_content_type = true;
    lines.push_back(absl::StrCat(name, ": ", value));
  }
  if (!has_content_type) lines.push_back("Content-Type: application/json");
  if (!accept.empty()) lines.push_back(absl::StrCat("Accept: ", accept));
  lines.push_back("Expect:");
  return lines;
}

absl::Status CheckCredentialHeader(const WorkloadSpec& spec, absl::string_view credential_header,
                                   absl::string_view key_source) {
  if (spec.api_key.empty()) return absl::OkStatus();
  for (const auto& [name, value] : spec.headers) {
    if (absl::EqualsIgnoreCase(name, credential_header)) {
      return absl::InvalidArgumentError(absl::StrCat("--header ", credential_header,
                                                     " and an API key (", key_source,
                                                     "): give only one (both would be sent)"));
    }
  }
  return absl::OkStatus();
}

}  // namespace llmload
