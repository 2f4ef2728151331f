#include "tokenizer/added_tokens.h"

#include "common/utf8.h"

namespace llmload::tokenizer {
namespace {

// What JavaScript's trimStart/trimEnd remove: Unicode Zs, tab, VT, FF, BOM and the line
// terminators (the reference library strips around lstrip/rstrip tokens with them).
bool IsTrimmedSpace(uint32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000 || c == 0xFEFF;
}

absl::string_view TrimStart(absl::string_view s) {
  return s.substr(Utf8PrefixLength(s, IsTrimmedSpace));
}

absl::string_view TrimEnd(absl::string_view s) {
  return s.substr(0, s.size() - Utf8SuffixLength(s, IsTrimmedSpace));
}

}  // namespace

void AddedTokens::Add(absl::string_view content, int32_t id, bool lstrip, bool rstrip) {
  if (content.empty()) return;
  int32_t node = 0;
  for (char ch : content) {
    const auto byte = static_cast<uint8_t>(ch);
    int32_t child = -1;
    for (const auto& [b, index] : nodes_[node].children) {
      if (b == byte) child = index;
    }
    if (child < 0) {
      child = static_cast<int32_t>(nodes_.size());
      nodes_[node].children.emplace_back(byte, child);
      nodes_.emplace_back();
    }
    node = child;
  }
  first_bytes_.set(static_cast<uint8_t>(content[0]));
  if (nodes_[node].token < 0) {
    nodes_[node].token = static_cast<int32_t>(tokens_.size());
    tokens_.push_back({id, static_cast<uint32_t>(content.size()), lstrip, rstrip});
  } else {
    tokens_[nodes_[node].token] = {id, static_cast<uint32_t>(content.size()), lstrip, rstrip};
  }
}

int32_t AddedTokens::LongestAt(absl::string_view text, size_t pos) const {
  int32_t node = 0;
  int32_t found = -1;
  for (size_t i = pos; i < text.size(); ++i) {
    const auto byte = static_cast<uint8_t>(text[i]);
    int32_t child = -1;
    for (const auto& [b, index] : nodes_[node].children) {
      if (b == byte) {
        child = index;
        break;
      }
    }
    if (child < 0) break;
    node = child;
    if (nodes_[node].token >= 0) found = nodes_[node].token;
  }
  return found;
}

void AddedTokens::Split(absl::string_view text, std::vector<Section>* sections) const {
  sections->clear();
  size_t start = 0;  // of the text not yet given out
  bool strip_next = false;
  const auto push_text = [&](absl::string_view part) {
    if (strip_next) part = TrimStart(part);
    strip_next = false;
    if (!part.empty()) sections->push_back({part, -1});
  };
  if (!empty()) {
    for (size_t i = 0; i < text.size();) {
      const int32_t t = first_bytes_.test(static_cast<uint8_t>(text[i])) ? LongestAt(text, i) : -1;
      if (t < 0) {
        ++i;
        continue;
      }
      const Token& token = tokens_[t];
      absl::string_view before = text.substr(start, i - start);
      if (token.lstrip) before = TrimEnd(before);
      push_text(before);
      sections->push_back({text.substr(i, token.size), token.id});
      strip_next = token.rstrip;
      i += token.size;
      start = i;
    }
  }
  push_text(text.substr(start));
}

}  // namespace llmload::tokenizer
