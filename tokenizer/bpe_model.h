// BpeModel: a tokenizer.json "model" of type BPE, turning one piece of pre-tokenized text
// into token ids. Merges are applied lowest rank first, leftmost first among equal ranks (the
// order of the Rust and JavaScript libraries), with a heap, so a piece of any length (a
// SentencePiece model splits nothing: the whole prompt is one piece) costs O(n log n).
// Byte-level models (GPT-2 style) run on the piece's bytes; SentencePiece-style models run on
// its characters, and a character the vocabulary lacks becomes its bytes' <0xXX> tokens
// (byte_fallback) or the unknown token.
#ifndef LLMLOAD_TOKENIZER_BPE_MODEL_H_
#define LLMLOAD_TOKENIZER_BPE_MODEL_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "simdjson.h"

namespace llmload::tokenizer {

class BpeModel {
 public:
  // What one thread's encodings reuse from piece to piece: buffers, and the ids of the
  // pieces it has seen (Scratch::cache).
  struct Scratch;

  // From the file's "model" object; `byte_level` says its vocabulary is written in the
  // byte-level alphabet (the pre-tokenizer has a ByteLevel step).
  static absl::StatusOr<BpeModel> FromJson(simdjson::dom::element json, bool byte_level,
                                           absl::string_view where);

  // Appends the ids of `piece` (well-formed UTF-8, non-empty).
  void Encode(absl::string_view piece, Scratch* scratch, std::vector<int32_t>* ids) const;

  // The id of a vocabulary entry given as the text (bytes) it stands for.
  std::optional<int32_t> TokenId(absl::string_view token) const;
  size_t vocab_size() const { return vocab_.size(); }

 private:
  struct Merge {
    int32_t rank;
    int32_t id;  // the merged token
  };
  static uint64_t PairKey(int32_t left, int32_t right) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) |
           static_cast<uint32_t>(right);
  }
  absl::Status LoadVocab(simdjson::dom::object vocab, absl::string_view where);
  absl::Status LoadMerges(simdjson::dom::array merges, absl::string_view where);
  // The initial symbols of `piece`: bytes or characters, the unknown ones resolved.
  void InitialSymbols(absl::string_view piece, Scratch* scratch) const;
  void ApplyMerges(Scratch* scratch) const;
  // BPE on one stretch of a piece: its symbols, merged, appended to *ids.
  void EncodeStretch(absl::string_view stretch, Scratch* scratch, std::vector<int32_t>* ids) const;

  bool byte_level_ = false;
  bool byte_fallback_ = false;
  bool fuse_unk_ = false;
  bool ignore_merges_ = false;
  int32_t unk_id_ = -1;
  // Keys are the bytes each token stands for (byte-level entries decoded).
  absl::flat_hash_map<std::string, int32_t> vocab_;
  absl::flat_hash_map<uint64_t, Merge> merges_;
  // Byte-level: the token of each single byte. SentencePiece: the <0xXX> token of each byte.
  std::array<int32_t, 256> byte_ids_;
  // SentencePiece: the token of each ASCII character, to spare a hash lookup.
  std::array<int32_t, 128> ascii_ids_;
  // SentencePiece: every pair of code points that stand side by side in some vocabulary
  // entry ((first << 32) | second). Between two neighbours that are not such a pair no merge
  // can ever happen (every merge makes a vocabulary entry), so a long piece is cut there and
  // each stretch merged on its own, which gives the same tokens with small heaps: a
  // SentencePiece model does not pre-tokenize, and a whole prompt is one piece.
  absl::flat_hash_set<uint64_t> adjacent_pairs_;
  bool cut_at_unpaired_ = false;
};

struct BpeModel::Scratch {
  struct Symbol {
    int32_t id;     // -1: unknown, and no unknown token to stand for it (dropped)
    uint32_t size;  // bytes of the piece it covers; 0 once merged into its left neighbour
    int32_t prev;
    int32_t next;
    bool unknown;  // it is the unknown token (fuse_unk joins neighbouring ones)
  };
  std::vector<Symbol> symbols;
  std::vector<uint64_t> heap;  // merge candidates (bpe_model.cc)
  // The ids of short pieces already encoded: text repeats its words, and a hit skips the
  // merges. Bounded: emptied when it reaches kCacheEntries.
  static constexpr size_t kCacheEntries = 1 << 15;
  static constexpr size_t kMaxCachedPiece = 64;  // bytes
  absl::flat_hash_map<std::string, std::vector<int32_t>> cache;
};

}  // namespace llmload::tokenizer

#endif  // LLMLOAD_TOKENIZER_BPE_MODEL_H_
