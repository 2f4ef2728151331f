// Fuzzes api/json_path.h (paths come from users' flags) and its lookup in a server's JSON.
// Input: the path, a newline, then a JSON document. The oracle: a path that parses gives back
// a canonical form that parses to the same canonical form, with as many steps; a lookup never
// crashes, and finds the same element through the canonical path.
#include "api/json_path.h"

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "simdjson.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  const absl::string_view path_text = input.substr(0, newline);
  const absl::string_view json =
      newline == absl::string_view::npos ? absl::string_view() : input.substr(newline + 1);
  absl::StatusOr<llmload::JsonPath> path = llmload::JsonPath::Parse(path_text, "--fuzz");
  if (!path.ok()) return 0;
  absl::StatusOr<llmload::JsonPath> again = llmload::JsonPath::Parse(path->ToString(), "--fuzz");
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->ToString() == path->ToString());
  FUZZ_CHECK(again->steps() == path->steps());
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  const simdjson::padded_string padded(json.data(), json.size());
  if (parser.parse(padded).get(root) != simdjson::SUCCESS) return 0;
  simdjson::dom::element a;
  simdjson::dom::element b;
  const bool found = path->Find(root, &a);
  FUZZ_CHECK(found == again->Find(root, &b));
  if (found) FUZZ_CHECK(simdjson::minify(a) == simdjson::minify(b));
  return 0;
}
