// RequestTemplate: a request text with placeholders, filled once per prompt: the body of a
// custom endpoint (--request-template), a --param value, a --header value or the --url. It is
// the request half of the custom-endpoint adapter (http_json_adapter.h) and knows nothing of
// HTTP, so a message-queue adapter can fill its messages with it too.
//
// Placeholders: {{prompt}}, {{model}}, {{max_tokens}}, {{temperature}}, {{messages}} (the JSON
// array [{"role":"user","content":<prompt>}]), spaces inside the braces allowed, and the
// seed's %p (prompt) and %m (model). Any other {{name}} is refused, so a typo is caught.
//
// In JSON syntax a placeholder inside a JSON string is replaced by its text escaped for that
// string ("content": "{{prompt}}"); outside a string by a JSON value ("max_tokens":
// {{max_tokens}} gives a number, "messages": {{messages}} an array, {{prompt}} a quoted string).
// An unset {{max_tokens}} or {{temperature}} is null outside a string and empty inside one.
// In text syntax (headers) values are inserted as they are; in URL syntax percent-encoded.
#ifndef LLMLOAD_API_REQUEST_TEMPLATE_H_
#define LLMLOAD_API_REQUEST_TEMPLATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace llmload {

enum class Placeholder : uint8_t { kPrompt, kModel, kMaxTokens, kTemperature, kMessages };

enum class TemplateSyntax : uint8_t {
  kJson,  // a JSON text: values escaped inside strings, JSON values outside
  kText,  // raw text (an HTTP header value)
  kUrl,   // a URL: values percent-encoded (RFC 3986)
};

// What the placeholders of one request stand for.
struct TemplateValues {
  absl::string_view prompt;
  absl::string_view model;
  std::optional<int64_t> max_tokens;
  std::optional<double> temperature;
};

class RequestTemplate {
 public:
  // Finds the placeholders of `text`. Errors name `flag` ("--request-template").
  static absl::StatusOr<RequestTemplate> Parse(absl::string_view text, TemplateSyntax syntax,
                                               absl::string_view flag);
  // A --param value (`json`, as ParseExtraParam made it): JSON syntax, and a value that is
  // exactly one placeholder ("{{max_tokens}}") is replaced by its JSON value, so
  // --param max_new_tokens={{max_tokens}} sends a number.
  static absl::StatusOr<RequestTemplate> ParseParamValue(absl::string_view json,
                                                         absl::string_view flag);

  std::string Render(const TemplateValues& values) const;

  bool Uses(Placeholder placeholder) const;
  bool has_placeholders() const { return !pieces_.empty(); }

 private:
  struct Piece {
    std::string literal;  // text before the placeholder
    Placeholder placeholder;
    bool in_string = false;  // JSON syntax: the placeholder sits inside a JSON string
  };
  TemplateSyntax syntax_ = TemplateSyntax::kText;
  std::vector<Piece> pieces_;
  std::string tail_;  // text after the last placeholder
};

// `text` as a JSON string literal, quotes included; invalid UTF-8 becomes U+FFFD.
std::string QuoteJsonString(absl::string_view text);

}  // namespace llmload

#endif  // LLMLOAD_API_REQUEST_TEMPLATE_H_
