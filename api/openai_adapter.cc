#include "api/openai_adapter.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "api/openai_request.h"
#include "api/openai_stream_decoder.h"
#include "api/request_headers.h"
#include "api/sse_or_body.h"

namespace llmload {
namespace {

class OpenAiResponseDecoder final : public ResponseDecoder {
 public:
  OpenAiResponseDecoder(bool stream, int64_t max_bytes) : framing_(stream, max_bytes) {}

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
      const ChunkInfo chunk = decoder_.Decode(data);
      if (chunk.kind == ChunkKind::kContent) on_content(ContentChunk{chunk.text});
    });
  }

  ResponseFacts Finish() override {
    ResponseFacts facts;
    facts.framing = framing_.Finish();
    if (framing_.is_body()) {
      if (facts.framing == FramingEnd::kTooLarge) return facts;
      ResponseInfo info = decoder_.DecodeResponseBody(framing_.body());
      facts.complete = true;
      facts.api_error = info.kind == ChunkKind::kError;
      facts.malformed = info.kind == ChunkKind::kMalformed;
      facts.usage = info.usage;
      facts.usage_invalid = info.usage_invalid;
      if (facts.usage_invalid) facts.usage.reset();
      if (facts.api_error) facts.error_message = std::move(info.error.message);
      return facts;
    }
    facts.complete = decoder_.complete();
    facts.api_error = decoder_.error_seen();
    facts.malformed = decoder_.malformed_seen();
    facts.usage = decoder_.usage();
    facts.usage_invalid = decoder_.usage_invalid();
    // A bad usage anywhere makes the request's usage untrustworthy, even a later good one.
    if (facts.usage_invalid) facts.usage.reset();
    if (facts.api_error) facts.error_message = decoder_.error().message;
    return facts;
  }

  ApiError DecodeErrorBody(absl::string_view body) override {
    return decoder_.DecodeErrorBody(body);
  }

 private:
  SseOrBody framing_;
  OpenAiStreamDecoder decoder_;
};

class OpenAiAdapter final : public ApiAdapter {
 public:
  OpenAiAdapter(const WorkloadSpec& spec, OpenAiApi api, std::string url)
      : url_(std::move(url)),
        stream_(spec.stream),
        max_bytes_(spec.max_response_bytes),
        header_lines_(CommonHeaderLines(spec, spec.stream ? "text/event-stream" : "")) {
    request_.api = api;
    request_.model = spec.model;
    if (spec.max_tokens) request_.max_tokens = *spec.max_tokens;
    request_.temperature = spec.temperature;
    request_.stream = spec.stream;
    request_.include_usage = spec.include_usage;
    for (const auto& [key, json] : spec.params) {
      request_.extra_params.push_back(ExtraParam{key, json});
    }
    if (!spec.api_key.empty()) {
      header_lines_.push_back(absl::StrCat("Authorization: Bearer ", spec.api_key));
    }
  }

  const std::string& endpoint_url() const override { return url_; }

  absl::StatusOr<PreparedRequest> Prepare(const Prompt& prompt) const override {
    PreparedRequest request;
    request.url = url_;
    if (prompt.max_tokens) {
      OpenAiRequestSpec own = request_;
      own.max_tokens = *prompt.max_tokens;
      request.body = BuildRequestBody(own, prompt);
    } else {
      request.body = BuildRequestBody(request_, prompt);
    }
    request.header_lines = header_lines_;
    return request;
  }

  std::unique_ptr<ResponseDecoder> NewDecoder() const override {
    return NewOpenAiResponseDecoder(stream_, max_bytes_);
  }

 private:
  const std::string url_;
  const bool stream_;
  const int64_t max_bytes_;
  OpenAiRequestSpec request_;
  std::vector<std::string> header_lines_;
};

absl::StatusOr<std::unique_ptr<ApiAdapter>> CreateOpenAiAdapter(const WorkloadSpec& spec,
                                                                OpenAiApi api) {
  absl::StatusOr<std::string> url = ResolveEndpointUrl(spec.url, api);
  if (!url.ok()) return url.status();
  if (absl::Status s = CheckCredentialHeader(spec, "Authorization", "the API key"); !s.ok()) {
    return s;
  }
  return std::make_unique<OpenAiAdapter>(spec, api, *std::move(url));
}

}  // namespace

absl::StatusOr<std::unique_ptr<ApiAdapter>> CreateOpenAiChatAdapter(const WorkloadSpec& spec) {
  return CreateOpenAiAdapter(spec, OpenAiApi::kChat);
}

absl::StatusOr<std::unique_ptr<ApiAdapter>> CreateOpenAiCompletionsAdapter(
    const WorkloadSpec& spec) {
  return CreateOpenAiAdapter(spec, OpenAiApi::kCompletions);
}

std::unique_ptr<ResponseDecoder> NewOpenAiResponseDecoder(bool stream, int64_t max_bytes) {
  return std::make_unique<OpenAiResponseDecoder>(stream, max_bytes);
}

}  // namespace llmload
