// JsonPath: a user's dot/index path into a JSON document ("summary",
// "choices.0.message.content", "choices[0].delta.content"), parsed once from a flag and then
// looked up in a simdjson DOM for every response or stream event. It is how the custom-endpoint
// adapter (--response-text, --chunk-text, --response-*-tokens, --stream-done) finds the parts of
// an answer, and is free of HTTP so a message-queue adapter can use it as well.
//
// Syntax: keys separated by '.'; a key of digits only selects that element of an array (and
// is an ordinary key in an object, so {"0": ...} works too); "[N]" after a key is the same as
// ".N". Keys cannot contain '.', '[' or ']'. Lookups allocate nothing.
#ifndef LLMLOAD_API_JSON_PATH_H_
#define LLMLOAD_API_JSON_PATH_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "simdjson.h"

namespace llmload {

class JsonPath {
 public:
  // Parses `text`; errors name `flag` ("--response-text") and what is wrong.
  static absl::StatusOr<JsonPath> Parse(absl::string_view text, absl::string_view flag);

  // The element at the path under `root`; false when a step is missing or has the wrong type.
  bool Find(const simdjson::dom::element& root, simdjson::dom::element* out) const;

  // The path in its canonical dot form ("choices.0.delta.content"); parses to the same path.
  std::string ToString() const;
  size_t steps() const { return steps_.size(); }

 private:
  struct Step {
    std::string key;
    int64_t index = -1;  // the key as an array index when it is all digits (and fits)
  };
  std::vector<Step> steps_;
};

}  // namespace llmload

#endif  // LLMLOAD_API_JSON_PATH_H_
