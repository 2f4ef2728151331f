#include "mock/dialects/mock_dialect.h"

namespace llmload::mock {

int64_t EstimatePromptTokens(uint64_t utf8_bytes) {
  const int64_t t = static_cast<int64_t>((utf8_bytes + 3) / 4);
  return t < 1 ? 1 : t;
}

bool MatchRoutePattern(absl::string_view pattern, absl::string_view path, RouteCaptures* captures) {
  RouteCaptures found;
  while (!pattern.empty()) {
    const size_t brace = pattern.find('{');
    const absl::string_view literal = pattern.substr(0, brace);
    if (path.substr(0, literal.size()) != literal) return false;
    path.remove_prefix(literal.size());
    if (brace == absl::string_view::npos) break;
    const size_t close = pattern.find('}', brace);
    pattern.remove_prefix(close == absl::string_view::npos ? pattern.size() : close + 1);
    const absl::string_view segment = path.substr(0, path.find('/'));
    if (segment.empty() || found.count == kMaxRouteCaptures) return false;
    found.parts[found.count++] = segment;
    path.remove_prefix(segment.size());
  }
  if (!path.empty()) return false;
  *captures = found;
  return true;
}

}  // namespace llmload::mock
