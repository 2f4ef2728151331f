// The mock's token text: a small built-in vocabulary of words, each emitted with a leading
// space as one token. A few entries contain characters JSON must escape (quotes, a backslash,
// a tab, non-ASCII) so that clients' escaping paths are exercised on every long response.
#ifndef LLMLOAD_MOCK_TOKEN_VOCABULARY_H_
#define LLMLOAD_MOCK_TOKEN_VOCABULARY_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace llmload::mock {

class TokenVocabulary {
 public:
  // The process-wide, immutable vocabulary (built once, then only read).
  static const TokenVocabulary& Get();

  size_t size() const;
  // Token i as sent to the client, decoded (e.g. ` "quoted"`).
  absl::string_view text(size_t i) const;
  // Token i already escaped for a JSON string, so the per-token path only copies bytes.
  absl::string_view escaped(size_t i) const;
  // The token a random draw picks.
  size_t Pick(uint64_t random) const { return random % size(); }

 private:
  TokenVocabulary();
  std::vector<std::string> text_;
  std::vector<std::string> escaped_;
};

}  // namespace llmload::mock

#endif  // LLMLOAD_MOCK_TOKEN_VOCABULARY_H_
