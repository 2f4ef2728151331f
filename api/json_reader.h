// JsonReader: the one way a response decoder parses JSON, and the typed reads of untrusted
// fields that every JSON API's decoder shares. Each event or body is parsed by a reused
// simdjson DOM parser from a padded copy of its bytes that the reader keeps between calls (so
// steady decoding allocates nothing, and an empty view, whose pointer may be null, never
// reaches simdjson). A token count or duration is believed only when it is a JSON integer, a
// string field only when it is a string, a usage only with its completion count.
#ifndef LLMLOAD_API_JSON_READER_H_
#define LLMLOAD_API_JSON_READER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "api/token_usage.h"
#include "simdjson.h"

namespace llmload {

class JsonReader {
 public:
  JsonReader();
  JsonReader(const JsonReader&) = delete;
  JsonReader& operator=(const JsonReader&) = delete;

  // Parses `json` into `*root`: false when it is not valid JSON (an empty view is not).
  // `*root` and every view into it stay valid until the next Parse() or Release().
  bool Parse(absl::string_view json, simdjson::dom::element* root);
  // Same, and false unless the value is an object.
  bool ParseObject(absl::string_view json, simdjson::dom::object* root);

  // Gives back a buffer that grew past 1 MiB (a large non-streamed body): every virtual user
  // owns a decoder, and one large response must not pin memory per user for the whole run.
  void Release();

 private:
  simdjson::dom::parser parser_;
  std::unique_ptr<char[]> buffer_;  // the bytes followed by simdjson's padding
  size_t capacity_ = 0;
};

// A simdjson string (std::string_view) as the decoder interface's absl::string_view.
inline absl::string_view ToAbsl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

// How a count field read: absent or JSON null (the caller's default stands), a JSON integer
// that fits int64 (stored), or anything else (1.5, "12", true, 1e30, an object).
enum class JsonCount : uint8_t { kAbsent, kInteger, kInvalid };
JsonCount ReadJsonCount(const simdjson::dom::object& o, std::string_view key, int64_t* out);

// The token counts of a usage-like object `o`, under `prompt_key` and `completion_key`
// (Ollama's final object: "prompt_eval_count", "eval_count"): nullopt without the completion
// count (then tokens are counted from chunks). Sets *invalid, and gives nullopt, when a count
// is there but not an integer; the range is checked later, by CheckUsage (token_usage.h), once
// the response's size is known.
std::optional<TokenUsage> ReadUsageCounts(const simdjson::dom::object& o,
                                          std::string_view prompt_key,
                                          std::string_view completion_key, bool* invalid);

// The usage object `root[usage_key]`, read as ReadUsageCounts reads it (OpenAI: "usage",
// "prompt_tokens", "completion_tokens"): nullopt when it is absent or null too, and *invalid
// when it is there but not an object ("usage": 12 is as wrong as a bad count).
std::optional<TokenUsage> ReadUsageObject(const simdjson::dom::object& root,
                                          std::string_view usage_key, std::string_view prompt_key,
                                          std::string_view completion_key, bool* invalid);

// `key` as a non-empty string, into `*out`; false when absent, empty or not a string.
bool ReadNonEmptyString(const simdjson::dom::object& o, std::string_view key,
                        std::string_view* out);

// A scalar as text for error messages: a string as is, null as "", anything else minified
// (servers put numbers where strings belong).
std::string JsonScalarText(const simdjson::dom::element& e);

// The start of a body that is not the API's JSON, as an error message: whitespace trimmed,
// at most 256 bytes (then "...").
std::string RawErrorText(absl::string_view body);

}  // namespace llmload

#endif  // LLMLOAD_API_JSON_READER_H_
