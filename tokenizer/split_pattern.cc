#include "tokenizer/split_pattern.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/utf8.h"
#include "tokenizer/json_fields.h"

namespace llmload::tokenizer {
namespace {

// Unicode White_Space, as members of an RE2 character class.
constexpr absl::string_view kWhiteSpaceMembers =
    "\\t\\n\\x{0B}\\f\\r \\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}"
    "\\x{205F}\\x{3000}";

// The look-ahead idiom of the GPT-2 family's split patterns, always their last alternatives.
constexpr absl::string_view kSpaceRunIdiom = "|\\s+(?!\\S)|\\s+";

absl::Status Unsupported(absl::string_view what, absl::string_view pattern) {
  return absl::InvalidArgumentError(absl::StrCat(
      "split regex uses ", what, ", which llmload's regex engine (RE2) cannot run: ", pattern));
}

RE2::Options Re2Options() {
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingUTF8);
  options.set_log_errors(false);
  options.set_max_mem(64 << 20);
  return options;
}

absl::StatusOr<std::shared_ptr<const RE2>> Compile(const std::string& re2_pattern,
                                                   absl::string_view original) {
  auto regex = std::make_shared<const RE2>(re2_pattern, Re2Options());
  if (!regex->ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("split regex ", original, " does not compile: ", regex->error()));
  }
  return regex;
}

// Start of the last code point of s (non-empty, valid UTF-8).
size_t LastCodePointStart(absl::string_view s) {
  size_t i = s.size() - 1;
  while (i > 0 && (static_cast<uint8_t>(s[i]) & 0xC0) == 0x80) --i;
  return i;
}

}  // namespace

bool IsUnicodeWhiteSpace(uint32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

absl::StatusOr<std::string> OnigurumaToRe2(absl::string_view pattern) {
  std::string out;
  out.reserve(pattern.size() * 2);
  // The groups open at this point; true for a (?i:...) group.
  std::vector<bool> groups;
  int case_folding = 0;  // how many of the open groups are (?i:...)
  bool in_class = false;
  size_t class_start = 0;  // index in `pattern` just after the class's '[' (and '^')
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      if (i + 1 == pattern.size()) return Unsupported("a trailing backslash", pattern);
      const char e = pattern[++i];
      switch (e) {
        case 's':
          absl::StrAppend(&out, in_class ? "" : "[", kWhiteSpaceMembers, in_class ? "" : "]");
          continue;
        case 'S':
          if (in_class) return Unsupported("\\S inside a character class", pattern);
          absl::StrAppend(&out, "[^", kWhiteSpaceMembers, "]");
          continue;
        case 'd':
          out += "\\p{Nd}";
          continue;
        case 'D':
          if (in_class) return Unsupported("\\D inside a character class", pattern);
          out += "\\P{Nd}";
          continue;
        case 'u': {
          if (i + 4 >= pattern.size()) {
            return Unsupported("a \\u escape without four hex digits", pattern);
          }
          const absl::string_view hex = pattern.substr(i + 1, 4);
          for (char h : hex) {
            if (!absl::ascii_isxdigit(static_cast<unsigned char>(h))) {
              return Unsupported("a \\u escape without four hex digits", pattern);
            }
          }
          absl::StrAppend(&out, "\\x{", hex, "}");
          i += 4;
          continue;
        }
        case 'w':
        case 'W':
        case 'b':
        case 'B':
        case 'h':
        case 'H':
        case 'Z':
        case 'G':
        case 'K':
        case 'R':
        case 'X':
          return Unsupported(absl::StrCat("\\", std::string(1, e)), pattern);
        default:
          if (absl::ascii_isdigit(static_cast<unsigned char>(e)) && e != '0') {
            return Unsupported("a back-reference", pattern);
          }
          out += '\\';
          out += e;
          continue;
      }
    }
    if (in_class) {
      if (c == ']' && i > class_start) {
        in_class = false;
      } else if (c == '[') {
        return Unsupported(
            pattern.substr(i, 2) == "[:" ? "a POSIX bracket class" : "a nested character class",
            pattern);
      } else if (c == '&' && i + 1 < pattern.size() && pattern[i + 1] == '&') {
        return Unsupported("a character-class intersection (&&)", pattern);
      } else if (case_folding > 0 && absl::ascii_isalpha(static_cast<unsigned char>(c))) {
        return Unsupported("a character class with letters inside (?i:...)", pattern);
      }
      out += c;
      continue;
    }
    switch (c) {
      case '[':
        in_class = true;
        out += c;
        class_start = i + 1;
        if (class_start < pattern.size() && pattern[class_start] == '^') {
          out += '^';
          ++i;
          ++class_start;
        }
        continue;
      case '(':
        if (absl::StartsWith(pattern.substr(i), "(?i:")) {
          groups.push_back(true);
          ++case_folding;
          out += "(?:";
          i += 3;
        } else if (absl::StartsWith(pattern.substr(i), "(?:")) {
          groups.push_back(false);
          out += "(?:";
          i += 2;
        } else if (absl::StartsWith(pattern.substr(i), "(?")) {
          const absl::string_view head = pattern.substr(i, 4);
          if (absl::StartsWith(head, "(?=") || absl::StartsWith(head, "(?!") ||
              absl::StartsWith(head, "(?<=") || absl::StartsWith(head, "(?<!")) {
            return Unsupported(absl::StrCat("the look-around ", head), pattern);
          }
          return Unsupported(absl::StrCat("the group ", head), pattern);
        } else {
          groups.push_back(false);  // captures are not needed: a plain group
          out += "(?:";
        }
        continue;
      case ')':
        if (groups.empty()) return Unsupported("an unbalanced ')'", pattern);
        if (groups.back()) --case_folding;
        groups.pop_back();
        out += ')';
        continue;
      default:
        if (case_folding > 0 && absl::ascii_isalpha(static_cast<unsigned char>(c))) {
          const char lower = absl::ascii_tolower(static_cast<unsigned char>(c));
          const char upper = absl::ascii_toupper(static_cast<unsigned char>(c));
          absl::StrAppend(&out, "[", std::string(1, lower), std::string(1, upper), "]");
        } else {
          out += c;
        }
    }
  }
  if (in_class) return Unsupported("an unterminated character class", pattern);
  if (!groups.empty()) return Unsupported("an unterminated group", pattern);
  return out;
}

absl::StatusOr<SplitPattern> SplitPattern::FromRegex(absl::string_view oniguruma) {
  absl::string_view main = oniguruma;
  std::shared_ptr<const RE2> before_space_run;
  if (absl::EndsWith(oniguruma, kSpaceRunIdiom) && oniguruma.size() > kSpaceRunIdiom.size()) {
    const absl::string_view before = oniguruma.substr(0, oniguruma.size() - kSpaceRunIdiom.size());
    absl::StatusOr<std::string> translated = OnigurumaToRe2(before);
    if (!translated.ok()) return translated.status();
    absl::StatusOr<std::shared_ptr<const RE2>> compiled = Compile(*translated, oniguruma);
    if (!compiled.ok()) return compiled.status();
    before_space_run = *std::move(compiled);
    // What remains is `before|\s+`: the fallback alternative matches the whole run.
    std::string rest = absl::StrCat(*translated, "|[", kWhiteSpaceMembers, "]+");
    absl::StatusOr<std::shared_ptr<const RE2>> regex = Compile(rest, oniguruma);
    if (!regex.ok()) return regex.status();
    return SplitPattern(*std::move(regex), std::move(before_space_run));
  }
  absl::StatusOr<std::string> translated = OnigurumaToRe2(main);
  if (!translated.ok()) return translated.status();
  absl::StatusOr<std::shared_ptr<const RE2>> regex = Compile(*translated, oniguruma);
  if (!regex.ok()) return regex.status();
  return SplitPattern(*std::move(regex), nullptr);
}

absl::StatusOr<SplitPattern> SplitPattern::FromLiteral(absl::string_view literal) {
  if (literal.empty()) return absl::InvalidArgumentError("split pattern is an empty string");
  return SplitPattern(std::string(literal));
}

absl::StatusOr<SplitPattern> PatternField(simdjson::dom::element pattern) {
  std::string_view text;
  if (pattern["String"].get(text) == simdjson::SUCCESS)
    return SplitPattern::FromLiteral(AsView(text));
  if (pattern["Regex"].get(text) == simdjson::SUCCESS) return SplitPattern::FromRegex(AsView(text));
  return absl::InvalidArgumentError("field 'pattern' has neither 'String' nor 'Regex'");
}

bool SplitPattern::NextMatch(absl::string_view text, size_t pos, Span* match) const {
  const re2::StringPiece whole(text.data(), text.size());
  re2::StringPiece found;
  // Where the pieces are contiguous, which is nearly always, an anchored match is cheaper
  // than a search; it finds the same match, since a match that starts at `pos` is leftmost.
  if (!regex_->Match(whole, pos, text.size(), RE2::ANCHOR_START, &found, 1) &&
      !regex_->Match(whole, pos, text.size(), RE2::UNANCHORED, &found, 1)) {
    return false;
  }
  match->begin = static_cast<size_t>(found.data() - text.data());
  match->end = match->begin + found.size();
  if (before_space_run_ != nullptr && match->end > match->begin && match->end < text.size()) {
    // `\s+(?!\S)` matches a run of n > 1 white space characters followed by a non-space as
    // its first n - 1 (the last one then goes with the next piece: " world"), and `\s+` takes
    // a lone one. The run came from those two only if the alternatives before them do not
    // match here (they may match white space too: `\s*[\r\n]+`).
    const absl::string_view run = text.substr(match->begin, match->end - match->begin);
    if (Utf8PrefixLength(run, IsUnicodeWhiteSpace) == run.size() && LastCodePointStart(run) > 0 &&
        !before_space_run_->Match(whole, match->begin, text.size(), RE2::ANCHOR_START, nullptr,
                                  0)) {
      match->end = match->begin + LastCodePointStart(run);
    }
  }
  return true;
}

size_t SplitPattern::AfterCodePoint(absl::string_view text, size_t pos) {
  uint32_t cp;
  const size_t n = Utf8SequenceAt(text, pos, &cp);
  return pos + (n == 0 ? 1 : n);
}

}  // namespace llmload::tokenizer
