#include "api/json_reader.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/ascii.h"

namespace llmload {
namespace {

constexpr size_t kInitialBufferBytes = 4096;
constexpr size_t kKeepBufferBytes = 1 << 20;
constexpr size_t kMaxRawErrorBytes = 256;

}  // namespace

JsonReader::JsonReader()
    : buffer_(std::make_unique_for_overwrite<char[]>(kInitialBufferBytes)),
      capacity_(kInitialBufferBytes) {}

bool JsonReader::Parse(absl::string_view json, simdjson::dom::element* root) {
  // An empty view may hold a null pointer, which memcpy must not get; it is not JSON anyway.
  if (json.empty()) return false;
  const size_t needed = json.size() + simdjson::SIMDJSON_PADDING;
  if (needed > capacity_) {
    capacity_ = std::max(needed, 2 * capacity_);
    buffer_ = std::make_unique_for_overwrite<char[]>(capacity_);
  }
  std::memcpy(buffer_.get(), json.data(), json.size());
  // simdjson may read the padding; zeroing it keeps the reads defined for sanitizers.
  std::memset(buffer_.get() + json.size(), 0, simdjson::SIMDJSON_PADDING);
  return parser_.parse(buffer_.get(), json.size(), /*realloc_if_needed=*/false).get(*root) ==
         simdjson::SUCCESS;
}

bool JsonReader::ParseObject(absl::string_view json, simdjson::dom::object* root) {
  simdjson::dom::element e;
  return Parse(json, &e) && e.get_object().get(*root) == simdjson::SUCCESS;
}

void JsonReader::Release() {
  if (capacity_ <= kKeepBufferBytes) return;
  buffer_ = std::make_unique_for_overwrite<char[]>(kInitialBufferBytes);
  capacity_ = kInitialBufferBytes;
  parser_ = simdjson::dom::parser();
}

JsonCount ReadJsonCount(const simdjson::dom::object& o, std::string_view key, int64_t* out) {
  simdjson::dom::element e;
  if (o[key].get(e) != simdjson::SUCCESS || e.is_null()) return JsonCount::kAbsent;
  return e.get_int64().get(*out) == simdjson::SUCCESS ? JsonCount::kInteger : JsonCount::kInvalid;
}

std::optional<TokenUsage> ReadUsageCounts(const simdjson::dom::object& o,
                                          std::string_view prompt_key,
                                          std::string_view completion_key, bool* invalid) {
  TokenUsage usage;
  const JsonCount completion = ReadJsonCount(o, completion_key, &usage.completion_tokens);
  const JsonCount prompt = ReadJsonCount(o, prompt_key, &usage.prompt_tokens);
  if (completion == JsonCount::kInvalid || prompt == JsonCount::kInvalid) {
    *invalid = true;
    return std::nullopt;
  }
  if (completion == JsonCount::kAbsent) return std::nullopt;
  return usage;
}

std::optional<TokenUsage> ReadUsageObject(const simdjson::dom::object& root,
                                          std::string_view usage_key, std::string_view prompt_key,
                                          std::string_view completion_key, bool* invalid) {
  simdjson::dom::element e;
  if (root[usage_key].get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
  simdjson::dom::object u;
  if (e.get_object().get(u) != simdjson::SUCCESS) {
    *invalid = true;
    return std::nullopt;
  }
  return ReadUsageCounts(u, prompt_key, completion_key, invalid);
}

bool ReadNonEmptyString(const simdjson::dom::object& o, std::string_view key,
                        std::string_view* out) {
  std::string_view s;
  if (o[key].get_string().get(s) != simdjson::SUCCESS || s.empty()) return false;
  *out = s;
  return true;
}

std::string JsonScalarText(const simdjson::dom::element& e) {
  std::string_view s;
  if (e.get_string().get(s) == simdjson::SUCCESS) return std::string(s);
  if (e.is_null()) return std::string();
  return simdjson::minify(e);
}

std::string RawErrorText(absl::string_view body) {
  absl::string_view raw = absl::StripAsciiWhitespace(body);
  std::string text(raw.substr(0, kMaxRawErrorBytes));
  if (raw.size() > kMaxRawErrorBytes) text += "...";
  return text;
}

}  // namespace llmload
