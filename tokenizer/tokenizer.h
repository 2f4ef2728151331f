// Tokenizer: a model's own tokenizer, loaded from its Hugging Face tokenizer.json
// (`--tokenizer PATH`, the file or a model directory holding one), counting tokens exactly as
// the model does: Byte-level BPE (GPT-2 style: Llama 3, Qwen 2/3, DeepSeek V3, GPT-OSS) and
// SentencePiece-style BPE with byte fallback (Llama 2, Mistral, Gemma), with their added and
// special tokens, normalizers and pre-tokenizers. A component it does not implement is
// refused with its name and place in the file, never guessed at.
//
// Encoding follows the reference library (Hugging Face's tokenizers, as its JavaScript port
// runs it): added tokens are cut out of the raw text first; each remaining section is
// normalized, cut at the added tokens marked "normalized", split by the pre-tokenizer, and
// each piece is encoded by BPE. Ill-formed UTF-8 is first repaired as a JavaScript
// TextDecoder repairs it. The special tokens a post-processor would add (a BOS) are not
// counted: the count is of the text itself. Thread-safe once loaded.
#ifndef LLMLOAD_TOKENIZER_TOKENIZER_H_
#define LLMLOAD_TOKENIZER_TOKENIZER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tokenizer/added_tokens.h"
#include "tokenizer/bpe_model.h"
#include "tokenizer/normalizer.h"
#include "tokenizer/pre_tokenizer.h"

namespace llmload::tokenizer {

class Tokenizer {
 public:
  // Loads `path`: a tokenizer.json, or a directory holding one. Errors name the file.
  static absl::StatusOr<std::unique_ptr<const Tokenizer>> Load(const std::string& path);
  // From the text of a tokenizer.json; `name` stands for it in errors.
  static absl::StatusOr<std::unique_ptr<const Tokenizer>> FromJson(absl::string_view json,
                                                                   absl::string_view name);

  // Encodes on one thread, reusing its buffers and its cache of encoded words from text to
  // text: keep one per thread (it refers to the Tokenizer, which must outlive it).
  class Encoder;

  // Appends the token ids of `text` to *ids (with a new Encoder: for one-off uses).
  void Encode(absl::string_view text, std::vector<int32_t>* ids) const;
  // The number of tokens of `text` (likewise).
  size_t CountTokens(absl::string_view text) const;

  // "byte-level BPE" or "SentencePiece BPE", and the vocabulary's size, for reports.
  std::string Describe() const;

 private:
  Tokenizer(Normalizer normalizer, PreTokenizer pre_tokenizer, BpeModel model)
      : normalizer_(std::move(normalizer)),
        pre_tokenizer_(std::move(pre_tokenizer)),
        model_(std::move(model)) {}
  Normalizer normalizer_;
  PreTokenizer pre_tokenizer_;
  BpeModel model_;
  AddedTokens raw_added_;         // matched in the text as given
  AddedTokens normalized_added_;  // matched in the normalized text
  size_t added_count_ = 0;
};

class Tokenizer::Encoder {
 public:
  explicit Encoder(const Tokenizer& tokenizer) : tokenizer_(tokenizer) {}

  // Appends the token ids of `text` to *ids.
  void Encode(absl::string_view text, std::vector<int32_t>* ids);
  // The number of tokens of `text`.
  size_t CountTokens(absl::string_view text);

 private:
  void EncodeSection(absl::string_view section, std::vector<int32_t>* ids);
  void EncodeNormalized(absl::string_view text, std::vector<int32_t>* ids);

  const Tokenizer& tokenizer_;
  std::vector<AddedTokens::Section> sections_;
  std::vector<AddedTokens::Section> parts_;
  std::string normalized_;
  std::string spare_;  // Normalizer::Apply's other buffer
  PreTokenizer::Scratch split_;
  std::vector<int32_t> count_ids_;
  BpeModel::Scratch scratch_;
};

}  // namespace llmload::tokenizer

#endif  // LLMLOAD_TOKENIZER_TOKENIZER_H_
