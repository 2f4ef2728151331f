#include "tokenizer/bpe_model.h"

#include <algorithm>
#include <functional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/utf8.h"
#include "tokenizer/byte_level_alphabet.h"
#include "tokenizer/json_fields.h"

namespace llmload::tokenizer {
namespace {

absl::StatusOr<std::string> OptionalString(simdjson::dom::element json, absl::string_view key,
                                           absl::string_view where) {
  simdjson::dom::element field;
  if (json[std::string_view(key.data(), key.size())].get(field) != simdjson::SUCCESS ||
      field.is_null()) {
    return std::string();
  }
  std::string_view value;
  if (field.get(value) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": field '", key, "' is not a string"));
  }
  return std::string(value);
}

}  // namespace

absl::Status BpeModel::LoadVocab(simdjson::dom::object vocab, absl::string_view where) {
  vocab_.reserve(vocab.size());
  for (auto [key, value] : vocab) {
    int64_t id;
    if (value.get(id) != simdjson::SUCCESS || id < 0 || id > INT32_MAX) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".vocab: the id of '", AsView(key),
                                                     "' is not a non-negative integer"));
    }
    if (byte_level_) {
      // An entry outside the byte-level alphabet (an added token's text) cannot come out of
      // BPE on bytes; it is matched as an added token, or not at all.
      std::optional<std::string> bytes = ByteLevelToBytes(AsView(key));
      if (bytes.has_value()) vocab_.insert_or_assign(*std::move(bytes), static_cast<int32_t>(id));
    } else {
      vocab_.insert_or_assign(std::string(key), static_cast<int32_t>(id));
      uint32_t previous = 0;
      for (size_t i = 0; i < key.size();) {
        uint32_t cp;
        const size_t n = Utf8SequenceAt(AsView(key), i, &cp);
        if (n == 0) break;
        if (i > 0) adjacent_pairs_.insert((static_cast<uint64_t>(previous) << 32) | cp);
        previous = cp;
        i += n;
      }
    }
  }
  return absl::OkStatus();
}

absl::Status BpeModel::LoadMerges(simdjson::dom::array merges, absl::string_view where) {
  merges_.reserve(merges.size());
  int32_t rank = 0;
  for (simdjson::dom::element merge : merges) {
    std::string_view left;
    std::string_view right;
    std::string_view line;
    simdjson::dom::array pair;
    if (merge.get(line) == simdjson::SUCCESS) {
      const size_t space = line.find(' ');
      if (space == std::string_view::npos || line.find(' ', space + 1) != std::string_view::npos) {
        return absl::InvalidArgumentError(
            absl::StrFormat("%s.merges[%d]: \"%s\" is not two tokens separated by one space", where,
                            rank, AsView(line)));
      }
      left = line.substr(0, space);
      right = line.substr(space + 1);
    } else if (merge.get(pair) != simdjson::SUCCESS || pair.size() != 2 ||
               pair.at(0).get(left) != simdjson::SUCCESS ||
               pair.at(1).get(right) != simdjson::SUCCESS) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s.merges[%d]: neither \"left right\" nor a list of two strings", where, rank));
    }
    std::optional<std::string> left_text = std::string(left);
    std::optional<std::string> right_text = std::string(right);
    if (byte_level_) {
      left_text = ByteLevelToBytes(AsView(left));
      right_text = ByteLevelToBytes(AsView(right));
      // A merge of entries outside the alphabet can never apply to bytes.
      if (!left_text.has_value() || !right_text.has_value()) {
        ++rank;
        continue;
      }
    }
    const std::optional<int32_t> left_id = TokenId(*left_text);
    const std::optional<int32_t> right_id = TokenId(*right_text);
    const std::optional<int32_t> merged_id = TokenId(absl::StrCat(*left_text, *right_text));
    if (!left_id.has_value() || !right_id.has_value() || !merged_id.has_value()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s.merges[%d]: \"%s\" + \"%s\" names a token the vocabulary does not have", where, rank,
          AsView(left), AsView(right)));
    }
    // A pair listed twice keeps its last rank, as both reference libraries do.
    merges_.insert_or_assign(PairKey(*left_id, *right_id), Merge{rank, *merged_id});
    ++rank;
  }
  return absl::OkStatus();
}

absl::StatusOr<BpeModel> BpeModel::FromJson(simdjson::dom::element json, bool byte_level,
                                            absl::string_view where) {
  BpeModel model;
  model.byte_level_ = byte_level;
  std::string_view type = "BPE";
  if (json["type"].get(type) != simdjson::SUCCESS && json["merges"].error()) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": field 'type' is missing"));
  }
  if (type != "BPE") {
    return UnsupportedComponent(where, absl::StrCat("model type '", AsView(type), "'"), "BPE");
  }
  simdjson::dom::element dropout;
  double dropout_value = 0;
  if (json["dropout"].get(dropout) == simdjson::SUCCESS && !dropout.is_null() &&
      (dropout.get(dropout_value) != simdjson::SUCCESS || dropout_value != 0)) {
    return UnsupportedComponent(where, "BPE dropout (random merges)", "dropout: null");
  }
  for (const char* affix : {"continuing_subword_prefix", "end_of_word_suffix"}) {
    absl::StatusOr<std::string> value = OptionalString(json, affix, where);
    if (!value.ok()) return value.status();
    if (!value->empty()) {
      return UnsupportedComponent(where, absl::StrCat("a non-empty ", affix), "none");
    }
  }
  for (auto [field, target] :
       {std::pair{"byte_fallback", &model.byte_fallback_}, std::pair{"fuse_unk", &model.fuse_unk_},
        std::pair{"ignore_merges", &model.ignore_merges_}}) {
    absl::StatusOr<bool> value = BoolField(json, field, false, where);
    if (!value.ok()) return value.status();
    *target = *value;
  }
  simdjson::dom::object vocab;
  simdjson::dom::array merges;
  if (json["vocab"].get(vocab) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": field 'vocab' is missing or not an object"));
  }
  if (json["merges"].get(merges) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": field 'merges' is missing or not a list"));
  }
  if (absl::Status s = model.LoadVocab(vocab, where); !s.ok()) return s;
  if (absl::Status s = model.LoadMerges(merges, where); !s.ok()) return s;

  absl::StatusOr<std::string> unk = OptionalString(json, "unk_token", where);
  if (!unk.ok()) return unk.status();
  if (!unk->empty()) {
    const std::optional<int32_t> id = model.TokenId(*unk);
    if (!id.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": the unknown token '", *unk, "' is not in the vocabulary"));
    }
    model.unk_id_ = *id;
  }
  for (int b = 0; b < 256; ++b) {
    const std::optional<int32_t> id = byte_level
                                          ? model.TokenId(std::string(1, static_cast<char>(b)))
                                          : model.TokenId(absl::StrFormat("<0x%02X>", b));
    model.byte_ids_[b] = id.value_or(-1);
  }
  // Cutting would keep neighbouring unknown characters apart, which fuse_unk joins into one
  // unknown token (with byte fallback for every byte no character is unknown), and the pairs
  // are of characters, so no merge may join the <0xXX> tokens of byte fallback.
  const absl::flat_hash_set<int32_t> byte_tokens(model.byte_ids_.begin(), model.byte_ids_.end());
  const bool merges_join_bytes =
      std::any_of(model.merges_.begin(), model.merges_.end(), [&](const auto& merge) {
        return byte_tokens.contains(static_cast<int32_t>(merge.first >> 32)) ||
               byte_tokens.contains(static_cast<int32_t>(merge.first & 0xFFFFFFFFu));
      });
  model.cut_at_unpaired_ =
      !byte_level && !merges_join_bytes &&
      (!model.fuse_unk_ || model.unk_id_ < 0 ||
       (model.byte_fallback_ && std::all_of(model.byte_ids_.begin(), model.byte_ids_.end(),
                                            [](int32_t id) { return id >= 0; })));
  for (int c = 0; c < 128; ++c) {
    model.ascii_ids_[c] = model.TokenId(std::string(1, static_cast<char>(c))).value_or(-1);
  }
  return model;
}

std::optional<int32_t> BpeModel::TokenId(absl::string_view token) const {
  const auto it = vocab_.find(token);
  if (it == vocab_.end()) return std::nullopt;
  return it->second;
}

void BpeModel::InitialSymbols(absl::string_view piece, Scratch* scratch) const {
  std::vector<Scratch::Symbol>& symbols = scratch->symbols;
  symbols.clear();
  const auto push = [&](int32_t id, uint32_t size, bool unknown) {
    const auto index = static_cast<int32_t>(symbols.size());
    symbols.push_back({id, size, index - 1, index + 1, unknown});
  };
  for (size_t i = 0; i < piece.size();) {
    const auto byte = static_cast<uint8_t>(piece[i]);
    uint32_t size = 1;
    int32_t id;
    if (byte_level_) {
      id = byte_ids_[byte];
    } else if (byte < 0x80) {
      id = ascii_ids_[byte];
    } else {
      uint32_t cp;
      size = static_cast<uint32_t>(std::max<size_t>(1, Utf8SequenceAt(piece, i, &cp)));
      id = TokenId(piece.substr(i, size)).value_or(-1);
    }
    if (id >= 0) {
      push(id, size, false);
    } else if (byte_fallback_ &&
               std::all_of(piece.begin() + i, piece.begin() + i + size,
                           [&](char b) { return byte_ids_[static_cast<uint8_t>(b)] >= 0; })) {
      for (uint32_t k = 0; k < size; ++k)
        push(byte_ids_[static_cast<uint8_t>(piece[i + k])], 1, false);
    } else if (fuse_unk_ && !symbols.empty() && symbols.back().unknown) {
      symbols.back().size += size;
    } else {
      push(unk_id_, size, unk_id_ >= 0);
    }
    i += size;
  }
  if (!symbols.empty()) symbols.back().next = -1;
}

void BpeModel::ApplyMerges(Scratch* scratch) const {
  std::vector<Scratch::Symbol>& symbols = scratch->symbols;
  // A min-heap of (rank << 32 | left symbol): the lowest rank first, then the leftmost. The
  // merged token is looked up again when a candidate comes out, which also tells a stale one
  // (its pair changed since) from a live one: ranks are unique per pair.
  std::vector<uint64_t>& heap = scratch->heap;
  heap.clear();
  const auto rank_of = [&](int32_t left) -> const Merge* {
    const int32_t right = symbols[left].next;
    if (right < 0 || symbols[left].id < 0 || symbols[right].id < 0) return nullptr;
    const auto it = merges_.find(PairKey(symbols[left].id, symbols[right].id));
    return it == merges_.end() ? nullptr : &it->second;
  };
  const auto key = [](const Merge* merge, int32_t left) {
    return (static_cast<uint64_t>(merge->rank) << 32) | static_cast<uint32_t>(left);
  };
  for (int32_t i = 0; i + 1 < static_cast<int32_t>(symbols.size()); ++i) {
    if (const Merge* merge = rank_of(i)) heap.push_back(key(merge, i));
  }
  const std::greater<uint64_t> later;
  std::make_heap(heap.begin(), heap.end(), later);
  const auto consider = [&](int32_t left) {
    if (const Merge* merge = rank_of(left)) {
      heap.push_back(key(merge, left));
      std::push_heap(heap.begin(), heap.end(), later);
    }
  };
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), later);
    const uint64_t top = heap.back();
    heap.pop_back();
    const auto pos = static_cast<int32_t>(top & 0xFFFFFFFFu);
    Scratch::Symbol& left = symbols[pos];
    if (left.size == 0) continue;  // merged into its left neighbour since it was queued
    const Merge* merge = rank_of(pos);
    if (merge == nullptr || static_cast<uint64_t>(merge->rank) != top >> 32) continue;
    Scratch::Symbol& right = symbols[left.next];
    left.id = merge->id;
    left.size += right.size;
    left.unknown = false;
    right.size = 0;
    left.next = right.next;
    if (left.next >= 0) symbols[left.next].prev = pos;
    if (left.prev >= 0) consider(left.prev);
    consider(pos);
  }
}

void BpeModel::Encode(absl::string_view piece, Scratch* scratch, std::vector<int32_t>* ids) const {
  if (piece.empty()) return;
  if (ignore_merges_) {
    // The whole piece is a token: it is taken as it is, whatever the merges would make.
    if (const std::optional<int32_t> id = TokenId(piece); id.has_value()) {
      ids->push_back(*id);
      return;
    }
  }
  if (piece.size() <= Scratch::kMaxCachedPiece) {
    // Short pieces (byte-level pieces are words) are cached, and not worth the scan for cut
    // points below.
    if (const auto hit = scratch->cache.find(piece); hit != scratch->cache.end()) {
      ids->insert(ids->end(), hit->second.begin(), hit->second.end());
      return;
    }
    const size_t first = ids->size();
    EncodeStretch(piece, scratch, ids);
    if (scratch->cache.size() >= Scratch::kCacheEntries) scratch->cache.clear();
    scratch->cache.emplace(piece, std::vector<int32_t>(ids->begin() + first, ids->end()));
    return;
  }
  if (!cut_at_unpaired_) {
    EncodeStretch(piece, scratch, ids);
    return;
  }
  size_t start = 0;
  uint32_t previous = 0;
  for (size_t i = 0; i < piece.size();) {
    uint32_t cp;
    const size_t n = std::max<size_t>(1, Utf8SequenceAt(piece, i, &cp));
    if (i > start && !adjacent_pairs_.contains((static_cast<uint64_t>(previous) << 32) | cp)) {
      EncodeStretch(piece.substr(start, i - start), scratch, ids);
      start = i;
    }
    previous = cp;
    i += n;
  }
  EncodeStretch(piece.substr(start), scratch, ids);
}

void BpeModel::EncodeStretch(absl::string_view stretch, Scratch* scratch,
                             std::vector<int32_t>* ids) const {
  InitialSymbols(stretch, scratch);
  if (scratch->symbols.size() > 1) ApplyMerges(scratch);
  for (int32_t i = 0; i >= 0 && i < static_cast<int32_t>(scratch->symbols.size());
       i = scratch->symbols[i].next) {
    if (scratch->symbols[i].id >= 0) ids->push_back(scratch->symbols[i].id);
  }
}

}  // namespace llmload::tokenizer
