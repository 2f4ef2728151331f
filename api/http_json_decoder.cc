#include "api/http_json_decoder.h"

#include <string_view>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "api/response_headers.h"

namespace llmload {
namespace {

using simdjson::SUCCESS;
using simdjson::dom::element;

}  // namespace

absl::StatusOr<StreamFormat> ParseStreamFormat(absl::string_view text) {
  const std::string lower = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  if (lower == "none") return StreamFormat::kNone;
  if (lower == "sse") return StreamFormat::kSse;
  if (lower == "ndjson") return StreamFormat::kNdjson;
  return absl::InvalidArgumentError(
      absl::StrCat("--stream-format '", text, "': use none, sse or ndjson"));
}

absl::StatusOr<StreamDoneMatcher> StreamDoneMatcher::Parse(absl::string_view text) {
  const size_t eq = text.find('=');
  absl::StatusOr<JsonPath> path = JsonPath::Parse(text.substr(0, eq), "--stream-done");
  if (!path.ok()) return path.status();
  StreamDoneMatcher matcher(*std::move(path));
  if (eq != absl::string_view::npos) {
    absl::string_view value = text.substr(eq + 1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      matcher.string_only_ = true;
      value = value.substr(1, value.size() - 2);
    }
    matcher.value_ = std::string(value);
  }
  return matcher;
}

bool StreamDoneMatcher::Matches(const element& root) const {
  element e;
  if (!path_.Find(root, &e)) return false;
  std::string_view s;
  const bool is_string = e.get_string().get(s) == SUCCESS;
  if (!value_) {
    if (is_string) return !s.empty();
    bool b = false;
    if (e.get_bool().get(b) == SUCCESS) return b;
    return !e.is_null();
  }
  if (is_string) return ToAbsl(s) == *value_;
  if (string_only_) return false;
  bool b = false;
  if (e.get_bool().get(b) == SUCCESS) return *value_ == (b ? "true" : "false");
  if (e.is_null()) return *value_ == "null";
  int64_t i = 0;
  int64_t want_i = 0;
  if (e.get_int64().get(i) == SUCCESS) return absl::SimpleAtoi(*value_, &want_i) && i == want_i;
  double d = 0;
  double want_d = 0;
  if (e.get_double().get(d) == SUCCESS) return absl::SimpleAtod(*value_, &want_d) && d == want_d;
  return false;  // an object or array
}

bool IsNdjsonContentType(absl::string_view content_type) {
  absl::string_view media = content_type.substr(0, content_type.find(';'));
  media = absl::StripAsciiWhitespace(media);
  for (size_t i = 0; i + 4 <= media.size(); ++i) {
    if (absl::EqualsIgnoreCase(media.substr(i, 4), "json")) return true;
  }
  return absl::EqualsIgnoreCase(media, "text/plain");
}

HttpJsonDecoder::HttpJsonDecoder(std::shared_ptr<const HttpJsonResponseSpec> spec,
                                 int64_t max_bytes)
    : spec_(std::move(spec)),
      framing_(spec_->format != StreamFormat::kNone, max_bytes),
      lines_(static_cast<size_t>(max_bytes)) {}

bool HttpJsonDecoder::AcceptsContentType(absl::string_view content_type) const {
  return spec_->format == StreamFormat::kSse ? framing_.AcceptsContentType(content_type)
                                             : IsNdjsonContentType(content_type);
}

void HttpJsonDecoder::Reset() {
  framing_.Reset();
  lines_.Reset();
  done_ = malformed_ = api_error_ = usage_invalid_ = false;
  error_message_.clear();
  usage_.reset();
  json_.Release();
}

bool HttpJsonDecoder::ReadError(const element& root, absl::string_view raw) {
  simdjson::dom::object object;
  element error;
  if (root.get_object().get(object) != SUCCESS || object.at_key("error").get(error) != SUCCESS) {
    return false;
  }
  std::string_view s;
  bool b = true;
  if (error.is_null() || (error.get_bool().get(b) == SUCCESS && !b) ||
      (error.get_string().get(s) == SUCCESS && s.empty())) {
    return false;
  }
  if (!api_error_) error_message_ = errors_.DecodeErrorBody(raw).message;  // keep the first
  api_error_ = true;
  return true;
}

void HttpJsonDecoder::ReadTokens(const element& root) {
  auto read = [&](const std::optional<JsonPath>& path, int64_t* out) {
    element e;
    if (!path || !path->Find(root, &e) || e.is_null()) return false;
    if (e.get_int64().get(*out) != SUCCESS) {
      usage_invalid_ = true;
      return false;
    }
    return true;
  };
  TokenUsage usage;
  const bool input = read(spec_->input_tokens, &usage.prompt_tokens);
  if (!read(spec_->output_tokens, &usage.completion_tokens)) return;
  if (!input && usage_) usage.prompt_tokens = usage_->prompt_tokens;  // from an earlier event
  usage_ = usage;
}

void HttpJsonDecoder::OnEvent(absl::string_view data, ContentCallback on_content) {
  if (spec_->format == StreamFormat::kSse && absl::StripAsciiWhitespace(data) == "[DONE]") {
    done_ = true;
    return;
  }
  if (!data.empty() && data.front() == '\x1e') data.remove_prefix(1);  // application/json-seq
  element root;
  if (!json_.Parse(data, &root)) {
    malformed_ = true;
    return;
  }
  if (ReadError(root, data)) return;
  element text;
  std::string_view s;
  if (spec_->chunk_text && spec_->chunk_text->Find(root, &text) &&
      text.get_string().get(s) == SUCCESS && !s.empty()) {
    on_content(ContentChunk{ToAbsl(s)});
  }
  ReadTokens(root);
  if (spec_->done && spec_->done->Matches(root)) done_ = true;
}

bool HttpJsonDecoder::Feed(absl::string_view bytes, ContentCallback on_content) {
  if (spec_->format == StreamFormat::kNdjson) {
    return lines_.Feed(bytes, [&](absl::string_view line) { OnEvent(line, on_content); });
  }
  return framing_.Feed(bytes, [&](absl::string_view /*event_type*/, absl::string_view data) {
    OnEvent(data, on_content);
  });
}

ResponseFacts HttpJsonDecoder::Finish() {
  ResponseFacts facts;
  facts.framing = spec_->format == StreamFormat::kNdjson ? lines_.Finish() : framing_.Finish();
  if (framing_.is_body()) {
    if (facts.framing == FramingEnd::kTooLarge) return facts;
    facts.complete = true;
    const absl::string_view body = framing_.body();
    element root;
    if (!json_.Parse(body, &root)) {
      facts.malformed = true;
      return facts;
    }
    element text;
    const bool has_text = spec_->text && spec_->text->Find(root, &text) && text.is_string();
    if (!has_text && ReadError(root, body)) {
      facts.api_error = true;
      facts.error_message = std::move(error_message_);
      return facts;
    }
    // The text path names what a good answer holds: without it the answer is something else.
    if (spec_->text && !has_text) {
      facts.malformed = true;
      return facts;
    }
    ReadTokens(root);
    facts.usage = usage_;
    facts.usage_invalid = usage_invalid_;
    return facts;
  }
  facts.complete = done_ || (!spec_->done && facts.framing == FramingEnd::kClean);
  facts.api_error = api_error_;
  if (api_error_) facts.error_message = std::move(error_message_);
  facts.malformed = malformed_;
  facts.usage = usage_;
  facts.usage_invalid = usage_invalid_;
  return facts;
}

ApiError HttpJsonDecoder::DecodeErrorBody(absl::string_view body) {
  return errors_.DecodeErrorBody(body);
}

}  // namespace llmload
