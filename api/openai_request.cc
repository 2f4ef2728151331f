#include "api/openai_request.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/endpoint_url.h"
#include "api/json_body.h"
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
  Prompt p;
  p.text = std::string(prompt);
  return BuildRequestBody(spec, p);
}

std::string BuildRequestBody(const OpenAiRequestSpec& spec, const Prompt& prompt) {
  // ordered_json keeps fields in the order written, which makes bodies readable in logs.
  nlohmann::ordered_json body;
  // No model only when none was given and the endpoint could not be asked (model_discovery.h).
  if (!spec.model.empty()) body["model"] = spec.model;
  if (spec.api == OpenAiApi::kChat) {
    body["messages"] = ChatMessagesJson(prompt);
  } else {
    body["prompt"] = prompt.text;
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
  return ResolveApiUrl(base_url, DefaultPath(api));
}

}  // namespace llmload
