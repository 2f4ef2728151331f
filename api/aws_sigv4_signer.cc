#include "api/aws_sigv4_signer.h"

#include <algorithm>

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

constexpr absl::string_view kAlgorithm = "AWS4-HMAC-SHA256";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = absl::ascii_tolower(static_cast<unsigned char>(c));
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Undoes percent-encoding ('+' is kept: SigV4 queries are RFC 3986, not forms).
std::string PercentDecode(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = HexValue(s[i + 1]);
      const int lo = HexValue(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

// A header value as SigV4 canonicalizes it: CR/LF to spaces, runs of spaces and tabs to one
// space, no leading or trailing space.
std::string CanonicalValue(absl::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::string CredentialScope(const SigV4Request& r) {
  return absl::StrCat(r.amz_date.substr(0, 8), "/", r.region, "/", r.service, "/aws4_request");
}

}  // namespace

std::string SigV4CanonicalPath(absl::string_view path) {
  // As @smithy/signature-v4 does for every service but S3: drop empty and "." segments,
  // resolve "..", then encode the (already encoded) path once more, keeping '/'.
  std::vector<absl::string_view> segments;
  for (absl::string_view s : absl::StrSplit(path, '/')) {
    if (s.empty() || s == ".") continue;
    if (s == "..") {
      if (!segments.empty()) segments.pop_back();
      continue;
    }
    segments.push_back(s);
  }
  std::string normalized = absl::StartsWith(path, "/") ? "/" : "";
  absl::StrAppend(&normalized, absl::StrJoin(segments, "/"));
  if (!segments.empty() && absl::EndsWith(path, "/")) normalized.push_back('/');
  return UriEncode(normalized, /*keep_slash=*/true);
}

std::string SigV4CanonicalQuery(absl::string_view query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (absl::string_view part : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(part, absl::MaxSplits('=', 1));
    pairs.emplace_back(UriEncode(PercentDecode(kv.first)), UriEncode(PercentDecode(kv.second)));
  }
  std::sort(pairs.begin(), pairs.end());
  return absl::StrJoin(pairs, "&", [](std::string* out, const auto& kv) {
    absl::StrAppend(out, kv.first, "=", kv.second);
  });
}

std::string SigV4CanonicalRequest(const SigV4Request& r) {
  std::vector<std::pair<std::string, std::string>> headers = r.headers;
  for (auto& [name, value] : headers) {
    name = absl::AsciiStrToLower(name);
    value = CanonicalValue(value);
  }
  std::sort(headers.begin(), headers.end());
  std::string out = absl::StrCat(r.method, "\n", SigV4CanonicalPath(r.path), "\n",
                                 SigV4CanonicalQuery(r.query), "\n");
  for (const auto& [name, value] : headers) absl::StrAppend(&out, name, ":", value, "\n");
  absl::StrAppend(&out, "\n");
  absl::StrAppend(
      &out,
      absl::StrJoin(headers, ";", [](std::string* o, const auto& kv) { o->append(kv.first); }),
      "\n", r.payload_sha256_hex);
  return out;
}

std::string SigV4StringToSign(const SigV4Request& r) {
  return absl::StrCat(kAlgorithm, "\n", r.amz_date, "\n", CredentialScope(r), "\n",
                      Sha256Hex(SigV4CanonicalRequest(r)));
}

std::string SigV4Signature(absl::string_view secret_access_key, const SigV4Request& r) {
  const std::string k_date =
      HmacSha256(absl::StrCat("AWS4", secret_access_key), r.amz_date.substr(0, 8));
  const std::string k_region = HmacSha256(k_date, r.region);
  const std::string k_service = HmacSha256(k_region, r.service);
  const std::string k_signing = HmacSha256(k_service, "aws4_request");
  return absl::BytesToHexString(HmacSha256(k_signing, SigV4StringToSign(r)));
}

std::string SigV4AmzDate(int64_t wall_ns) {
  return absl::FormatTime("%Y%m%dT%H%M%SZ", absl::FromUnixNanos(wall_ns), absl::UTCTimeZone());
}

AwsSigV4Signer::AwsSigV4Signer(AwsCredentials credentials, std::string region, std::string service)
    : credentials_(std::move(credentials)),
      region_(std::move(region)),
      service_(std::move(service)) {}

void AwsSigV4Signer::Sign(int64_t wall_ns, absl::string_view method, absl::string_view host,
                          absl::string_view path, absl::string_view payload_sha256_hex,
                          std::vector<std::string>* header_lines) const {
  const std::string amz_date = SigV4AmzDate(wall_ns);
  SigV4Request r;
  r.method = method;
  r.path = path;
  r.payload_sha256_hex = payload_sha256_hex;
  r.amz_date = amz_date;
  r.region = region_;
  r.service = service_;
  r.headers = {{"host", std::string(host)},
               {"x-amz-content-sha256", std::string(payload_sha256_hex)},
               {"x-amz-date", amz_date}};
  if (!credentials_.session_token.empty()) {
    r.headers.emplace_back("x-amz-security-token", credentials_.session_token);
  }
  const std::string signed_headers =
      absl::StrJoin(r.headers, ";", [](std::string* o, const auto& kv) { o->append(kv.first); });
  header_lines->push_back(absl::StrCat("X-Amz-Date: ", amz_date));
  if (!credentials_.session_token.empty()) {
    header_lines->push_back(absl::StrCat("X-Amz-Security-Token: ", credentials_.session_token));
  }
  header_lines->push_back(
      absl::StrCat("Authorization: ", kAlgorithm, " Credential=", credentials_.access_key_id, "/",
                   CredentialScope(r), ", SignedHeaders=", signed_headers,
                   ", Signature=", SigV4Signature(credentials_.secret_access_key, r)));
}

}  // namespace llmload
