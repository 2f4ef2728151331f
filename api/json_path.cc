#include "api/json_path.h"

#include <string_view>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace llmload {
namespace {

constexpr size_t kMaxPathBytes = 1024;

}  // namespace

absl::StatusOr<JsonPath> JsonPath::Parse(absl::string_view text, absl::string_view flag) {
  auto error = [&](absl::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " '", absl::CEscape(text.substr(0, 80)), "': ", what,
                     " (a path is keys and array indexes joined by '.', e.g. "
                     "choices.0.message.content)"));
  };
  if (text.empty()) return error("the path is empty");
  if (text.size() > kMaxPathBytes) return error("the path is longer than 1024 bytes");
  JsonPath path;
  std::string key;
  // Each '.' or "[N]" ends the key before it; `expect_key` is set after a '.'.
  bool expect_key = true;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.') {
      if (expect_key) return error("an empty key (two dots, or a dot at the start)");
      expect_key = true;
      continue;
    }
    if (c == '[') {
      if (expect_key) return error("'[' must follow a key");
      const size_t close = text.find(']', i);
      if (close == absl::string_view::npos) return error("'[' without ']'");
      const absl::string_view digits = text.substr(i + 1, close - i - 1);
      int64_t index = 0;
      if (digits.empty() || !absl::c_all_of(digits, absl::ascii_isdigit) ||
          !absl::SimpleAtoi(digits, &index)) {
        return error("[...] must hold an array index (digits)");
      }
      path.steps_.push_back(Step{std::string(digits), index});
      i = close;
      continue;
    }
    if (c == ']') return error("']' without '['");
    if (static_cast<unsigned char>(c) < 0x20) return error("a control character");
    if (!expect_key) return error("a key must follow '.'");
    size_t end = text.find_first_of(".[]", i);
    if (end == absl::string_view::npos) end = text.size();
    const absl::string_view k = text.substr(i, end - i);
    for (char kc : k) {
      if (static_cast<unsigned char>(kc) < 0x20) return error("a control character");
    }
    Step step{std::string(k)};
    int64_t index = 0;
    if (absl::c_all_of(k, absl::ascii_isdigit) && absl::SimpleAtoi(k, &index)) step.index = index;
    path.steps_.push_back(std::move(step));
    expect_key = false;
    i = end - 1;
  }
  if (expect_key) return error("the path ends with '.'");
  return path;
}

bool JsonPath::Find(const simdjson::dom::element& root, simdjson::dom::element* out) const {
  simdjson::dom::element at = root;
  for (const Step& step : steps_) {
    simdjson::dom::object object;
    simdjson::dom::array array;
    if (at.get_object().get(object) == simdjson::SUCCESS) {
      if (object.at_key(std::string_view(step.key)).get(at) != simdjson::SUCCESS) return false;
    } else if (step.index >= 0 && at.get_array().get(array) == simdjson::SUCCESS) {
      if (array.at(static_cast<size_t>(step.index)).get(at) != simdjson::SUCCESS) return false;
    } else {
      return false;
    }
  }
  *out = at;
  return true;
}

std::string JsonPath::ToString() const {
  return absl::StrJoin(steps_, ".",
                       [](std::string* out, const Step& step) { out->append(step.key); });
}

}  // namespace llmload
