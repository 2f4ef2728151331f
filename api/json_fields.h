// The reads of JSON fields that every API decoder makes the same way (simdjson DOM): a token
// count that must be a JSON integer to be believed, a usage object of two counts, a non-empty
// string, and a parser reused for every payload of a virtual user, with simdjson's padding after a
// copy of the bytes, so steady-state parsing allocates nothing.
#ifndef LLMLOAD_API_JSON_FIELDS_H_
#define LLMLOAD_API_JSON_FIELDS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "api/token_usage.h"
#include "simdjson.h"

namespace llmload {

// A token count of a usage object: absent or null leaves *out alone and is fine; anything but
// a JSON integer that fits int64 (1.5, "12", true, 1e30) is not.
enum class CountRead { kAbsent, kInteger, kInvalid };
CountRead ReadCount(const simdjson::dom::object& o, std::string_view key, int64_t* out);

// The usage object `root[usage_key]` with its counts under `prompt_key` and `completion_key`
// (OpenAI: "usage", "prompt_tokens", "completion_tokens"): nullopt when it is absent or null, or
// without the completion count (then tokens are counted from chunks). Sets *invalid when it is
// there but not an object, or a count is not an integer; the range is checked later, by
// CheckUsage (token_usage.h), once the response's size is known.
std::optional<TokenUsage> ReadUsageObject(const simdjson::dom::object& root,
                                          std::string_view usage_key, std::string_view prompt_key,
                                          std::string_view completion_key, bool* invalid);

// The string field `key` when it is there, a string and not empty.
bool NonEmptyString(const simdjson::dom::object& o, std::string_view key, std::string_view* out);

// Parses one payload at a time into a reused DOM.
class ReusedJsonParser {
 public:
  ReusedJsonParser();
  // Copies `data` (so it need not be padded) and parses it. False when it is not valid JSON.
  // `*root` is valid until the next Parse.
  bool Parse(absl::string_view data, simdjson::dom::element* root);
  // Parses `data` and gives its root object. False when it is not a JSON object.
  bool ParseObject(absl::string_view data, simdjson::dom::object* root);
  // Gives back memory that one large payload made the buffer or the DOM grow to.
  void ShrinkIfLarge();

 private:
  simdjson::dom::parser parser_;
  std::string buffer_;  // the payload, with capacity for simdjson's padding after it
};

}  // namespace llmload

#endif  // LLMLOAD_API_JSON_FIELDS_H_
