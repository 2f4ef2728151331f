#include "common/synthetic_prompt.h"

#include <cstddef>
#include <iterator>

#include "absl/strings/string_view.h"
#include "common/splitmix64.h"

namespace llmload {
namespace {

// Each word is one token, with or without a space before it, and a text of them is exactly as
// many tokens as words, for GPT-2's (r50k_base), cl100k_base, o200k_base, Llama 3's and Llama 2's
// (SentencePiece) tokenizers: tests/integration/synthetic_prompt_tokens_test.cc has their npm
// reference implementations count. Changing the list changes every synthetic prompt: keep it.
constexpr absl::string_view kWords[] = {
    "the",     "of",       "and",     "to",         "in",     "is",    "that",     "for",
    "it",      "as",       "was",     "with",       "be",     "by",    "on",       "not",
    "he",      "this",     "are",     "or",         "his",    "from",  "at",       "which",
    "but",     "have",     "an",      "they",       "you",    "were",  "one",      "all",
    "we",      "her",      "she",     "there",      "their",  "has",   "been",     "if",
    "more",    "when",     "will",    "would",      "who",    "so",    "no",       "out",
    "up",      "into",     "do",      "any",        "time",   "them",  "some",     "could",
    "new",     "about",    "two",     "may",        "then",   "first", "also",     "other",
    "than",    "its",      "only",    "like",       "over",   "such",  "our",      "what",
    "these",   "years",    "most",    "year",       "after",  "can",   "made",     "many",
    "people",  "way",      "day",     "well",       "back",   "even",  "much",     "good",
    "because", "where",    "those",   "through",    "own",    "water", "long",     "very",
    "just",    "make",     "work",    "life",       "under",  "still", "world",    "last",
    "being",   "both",     "part",    "place",      "never",  "here",  "great",    "small",
    "another", "high",     "between", "same",       "while",  "city",  "state",    "house",
    "old",     "might",    "down",    "right",      "each",   "three", "end",      "few",
    "man",     "men",      "off",     "around",     "every",  "found", "school",   "group",
    "again",   "war",      "town",    "number",     "system", "case",  "point",    "since",
    "home",    "order",    "without", "early",      "family", "large", "name",     "local",
    "how",     "national", "set",     "left",       "public", "later", "power",    "often",
    "did",     "children", "side",    "government", "along",  "four",  "five",     "night",
    "body",    "head",     "area",    "money",      "hand",   "story", "fact",     "month",
    "lot",     "study",    "book",    "eye",        "job",    "word",  "business", "issue",
    "kind",    "age",      "game",    "line",       "food",   "light", "room",     "air",
    "land",    "question", "form",    "music",      "party",  "field", "tree",     "road",
};
constexpr uint32_t kWordCount = std::size(kWords);
static_assert(kWordCount == 200, "the salt's base-200 spelling assumes 200 words");

// How many words spell a 64-bit salt in base 200 (200^9 > 2^64).
constexpr int kSaltWords = 9;
// Digit k of the salt picks word (digit + k * kDigitStride) % 200, so that small salts, whose
// high digits are 0, do not start with a run of the same word.
constexpr uint32_t kDigitStride = 67;
// Keep the hash-id and salt generators apart when a hash id and a salt have the same value.
constexpr uint64_t kBlockSeedTag = 0x686173685f696473ULL;  // "hash_ids"
constexpr uint64_t kSaltSeedTag = 0x73616c745f776f72ULL;   // "salt_wor"

// Appends words to a prompt until it has its `tokens`.
class WordWriter {
 public:
  WordWriter(std::string& text, int64_t tokens) : text_(text), left_(tokens) {
    text_.reserve(static_cast<size_t>(tokens) * 6);  // the words average under 5 letters
  }
  bool full() const { return left_ <= 0; }
  void Append(uint32_t word) {
    if (!text_.empty()) text_.push_back(' ');
    text_.append(kWords[word].data(), kWords[word].size());
    --left_;
  }

 private:
  std::string& text_;
  int64_t left_;
};

}  // namespace

std::string SyntheticPrompt(int64_t tokens, absl::Span<const int64_t> hash_ids,
                            int64_t block_tokens, uint64_t salt) {
  std::string text;
  if (tokens <= 0) return text;
  WordWriter writer(text, tokens);
  if (block_tokens > 0) {
    for (const int64_t hash_id : hash_ids) {
      SplitMix64Generator block(SplitMix64(static_cast<uint64_t>(hash_id) ^ kBlockSeedTag));
      for (int64_t k = 0; k < block_tokens && !writer.full(); ++k) {
        writer.Append(block.Below(kWordCount));
      }
      if (writer.full()) return text;
    }
  }
  uint64_t digits = salt;
  for (int k = 0; k < kSaltWords && !writer.full(); ++k) {
    writer.Append(static_cast<uint32_t>((digits % kWordCount + k * kDigitStride) % kWordCount));
    digits /= kWordCount;
  }
  SplitMix64Generator rest(SplitMix64(salt ^ kSaltSeedTag));
  while (!writer.full()) writer.Append(rest.Below(kWordCount));
  return text;
}

}  // namespace llmload
