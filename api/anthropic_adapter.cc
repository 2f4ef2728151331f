#include "api/anthropic_adapter.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/anthropic_decoder.h"
#include "api/endpoint_url.h"
#include "api/json_body.h"
#include "api/request_headers.h"
#include "api/sse_or_body.h"
#include "nlohmann/json.hpp"

namespace llmload {
namespace {

class AnthropicResponseDecoder final : public ResponseDecoder {
 public:
  AnthropicResponseDecoder(bool stream, int64_t max_bytes) : framing_(stream, max_bytes) {}

  bool streaming() const override { return framing_.streaming(); }
  bool AcceptsContentType(absl::string_view content_type) const override {
    return framing_.AcceptsContentType(content_type);
  }

  void Reset() override {
    framing_.Reset();
    decoder_.Reset();
  }

  bool Feed(absl::string_view bytes, ContentCallback on_content) override {
    return framing_.Feed(bytes, [&](absl::string_view /*event_type*/, absl::string_view data) {
      const AnthropicEvent event = decoder_.Decode(data);
      if (event.kind == AnthropicEventKind::kContent) on_content(ContentChunk{event.text});
    });
  }

  ResponseFacts Finish() override {
    ResponseFacts facts;
    facts.framing = framing_.Finish();
    if (framing_.is_body()) {
      if (facts.framing == FramingEnd::kTooLarge) return facts;
      AnthropicBody body = decoder_.DecodeBody(framing_.body());
      facts.complete = true;
      facts.malformed = body.malformed;
      facts.usage = body.usage;
      facts.usage_invalid = body.usage_invalid;
      if (body.error) SetError(std::move(body.error_info), &facts);
      return facts;
    }
    facts.complete = decoder_.stop_seen();
    facts.malformed = decoder_.malformed_seen();
    facts.usage = decoder_.usage();
    facts.usage_invalid = decoder_.usage_invalid();
    if (decoder_.error_seen()) SetError(decoder_.error(), &facts);
    return facts;
  }

  ApiError DecodeErrorBody(absl::string_view body) override {
    return decoder_.DecodeErrorBody(body);
  }

 private:
  static void SetError(ApiError error, ResponseFacts* facts) {
    facts->api_error = true;
    facts->api_error_class = AnthropicErrorClass(error.type);
    facts->error_message = std::move(error.message);
  }

  SseOrBody framing_;
  AnthropicDecoder decoder_;
};

class AnthropicAdapter final : public ApiAdapter {
 public:
  AnthropicAdapter(const WorkloadSpec& spec, std::string url)
      : url_(std::move(url)),
        stream_(spec.stream),
        max_bytes_(spec.max_response_bytes),
        model_(spec.model),
        max_tokens_(spec.max_tokens.value_or(kAnthropicDefaultMaxTokens)),
        temperature_(spec.temperature),
        params_(spec.params),
        header_lines_(CommonHeaderLines(spec, spec.stream ? "text/event-stream" : "")) {
    bool has_version = false;
    for (const auto& [name, value] : spec.headers) {
      has_version = has_version || absl::EqualsIgnoreCase(name, "anthropic-version");
    }
    if (!has_version)
      header_lines_.push_back(absl::StrCat("anthropic-version: ", kAnthropicVersion));
    if (!spec.api_key.empty()) header_lines_.push_back(absl::StrCat("x-api-key: ", spec.api_key));
  }

  const std::string& endpoint_url() const override { return url_; }

  absl::StatusOr<PreparedRequest> Prepare(const Prompt& prompt) const override {
    nlohmann::ordered_json body;
    if (!model_.empty()) body["model"] = model_;
    body["max_tokens"] = prompt.max_tokens.value_or(max_tokens_);
    if (std::string system = SystemPromptOf(prompt); !system.empty()) {
      body["system"] = std::move(system);
    }
    body["messages"] = ChatMessagesJson(prompt, /*with_system=*/false);
    if (temperature_.has_value()) body["temperature"] = *temperature_;
    body["stream"] = stream_;
    // Last, so that a --param may override any field above.
    for (const auto& [key, json] : params_) {
      nlohmann::ordered_json v = nlohmann::ordered_json::parse(json, nullptr, false);
      body[key] = v.is_discarded() ? nlohmann::ordered_json(json) : std::move(v);
    }
    PreparedRequest request;
    request.url = url_;
    request.body =
        body.dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace);
    request.header_lines = header_lines_;
    return request;
  }

  std::unique_ptr<ResponseDecoder> NewDecoder() const override {
    return std::make_unique<AnthropicResponseDecoder>(stream_, max_bytes_);
  }

 private:
  const std::string url_;
  const bool stream_;
  const int64_t max_bytes_;
  const std::string model_;
  const int max_tokens_;
  const std::optional<double> temperature_;
  const std::vector<std::pair<std::string, std::string>> params_;  // --param: key, JSON value
  std::vector<std::string> header_lines_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ApiAdapter>> CreateAnthropicMessagesAdapter(
    const WorkloadSpec& spec) {
  absl::StatusOr<std::string> url = ResolveApiUrl(spec.url, kAnthropicMessagesPath);
  if (!url.ok()) return url.status();
  if (absl::Status s = CheckCredentialHeader(spec, "x-api-key", "--api-key or $ANTHROPIC_API_KEY");
      !s.ok()) {
    return s;
  }
  return std::make_unique<AnthropicAdapter>(spec, *std::move(url));
}

}  // namespace llmload
