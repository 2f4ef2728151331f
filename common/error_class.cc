#include "common/error_class.h"

#include <array>

namespace llmload {
namespace {

// Indexed by the enum's value; the static_assert keeps the table and the enum in step.
// clang-format off
constexpr std::array<absl::string_view, kErrorClassCount> kNames = {
    "success", "http_4xx",         "http_429",         "http_5xx",  "timeout",   "connect",
    "reset",   "truncated_stream", "malformed_stream", "api_error", "cancelled", "other",
    // 12..16
    "response_too_large", "malformed_usage", "unexpected_content_type", "unexpected_encoding",
    "overloaded",
};
// clang-format on
static_assert(static_cast<int>(ErrorClass::kOverloaded) + 1 == kErrorClassCount);

}  // namespace

absl::string_view ErrorClassName(ErrorClass c) {
  const auto i = static_cast<size_t>(c);
  return i < kNames.size() ? kNames[i] : absl::string_view("other");
}

std::optional<ErrorClass> ErrorClassFromName(absl::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<ErrorClass>(i);
  }
  return std::nullopt;
}

bool IsFailure(ErrorClass c) { return c != ErrorClass::kSuccess && c != ErrorClass::kCancelled; }

}  // namespace llmload
