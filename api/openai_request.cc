#include "api/openai_request.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/host_port.h"
#include "common/redact.h"
#include "nlohmann/json.hpp"

namespace llmload {

absl::StatusOr<ExtraParam> ParseExtraParam(absl::string_view key_equals_value) {
  const size_t eq = key_equals_value.find('=');
  if (eq == absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("--param '", key_equals_value, "': expected key=value"));
  }
  absl::string_view key = absl::StripAsciiWhitespace(key_equals_value.substr(0, eq));
  absl::string_view value = key_equals_value.substr(eq + 1);
  if (key.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--param '", key_equals_value, "': the key is empty"));
  }
  ExtraParam param;
  param.key = std::string(key);
  nlohmann::json parsed = nlohmann::json::parse(value.begin(), value.end(), /*cb=*/nullptr,
                                                /*allow_exceptions=*/false);
  if (parsed.is_discarded() || value.empty()) {
    param.json = nlohmann::json(std::string(value)).dump();
  } else {
    param.json = parsed.dump();
  }
  return param;
}

std::string BuildRequestBody(const OpenAiRequestSpec& spec, absl::string_view prompt) {
  // ordered_json keeps fields in the order written, which makes bodies readable in logs.
  nlohmann::ordered_json body;
  // No model only when none was given and the endpoint could not be asked (model_discovery.h).
  if (!spec.model.empty()) body["model"] = spec.model;
  if (spec.api == OpenAiApi::kChat) {
    body["messages"] =
        nlohmann::ordered_json::array({{{"role", "user"}, {"content", std::string(prompt)}}});
  } else {
    body["prompt"] = std::string(prompt);
  }
  if (spec.max_tokens.has_value()) body["max_tokens"] = *spec.max_tokens;
  if (spec.temperature.has_value()) body["temperature"] = *spec.temperature;
  body["stream"] = spec.stream;
  if (spec.stream && spec.include_usage) body["stream_options"] = {{"include_usage", true}};
  for (const ExtraParam& p : spec.extra_params) {
    // ParseExtraParam produced valid JSON; a hand-made ExtraParam with bad JSON is a string.
    nlohmann::ordered_json v = nlohmann::ordered_json::parse(p.json, nullptr, false);
    body[p.key] = v.is_discarded() ? nlohmann::ordered_json(p.json) : std::move(v);
  }
  return body.dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace);
}

absl::string_view DefaultPath(OpenAiApi api) {
  return api == OpenAiApi::kChat ? "/v1/chat/completions" : "/v1/completions";
}

absl::StatusOr<std::string> ResolveEndpointUrl(absl::string_view base_url, OpenAiApi api) {
  absl::string_view url = absl::StripAsciiWhitespace(base_url);
  // Error messages show the URL without its password (common/redact.h).
  const std::string shown = RedactUrl(url);
  for (char c : url) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f) {
      return absl::InvalidArgumentError(
          absl::StrCat("--url '", absl::CEscape(shown),
                       "': contains a space or a control character (percent-encode it)"));
    }
  }
  const size_t scheme_end = url.find("://");
  if (scheme_end == absl::string_view::npos ||
      !(absl::EqualsIgnoreCase(url.substr(0, scheme_end), "http") ||
        absl::EqualsIgnoreCase(url.substr(0, scheme_end), "https"))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--url '", shown, "': expected an http:// or https:// URL, e.g. http://127.0.0.1:8000"));
  }
  // Split off the query (or fragment) so the path can be examined on its own.
  absl::string_view suffix;
  if (const size_t q = url.find_first_of("?#", scheme_end + 3); q != absl::string_view::npos) {
    suffix = url.substr(q);
    url = url.substr(0, q);
  }
  const size_t path_start = url.find('/', scheme_end + 3);
  absl::string_view authority = url.substr(scheme_end + 3, path_start - (scheme_end + 3));
  // [userinfo@]host[:port], host being a name, an IPv4 address or a bracketed IPv6 literal.
  absl::string_view host_port = authority.substr(authority.rfind('@') + 1);
  absl::string_view host = host_port;
  absl::string_view port;
  bool has_port = false;
  if (absl::StartsWith(host_port, "[")) {
    const size_t close = host_port.find(']');
    if (close == absl::string_view::npos ||
        (close + 1 < host_port.size() && host_port[close + 1] != ':')) {
      return absl::InvalidArgumentError(
          absl::StrCat("--url '", shown, "': a bracketed IPv6 host must look like [::1]:8000"));
    }
    host = host_port.substr(0, close + 1);
    if (close + 1 < host_port.size()) {
      has_port = true;
      port = host_port.substr(close + 2);
    }
  } else if (const size_t colon = host_port.rfind(':'); colon != absl::string_view::npos) {
    host = host_port.substr(0, colon);
    port = host_port.substr(colon + 1);
    has_port = true;
  }
  if (host.empty() || host == "[]") {
    return absl::InvalidArgumentError(absl::StrCat("--url '", shown, "': the host is empty"));
  }
  if (has_port) {
    absl::StatusOr<int> parsed = ParsePort(port, /*allow_zero=*/false);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--url '", shown, "': ", parsed.status().message()));
    }
  }
  absl::string_view prefix =
      path_start == absl::string_view::npos ? url : url.substr(0, path_start);
  absl::string_view path =
      path_start == absl::string_view::npos ? absl::string_view() : url.substr(path_start);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  std::string resolved;
  if (path.empty()) {
    resolved = absl::StrCat(prefix, DefaultPath(api));
  } else if (absl::EndsWith(path, "/v1")) {
    // DefaultPath starts with "/v1": append only what follows it.
    resolved = absl::StrCat(prefix, path, DefaultPath(api).substr(3));
  } else {
    resolved = absl::StrCat(prefix, path);  // an explicit path is the user's choice
  }
  absl::StrAppend(&resolved, suffix);
  return resolved;
}

}  // namespace llmload
