// Throughput and allocations of the streamed-response hot path: SseParser + OpenAiStreamDecoder
// on a realistic chat stream, fed in reads of various sizes, as the agent's libcurl write
// callback does. Reports bytes/s, chunks/s (items) and allocations per chunk, counted by a
// replacement global operator new that only this benchmark binary defines.
#include <memory>
#include <string>
#include <vector>

#include "agent/request_metrics.h"
#include "api/openai_stream_decoder.h"
#include "api/sse_parser.h"
#include "benchmark/benchmark.h"
#include "benchmarks/allocation_counter.h"
#include "tests/unit/openai_stream_fixture.h"

namespace llmload {
namespace {

constexpr int kContentChunks = 512;

const std::string& Stream() {
  static const std::string s =
      testing::ToSse(testing::ChatStreamPayloads(kContentChunks, /*prompt_tokens=*/200));
  return s;
}

// Splits the stream into reads of `read_size` bytes (0: one read per SSE event, as a server
// flushing each chunk over a fast link produces).
std::vector<absl::string_view> Reads(int64_t read_size) {
  const std::string& s = Stream();
  std::vector<absl::string_view> out;
  if (read_size == 0) {
    size_t pos = 0;
    while (pos < s.size()) {
      size_t end = s.find("\n\n", pos);
      end = end == std::string::npos ? s.size() : end + 2;
      out.push_back(absl::string_view(s).substr(pos, end - pos));
      pos = end;
    }
  } else {
    for (size_t pos = 0; pos < s.size(); pos += read_size) {
      out.push_back(absl::string_view(s).substr(pos, read_size));
    }
  }
  return out;
}

// One request's worth of work per iteration: parse, decode, time each content chunk.
void RunStream(const std::vector<absl::string_view>& reads, SseParser& parser,
               OpenAiStreamDecoder& decoder, RequestTiming& timing) {
  parser.Reset();
  decoder.Reset();
  timing.Start(0);
  int64_t now = 0;
  for (absl::string_view read : reads) {
    ++now;
    absl::Status st = parser.Feed(read, [&](absl::string_view, absl::string_view data) {
      if (decoder.Decode(data).kind == ChunkKind::kContent) {
        benchmark::DoNotOptimize(timing.OnContentChunk(now));
      }
    });
    benchmark::DoNotOptimize(st);
  }
  timing.OnEnd(now);
  benchmark::DoNotOptimize(parser.Finish());
  benchmark::DoNotOptimize(ComputeRequestMetrics(timing, decoder.usage()));
}

void BM_ParseDecodeStream(benchmark::State& state) {
  const auto reads = Reads(state.range(0));
  SseParser parser;
  OpenAiStreamDecoder decoder;
  RequestTiming timing;
  RunStream(reads, parser, decoder, timing);  // warm-up: buffers reach their steady size
  if (decoder.content_chunks() != kContentChunks || !decoder.done_seen()) {
    state.SkipWithError("stream not decoded as expected");
    return;
  }
  const int64_t events = parser.events_dispatched();
  const int64_t before = AllocationCount();
  for (auto _ : state) RunStream(reads, parser, decoder, timing);
  const int64_t allocations = AllocationCount() - before;
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(Stream().size()));
  state.SetItemsProcessed(state.iterations() * events);  // items/s = SSE chunks/s
  state.counters["allocs_per_chunk"] =
      static_cast<double>(allocations) / static_cast<double>(state.iterations() * events);
  state.counters["reads"] = static_cast<double>(reads.size());
}
// 0 = one read per event; then fixed read sizes from tiny to whole-stream.
BENCHMARK(BM_ParseDecodeStream)->Arg(0)->Arg(16)->Arg(256)->Arg(4096)->Arg(1 << 20);

void BM_SseParseOnly(benchmark::State& state) {
  const auto reads = Reads(state.range(0));
  SseParser parser;
  int64_t events = 0;
  const int64_t before = AllocationCount();
  for (auto _ : state) {
    parser.Reset();
    for (absl::string_view read : reads) {
      benchmark::DoNotOptimize(parser.Feed(read, [&](absl::string_view, absl::string_view data) {
        benchmark::DoNotOptimize(data);
      }));
    }
    benchmark::DoNotOptimize(parser.Finish());
    events = parser.events_dispatched();
  }
  const int64_t allocations = AllocationCount() - before;
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(Stream().size()));
  state.SetItemsProcessed(state.iterations() * events);
  state.counters["allocs_per_chunk"] =
      static_cast<double>(allocations) / static_cast<double>(state.iterations() * events);
}
BENCHMARK(BM_SseParseOnly)->Arg(0)->Arg(4096);

// Proves the counter counts: exactly one allocation per iteration is expected.
void BM_AllocationCounterSanity(benchmark::State& state) {
  const int64_t before = AllocationCount();
  for (auto _ : state) {
    auto p = std::make_unique<std::vector<char>>();
    benchmark::DoNotOptimize(p.get());
  }
  state.counters["allocs_per_iter"] =
      static_cast<double>(AllocationCount() - before) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_AllocationCounterSanity);

void BM_DecodeOnly(benchmark::State& state) {
  const auto payloads = testing::ChatStreamPayloads(kContentChunks, 200);
  int64_t bytes = 0;
  for (const auto& p : payloads) bytes += static_cast<int64_t>(p.size());
  OpenAiStreamDecoder decoder;
  for (const auto& p : payloads) decoder.Decode(p);  // warm-up
  const int64_t before = AllocationCount();
  for (auto _ : state) {
    decoder.Reset();
    for (const auto& p : payloads) benchmark::DoNotOptimize(decoder.Decode(p));
  }
  const int64_t allocations = AllocationCount() - before;
  const int64_t chunks = state.iterations() * static_cast<int64_t>(payloads.size());
  state.SetBytesProcessed(state.iterations() * bytes);
  state.SetItemsProcessed(chunks);
  state.counters["allocs_per_chunk"] =
      static_cast<double>(allocations) / static_cast<double>(chunks);
}
BENCHMARK(BM_DecodeOnly);

}  // namespace
}  // namespace llmload
