// JsonReader: the reused simdjson DOM parser a response decoder parses each event or body
// with, over a padded copy of the bytes that it keeps between calls (so steady decoding
// allocates nothing), and the typed reads of untrusted fields that every JSON API's decoder
// shares: a token count or duration is believed only when it is a JSON integer, a string field
// only when it is a string.
#ifndef LLMLOAD_API_JSON_READER_H_
#define LLMLOAD_API_JSON_READER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "simdjson.h"

namespace llmload {

class JsonReader {
 public:
  JsonReader();
  JsonReader(const JsonReader&) = delete;
  JsonReader& operator=(const JsonReader&) = delete;

  // Parses `json` into `*root`: false when it is not valid JSON. `*root` and every view into it
  // stay valid until the next Parse() or Release().
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

// How a count field read: absent or JSON null (the caller's default stands), a JSON integer
// that fits int64 (stored), or anything else (1.5, "12", true, 1e30, an object).
enum class JsonCount : uint8_t { kAbsent, kInteger, kInvalid };
JsonCount ReadJsonCount(const simdjson::dom::object& o, std::string_view key, int64_t* out);

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
