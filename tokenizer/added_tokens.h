// AddedTokens: the tokenizer.json "added_tokens" (special tokens such as <|im_start|>, and
// extra words), found in text before anything else runs, as the reference library does: the
// leftmost match wins, the longest one where several start at the same place. Those marked
// "normalized" are looked for in the normalized text, the others in the raw text.
#ifndef LLMLOAD_TOKENIZER_ADDED_TOKENS_H_
#define LLMLOAD_TOKENIZER_ADDED_TOKENS_H_

#include <bitset>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace llmload::tokenizer {

class AddedTokens {
 public:
  // One part of a text: an added token (id >= 0), or text between them (id -1).
  struct Section {
    absl::string_view text;
    int32_t id;
  };

  // Adds a token; `lstrip`/`rstrip` make it swallow the white space before/after it.
  void Add(absl::string_view content, int32_t id, bool lstrip, bool rstrip);
  bool empty() const { return nodes_.size() == 1; }

  // Replaces *sections with the parts of `text`, in order; no part is empty.
  void Split(absl::string_view text, std::vector<Section>* sections) const;

 private:
  struct Node {
    int32_t token = -1;  // index into tokens_ of the token ending here
    std::vector<std::pair<uint8_t, int32_t>> children;
  };
  struct Token {
    int32_t id;
    uint32_t size;
    bool lstrip;
    bool rstrip;
  };
  // The token longest-matching at text[pos], or -1.
  int32_t LongestAt(absl::string_view text, size_t pos) const;

  std::vector<Node> nodes_ = std::vector<Node>(1);  // nodes_[0] is the root
  std::vector<Token> tokens_;
  std::bitset<256> first_bytes_;
};

}  // namespace llmload::tokenizer

#endif  // LLMLOAD_TOKENIZER_ADDED_TOKENS_H_
