#include "api/request_template.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "api/uri_encode.h"
#include "nlohmann/json.hpp"

namespace llmload {
namespace {

constexpr struct {
  absl::string_view name;
  Placeholder placeholder;
} kNames[] = {
    {"prompt", Placeholder::kPrompt},        {"model", Placeholder::kModel},
    {"max_tokens", Placeholder::kMaxTokens}, {"temperature", Placeholder::kTemperature},
    {"messages", Placeholder::kMessages},
};

bool IsNameChar(char c) { return absl::ascii_isalnum(c) || c == '_'; }

// At text[i] == '{' and text[i+1] == '{': a placeholder "{{ name }}" of `*length` bytes, its
// name in `*name`. False when it is not one (then the braces are literal text).
bool MatchBraces(absl::string_view text, size_t i, size_t* length, absl::string_view* name) {
  size_t j = i + 2;
  while (j < text.size() && text[j] == ' ') ++j;
  const size_t start = j;
  while (j < text.size() && IsNameChar(text[j])) ++j;
  if (j == start) return false;
  *name = text.substr(start, j - start);
  while (j < text.size() && text[j] == ' ') ++j;
  if (j + 1 >= text.size() || text[j] != '}' || text[j + 1] != '}') return false;
  *length = j + 2 - i;
  return true;
}

std::string MessagesJson(absl::string_view prompt) {
  return absl::StrCat("[{\"role\":\"user\",\"content\":", QuoteJsonString(prompt), "}]");
}

std::string NumberJson(double v) { return nlohmann::json(v).dump(); }

// The value as plain text (inside a JSON string, a header, a URL).
std::string RawValue(Placeholder p, const TemplateValues& v) {
  switch (p) {
    case Placeholder::kPrompt:
      return std::string(v.prompt);
    case Placeholder::kModel:
      return std::string(v.model);
    case Placeholder::kMaxTokens:
      return v.max_tokens ? absl::StrCat(*v.max_tokens) : std::string();
    case Placeholder::kTemperature:
      return v.temperature ? NumberJson(*v.temperature) : std::string();
    case Placeholder::kMessages:
      return MessagesJson(v.prompt);
  }
  return std::string();
}

// The value as a JSON value (outside a string in a JSON template).
std::string JsonValue(Placeholder p, const TemplateValues& v) {
  switch (p) {
    case Placeholder::kPrompt:
      return QuoteJsonString(v.prompt);
    case Placeholder::kModel:
      return QuoteJsonString(v.model);
    case Placeholder::kMaxTokens:
      return v.max_tokens ? absl::StrCat(*v.max_tokens) : "null";
    case Placeholder::kTemperature:
      return v.temperature ? NumberJson(*v.temperature) : "null";
    case Placeholder::kMessages:
      return MessagesJson(v.prompt);
  }
  return "null";
}

}  // namespace

std::string QuoteJsonString(absl::string_view text) {
  return nlohmann::json(std::string(text))
      .dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace);
}

absl::StatusOr<RequestTemplate> RequestTemplate::Parse(absl::string_view text,
                                                       TemplateSyntax syntax,
                                                       absl::string_view flag) {
  RequestTemplate t;
  t.syntax_ = syntax;
  std::string literal;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    std::optional<Placeholder> found;
    size_t length = 0;
    absl::string_view name;
    if (c == '{' && i + 1 < text.size() && text[i + 1] == '{' &&
        MatchBraces(text, i, &length, &name)) {
      for (const auto& n : kNames) {
        if (n.name == name) found = n.placeholder;
      }
      if (!found) {
        return absl::InvalidArgumentError(absl::StrCat(
            flag, ": unknown placeholder {{", absl::CEscape(name),
            "}} (use {{prompt}}, {{model}}, {{max_tokens}}, {{temperature}}, {{messages}}, %p "
            "or %m)"));
      }
    } else if (c == '%' && i + 1 < text.size() && (text[i + 1] == 'p' || text[i + 1] == 'm')) {
      found = text[i + 1] == 'p' ? Placeholder::kPrompt : Placeholder::kModel;
      length = 2;
    }
    if (found) {
      t.pieces_.push_back(Piece{std::move(literal), *found, in_string});
      literal.clear();
      i += length - 1;
      continue;
    }
    literal.push_back(c);
    if (syntax != TemplateSyntax::kJson) continue;
    if (in_string && c == '\\' && i + 1 < text.size()) {
      literal.push_back(text[++i]);  // an escaped character (\" does not end the string)
    } else if (c == '"') {
      in_string = !in_string;
    }
  }
  t.tail_ = std::move(literal);
  return t;
}

absl::StatusOr<RequestTemplate> RequestTemplate::ParseParamValue(absl::string_view json,
                                                                 absl::string_view flag) {
  absl::StatusOr<RequestTemplate> t = Parse(json, TemplateSyntax::kJson, flag);
  if (!t.ok()) return t;
  // Exactly "\"" + one placeholder + "\"": the placeholder's JSON value instead of a string.
  if (t->pieces_.size() == 1 && t->pieces_[0].literal == "\"" && t->tail_ == "\"") {
    t->pieces_[0].literal.clear();
    t->pieces_[0].in_string = false;
    t->tail_.clear();
  }
  return t;
}

std::string RequestTemplate::Render(const TemplateValues& values) const {
  std::string out;
  for (const Piece& piece : pieces_) {
    out.append(piece.literal);
    switch (syntax_) {
      case TemplateSyntax::kJson:
        if (piece.in_string) {
          const std::string quoted = QuoteJsonString(RawValue(piece.placeholder, values));
          out.append(quoted, 1, quoted.size() - 2);
        } else {
          out.append(JsonValue(piece.placeholder, values));
        }
        break;
      case TemplateSyntax::kText:
        out.append(RawValue(piece.placeholder, values));
        break;
      case TemplateSyntax::kUrl:
        out.append(UriEncode(RawValue(piece.placeholder, values)));
        break;
    }
  }
  out.append(tail_);
  return out;
}

bool RequestTemplate::Uses(Placeholder placeholder) const {
  for (const Piece& piece : pieces_) {
    if (piece.placeholder == placeholder) return true;
  }
  return false;
}

}  // namespace llmload
