#include "api/json_fields.h"

#include <algorithm>

namespace llmload {
namespace {

constexpr size_t kInitialBufferBytes = 4096;
// Larger buffers (from a big non-streamed body) are given back: every virtual user owns a
// decoder, and one large response must not pin memory per user for the whole run.
constexpr size_t kKeepBufferBytes = 1 << 20;

}  // namespace

CountRead ReadCount(const simdjson::dom::object& o, std::string_view key, int64_t* out) {
  simdjson::dom::element e;
  if (o[key].get(e) != simdjson::SUCCESS || e.is_null()) return CountRead::kAbsent;
  return e.get_int64().get(*out) == simdjson::SUCCESS ? CountRead::kInteger : CountRead::kInvalid;
}

std::optional<TokenUsage> ReadUsageObject(const simdjson::dom::object& root,
                                          std::string_view usage_key, std::string_view prompt_key,
                                          std::string_view completion_key, bool* invalid) {
  simdjson::dom::element e;
  if (root[usage_key].get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
  simdjson::dom::object u;
  // A usage that is there but not an object ("usage": 12) is as wrong as a bad count.
  if (e.get_object().get(u) != simdjson::SUCCESS) {
    *invalid = true;
    return std::nullopt;
  }
  TokenUsage usage;
  const CountRead completion = ReadCount(u, completion_key, &usage.completion_tokens);
  const CountRead prompt = ReadCount(u, prompt_key, &usage.prompt_tokens);
  if (completion == CountRead::kInvalid || prompt == CountRead::kInvalid) {
    *invalid = true;
    return std::nullopt;
  }
  if (completion == CountRead::kAbsent) return std::nullopt;
  return usage;
}

bool NonEmptyString(const simdjson::dom::object& o, std::string_view key, std::string_view* out) {
  std::string_view s;
  if (o[key].get_string().get(s) != simdjson::SUCCESS || s.empty()) return false;
  *out = s;
  return true;
}

ReusedJsonParser::ReusedJsonParser() { buffer_.reserve(kInitialBufferBytes); }

bool ReusedJsonParser::Parse(absl::string_view data, simdjson::dom::element* root) {
  const size_t needed = data.size() + simdjson::SIMDJSON_PADDING;
  if (buffer_.capacity() < needed) buffer_.reserve(std::max(needed, 2 * buffer_.capacity()));
  buffer_.assign(data.data(), data.size());
  return parser_.parse(buffer_.data(), buffer_.size(), /*realloc_if_needed=*/false).get(*root) ==
         simdjson::SUCCESS;
}

bool ReusedJsonParser::ParseObject(absl::string_view data, simdjson::dom::object* root) {
  simdjson::dom::element e;
  return Parse(data, &e) && e.get_object().get(*root) == simdjson::SUCCESS;
}

void ReusedJsonParser::ShrinkIfLarge() {
  if (buffer_.capacity() <= kKeepBufferBytes) return;
  buffer_ = std::string();
  buffer_.reserve(kInitialBufferBytes);
  parser_ = simdjson::dom::parser();
}

}  // namespace llmload
