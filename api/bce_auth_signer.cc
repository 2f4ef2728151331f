#include "api/bce_auth_signer.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "api/sha256.h"
#include "api/uri_encode.h"

namespace llmload {
namespace {

std::string HmacSha256Hex(absl::string_view key, absl::string_view data) {
  return absl::BytesToHexString(HmacSha256(key, data));
}

}  // namespace

std::string BceTimestamp(int64_t unix_ns) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixNanos(unix_ns), absl::UTCTimeZone());
}

std::string BceCanonicalUri(absl::string_view path) {
  if (path.empty()) return "/";
  std::string encoded = UriEncode(UriDecode(path), /*keep_slash=*/true);
  if (encoded.front() != '/') encoded.insert(encoded.begin(), '/');
  return encoded;
}

std::string BceCanonicalQuery(absl::string_view query) {
  std::vector<std::string> pairs;
  for (absl::string_view item : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    const std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(item, absl::MaxSplits('=', 1));
    const std::string name = UriDecode(kv.first);
    if (absl::EqualsIgnoreCase(name, "authorization")) continue;
    pairs.push_back(absl::StrCat(UriEncode(name), "=", UriEncode(UriDecode(kv.second))));
  }
  std::sort(pairs.begin(), pairs.end());
  return absl::StrJoin(pairs, "&");
}

std::string BceAuthorization(const BceSigningInput& in) {
  std::vector<std::string> lines;
  std::vector<std::string> names;
  for (const auto& [name, value] : in.headers) {
    const absl::string_view trimmed = absl::StripAsciiWhitespace(value);
    if (trimmed.empty()) continue;
    std::string lower = absl::AsciiStrToLower(absl::StripAsciiWhitespace(name));
    lines.push_back(absl::StrCat(UriEncode(lower), ":", UriEncode(trimmed)));
    names.push_back(std::move(lower));
  }
  std::sort(lines.begin(), lines.end());
  std::sort(names.begin(), names.end());
  const std::string prefix =
      absl::StrCat("bce-auth-v1/", in.access_key, "/", in.timestamp, "/", in.expiration_seconds);
  const std::string canonical_request =
      absl::StrCat(in.method, "\n", BceCanonicalUri(in.path), "\n", BceCanonicalQuery(in.query),
                   "\n", absl::StrJoin(lines, "\n"));
  const std::string signing_key = HmacSha256Hex(in.secret_key, prefix);
  return absl::StrCat(prefix, "/", in.list_signed_headers ? absl::StrJoin(names, ";") : "", "/",
                      HmacSha256Hex(signing_key, canonical_request));
}

}  // namespace llmload
