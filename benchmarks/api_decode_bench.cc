// Per-chunk cost of every API's response decoding through the adapter seam: the bytes a real
// server of that API sends (made by the mock's writer of the same API, mock/dialects/, so the
// framing is the real one: SSE, NDJSON, AWS event-stream) fed to the API's ResponseDecoder
// (api/response_decoder.h) in reads of a given size, as libcurl hands them over. Reports
// content chunks/s and allocations per chunk (a replacement operator new counts them).
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/api_table.h"
#include "benchmark/benchmark.h"
#include "benchmarks/allocation_counter.h"
#include "mock/dialects/dialect_table.h"

namespace llmload {
namespace {

constexpr int kTokens = 512;

// An API and where the mock serves it: a streamed response of kTokens tokens is made by the
// writer of the dialect that serves `path`.
struct Case {
  const char* api;
  const char* path;
};
constexpr Case kCases[] = {
    {"openai-chat", "/v1/chat/completions"},
    {"openai-completions", "/v1/completions"},
    {"anthropic-messages", "/v1/messages"},
    {"ollama-chat", "/api/chat"},
    {"ollama-generate", "/api/generate"},
    {"tgi", "/generate_stream"},
    {"dashscope", "/api/v1/services/aigc/text-generation/generation"},
    {"zhipu", "/api/paas/v4/chat/completions"},
    {"bedrock-converse-stream", "/model/m/converse-stream"},
};

// The response body the mock's dialect writes for a streamed answer of kTokens tokens.
std::string MockStream(const Case& c) {
  static const mock::DialectSet dialects;
  mock::RouteMatch match;
  if (!dialects.Match("POST", c.path, &match)) return std::string();
  mock::MockRequest request;
  request.variant = match.route->variant;
  request.model = "m";
  request.stream = true;
  request.include_usage = true;
  request.max_tokens = kTokens;
  request.prompt_tokens = 200;
  std::unique_ptr<mock::MockResponseWriter> writer = match.dialect->NewWriter();
  writer->Begin(request, "id-1", 0, /*chunked=*/false);
  std::string body;
  writer->AppendPrelude(&body);
  for (int i = 0; i < kTokens; ++i) writer->AppendToken(i % 2 ? " the" : " token", &body);
  mock::MockOutcome outcome;
  outcome.length = true;
  outcome.prompt_tokens = 200;
  outcome.completion_tokens = kTokens;
  outcome.first_token_ns = 20'000'000;
  outcome.total_ns = 100'000'000;
  writer->AppendFinish(outcome, &body);
  return body;
}

void BM_Decode(benchmark::State& state, const Case& c) {
  const std::string body = MockStream(c);
  WorkloadSpec spec;
  spec.api = c.api;
  spec.url = "http://127.0.0.1:1";
  spec.model = "m";
  spec.stream = true;
  spec.prompts = {{"p", "hello"}};
  for (const char* name : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}) {
    spec.credentials.emplace_back(name, "AKIDEXAMPLE");
  }
  absl::StatusOr<std::unique_ptr<ApiAdapter>> adapter = CreateApiAdapter(spec);
  if (body.empty() || !adapter.ok()) {
    state.SkipWithError(absl::StrCat("no mock stream or adapter for ", c.api).c_str());
    return;
  }
  std::unique_ptr<ResponseDecoder> decoder = (*adapter)->NewDecoder();
  const size_t read = static_cast<size_t>(state.range(0));
  int64_t chunks = 0;
  auto run = [&] {
    decoder->Reset();
    for (size_t pos = 0; pos < body.size(); pos += read) {
      benchmark::DoNotOptimize(
          decoder->Feed(absl::string_view(body).substr(pos, read), [&](const ContentChunk& chunk) {
            benchmark::DoNotOptimize(chunk.text.data());
            ++chunks;
          }));
    }
    benchmark::DoNotOptimize(decoder->Finish());
  };
  run();  // warm-up: buffers reach their steady size
  if (chunks != kTokens) {
    state.SkipWithError(
        absl::StrCat(c.api, ": ", chunks, " content chunks, not ", kTokens).c_str());
    return;
  }
  chunks = 0;
  const int64_t before = AllocationCount();
  for (auto _ : state) run();
  const int64_t allocations = AllocationCount() - before;
  state.SetItemsProcessed(chunks);  // items/s = content chunks/s
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
  state.counters["allocs_per_chunk"] =
      static_cast<double>(allocations) / static_cast<double>(std::max<int64_t>(chunks, 1));
}

int Register() {
  for (const Case& c : kCases) {
    benchmark::RegisterBenchmark(absl::StrCat("BM_Decode/", c.api).c_str(), BM_Decode, c)
        ->Arg(64)
        ->Arg(4096);
  }
  return 0;
}
const int kRegistered = Register();

}  // namespace
}  // namespace llmload
