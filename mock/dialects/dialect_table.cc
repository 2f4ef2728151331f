#include "mock/dialects/dialect_table.h"

#include <iterator>

#include "mock/dialects/bedrock_dialect.h"
#include "mock/dialects/dashscope_dialect.h"
#include "mock/dialects/openai_compatible_dialect.h"
#include "mock/dialects/anthropic_dialect.h"
#include "mock/dialects/openai_dialect.h"
#include "mock/dialects/zhipu_dialect.h"
#include "mock/dialects/ollama_dialect.h"
#include "mock/dialects/openai_dialect.h"
#include "mock/dialects/tgi_dialect.h"
#include "mock/dialects/qianfan_dialect.h"
#include "mock/dialects/summarize_dialect.h"

namespace llmload::mock {
namespace {

template <typename D>
std::unique_ptr<MockDialect> Make() {
  return std::make_unique<D>();
}

// Add a dialect here (and its .h/.cc pair in this folder); see docs/mock.md.
constexpr DialectEntry kDialects[] = {
    {"openai", &Make<OpenAiDialect>},
    {"bedrock", &Make<BedrockDialect>},
    {"dashscope", &Make<DashScopeDialect>},
    {"dashscope-compatible", &Make<DashScopeCompatibleDialect>},
    {"zhipu", &Make<ZhipuDialect>},
    {"ollama", &Make<OllamaDialect>},
    {"tgi", &Make<TgiDialect>},
    {"qianfan", &Make<QianfanV1Dialect>},
    {"qianfan-v2", &Make<QianfanV2Dialect>},
    {"anthropic", &Make<AnthropicDialect>},
    {"summarize", &Make<SummarizeDialect>},
};
static_assert(std::size(kDialects) <= kMaxDialects, "raise kMaxDialects in mock_stats.h");

}  // namespace

absl::Span<const DialectEntry> DialectTable() { return kDialects; }

DialectSet::DialectSet(absl::Span<const DialectEntry> table) {
  for (const DialectEntry& entry : table) dialects_.push_back(entry.make());
}

bool DialectSet::Match(absl::string_view method, absl::string_view path, RouteMatch* out) const {
  bool found = false;
  for (size_t i = 0; i < dialects_.size(); ++i) {
    for (const MockRoute& route : dialects_[i]->routes()) {
      RouteCaptures captures;
      if (!MatchRoutePattern(route.pattern, path, &captures)) continue;
      const bool allowed = route.method == method;
      if (!found || allowed) {
        *out = RouteMatch{dialects_[i].get(), i, &route, captures, allowed};
        found = true;
      }
      if (allowed) return true;
    }
  }
  return found;
}

}  // namespace llmload::mock
