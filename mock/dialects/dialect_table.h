// The explicit table of the dialects the mock speaks (dialect_table.cc: one line per API, in
// route-match order; no static self-registration, which a static library would drop), and
// DialectSet, one event loop's instances of them with the route lookup the loop does for
// every request.
#ifndef LLMLOAD_MOCK_DIALECTS_DIALECT_TABLE_H_
#define LLMLOAD_MOCK_DIALECTS_DIALECT_TABLE_H_

#include <cstddef>
#include <memory>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "mock/dialects/mock_dialect.h"

namespace llmload::mock {

struct DialectEntry {
  absl::string_view name;  // e.g. "openai": the key in /mock/stats requests_by_dialect
  std::unique_ptr<MockDialect> (*make)();
};

// Every dialect, in match order (at most kMaxDialects).
absl::Span<const DialectEntry> DialectTable();

// Which dialect route a request's path reached.
struct RouteMatch {
  MockDialect* dialect = nullptr;
  size_t dialect_index = 0;  // position in DialectTable()
  const MockRoute* route = nullptr;
  RouteCaptures captures;
  bool method_allowed = false;  // false: the path is served, but with route->method only
};

class DialectSet {
 public:
  // One instance of every entry of `table` (tests pass their own).
  explicit DialectSet(absl::Span<const DialectEntry> table = DialectTable());
  DialectSet(const DialectSet&) = delete;
  DialectSet& operator=(const DialectSet&) = delete;

  // Finds the route serving `path`, preferring one whose method is `method`. False when no
  // dialect serves the path (the loop's own routes and 404 come next).
  bool Match(absl::string_view method, absl::string_view path, RouteMatch* out) const;

  size_t size() const { return dialects_.size(); }
  MockDialect& at(size_t i) const { return *dialects_[i]; }

 private:
  std::vector<std::unique_ptr<MockDialect>> dialects_;
};

}  // namespace llmload::mock

#endif  // LLMLOAD_MOCK_DIALECTS_DIALECT_TABLE_H_
