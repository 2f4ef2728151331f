#include "tokenizer/tokenizer.h"

#include <filesystem>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/input_file.h"
#include "common/utf8.h"
#include "tokenizer/json_fields.h"

namespace llmload::tokenizer {
namespace {

// The field `key` of `root`, or nullopt (a default simdjson element is not usable).
std::optional<simdjson::dom::element> OptionalField(simdjson::dom::element root, const char* key) {
  simdjson::dom::element value;
  if (root[key].get(value) != simdjson::SUCCESS) return std::nullopt;
  return value;
}

}  // namespace

absl::StatusOr<std::unique_ptr<const Tokenizer>> Tokenizer::Load(const std::string& path) {
  std::string file = path;
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    file = (std::filesystem::path(path) / "tokenizer.json").string();
    if (!std::filesystem::exists(file, error)) {
      return absl::NotFoundError(
          absl::StrCat(path,
                       " is a directory without a tokenizer.json (llmload reads the Hugging Face "
                       "tokenizer.json format)"));
    }
  }
  absl::StatusOr<std::string> text = ReadInputFile(file);
  if (!text.ok()) {
    return absl::Status(text.status().code(),
                        absl::StrCat("cannot read ", file, ": ", text.status().message()));
  }
  return FromJson(*text, file);
}

absl::StatusOr<std::unique_ptr<const Tokenizer>> Tokenizer::FromJson(absl::string_view json,
                                                                     absl::string_view name) {
  const auto error = [&](absl::string_view message) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": ", message));
  };
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto e = parser.parse(json.data(), json.size()).get(root); e != simdjson::SUCCESS) {
    return error(absl::StrCat("not valid JSON (", simdjson::error_message(e), ")"));
  }
  if (!root.is_object()) return error("not a tokenizer.json: the top level is not an object");
  simdjson::dom::element model_json;
  if (root["model"].get(model_json) != simdjson::SUCCESS || !model_json.is_object()) {
    return error("not a tokenizer.json: it has no 'model' object");
  }
  absl::StatusOr<Normalizer> normalizer =
      Normalizer::FromJson(OptionalField(root, "normalizer"), "normalizer");
  if (!normalizer.ok()) return error(normalizer.status().message());
  absl::StatusOr<PreTokenizer> pre_tokenizer =
      PreTokenizer::FromJson(OptionalField(root, "pre_tokenizer"), "pre_tokenizer");
  if (!pre_tokenizer.ok()) return error(pre_tokenizer.status().message());
  absl::StatusOr<BpeModel> model =
      BpeModel::FromJson(model_json, pre_tokenizer->byte_level(), "model");
  if (!model.ok()) return error(model.status().message());

  auto tokenizer = std::unique_ptr<Tokenizer>(
      new Tokenizer(*std::move(normalizer), *std::move(pre_tokenizer), *std::move(model)));
  simdjson::dom::array added;
  if (root["added_tokens"].get(added) == simdjson::SUCCESS) {
    size_t i = 0;
    for (simdjson::dom::element token : added) {
      const std::string where = absl::StrCat("added_tokens[", i++, "]");
      absl::StatusOr<std::string> content = StringField(token, "content", where);
      if (!content.ok()) return error(content.status().message());
      int64_t id;
      if (token["id"].get(id) != simdjson::SUCCESS || id < 0 || id > INT32_MAX) {
        return error(absl::StrCat(where, ": field 'id' is not a non-negative integer"));
      }
      absl::StatusOr<bool> lstrip = BoolField(token, "lstrip", false, where);
      absl::StatusOr<bool> rstrip = BoolField(token, "rstrip", false, where);
      absl::StatusOr<bool> normalized = BoolField(token, "normalized", false, where);
      for (const auto* flag : {&lstrip, &rstrip, &normalized}) {
        if (!flag->ok()) return error(flag->status().message());
      }
      // As the reference: a "normalized" token is looked for, normalized, in normalized text.
      if (*normalized && !tokenizer->normalizer_.empty()) {
        tokenizer->normalized_added_.Add(tokenizer->normalizer_.Apply(*content),
                                         static_cast<int32_t>(id), *lstrip, *rstrip);
      } else {
        tokenizer->raw_added_.Add(*content, static_cast<int32_t>(id), *lstrip, *rstrip);
      }
      ++tokenizer->added_count_;
    }
  }
  return std::unique_ptr<const Tokenizer>(std::move(tokenizer));
}

void Tokenizer::Encoder::EncodeNormalized(absl::string_view text, std::vector<int32_t>* ids) {
  tokenizer_.pre_tokenizer_.Split(text, &split_);
  for (absl::string_view piece : split_.pieces) tokenizer_.model_.Encode(piece, &scratch_, ids);
}

void Tokenizer::Encoder::EncodeSection(absl::string_view section, std::vector<int32_t>* ids) {
  if (tokenizer_.normalizer_.empty()) {
    EncodeNormalized(section, ids);
    return;
  }
  tokenizer_.normalizer_.Apply(section, &normalized_, &spare_);
  if (tokenizer_.normalized_added_.empty()) {
    EncodeNormalized(normalized_, ids);
    return;
  }
  tokenizer_.normalized_added_.Split(normalized_, &parts_);
  for (const AddedTokens::Section& part : parts_) {
    if (part.id >= 0) {
      ids->push_back(part.id);
    } else {
      EncodeNormalized(part.text, ids);
    }
  }
}

void Tokenizer::Encoder::Encode(absl::string_view text, std::vector<int32_t>* ids) {
  std::string repaired;
  if (InvalidUtf8Offset(text).has_value()) {
    repaired = ToWellFormedUtf8(text);
    text = repaired;
  }
  tokenizer_.raw_added_.Split(text, &sections_);
  for (const AddedTokens::Section& section : sections_) {
    if (section.id >= 0) {
      ids->push_back(section.id);
    } else {
      EncodeSection(section.text, ids);
    }
  }
}

size_t Tokenizer::Encoder::CountTokens(absl::string_view text) {
  count_ids_.clear();
  Encode(text, &count_ids_);
  return count_ids_.size();
}

void Tokenizer::Encode(absl::string_view text, std::vector<int32_t>* ids) const {
  Encoder(*this).Encode(text, ids);
}

size_t Tokenizer::CountTokens(absl::string_view text) const {
  return Encoder(*this).CountTokens(text);
}

std::string Tokenizer::Describe() const {
  return absl::StrCat(pre_tokenizer_.byte_level() ? "byte-level BPE" : "SentencePiece-style BPE",
                      ", ", model_.vocab_size(), " tokens in the vocabulary, ", added_count_,
                      " added");
}

}  // namespace llmload::tokenizer
