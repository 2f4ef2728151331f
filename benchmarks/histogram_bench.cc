// Micro-benchmarks of LatencyHistogram: the agent's hot path (Record) and the per-interval work
// (ToProto on the agent, MergeFromProto / Merge / quantiles on the master).
//
// This binary replaces the global operator new with one that counts calls, so BM_Record can
// prove it allocates nothing (it fails with an error otherwise). The counter is the only global
// state here and exists only in this benchmark binary.
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <new>
#include <random>
#include <vector>

#include "benchmark/benchmark.h"
#include "common/histogram.h"

namespace {
std::atomic<uint64_t> g_allocations{0};
}  // namespace

// Not inlined: GCC would otherwise see malloc() paired with operator delete (or free() with
// operator new) and warn -Wmismatched-new-delete.
[[gnu::noinline]] void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace llmload {
namespace {

// Lognormal latencies around 20 ms (roughly 3 ms .. 150 ms), like a chat endpoint's e2e times.
std::vector<int64_t> MsLatencies(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> d(std::log(20e6), 0.6);
  std::vector<int64_t> values(n);
  for (auto& v : values) v = static_cast<int64_t>(d(rng));
  return values;
}

// Log-uniform over 1 us .. 1 h: touches most of the layout, the worst case for scans.
std::vector<int64_t> WideLatencies(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> d(std::log(1e3), std::log(3.6e12));
  std::vector<int64_t> values(n);
  for (auto& v : values) v = static_cast<int64_t>(std::exp(d(rng)));
  return values;
}

LatencyHistogram Filled(const std::vector<int64_t>& values) {
  LatencyHistogram h;
  for (int64_t v : values) h.Record(v);
  return h;
}

// range(0): 0 = ms-range lognormal, 1 = wide log-uniform.
std::vector<int64_t> Values(const benchmark::State& state, size_t n, uint64_t seed) {
  return state.range(0) == 0 ? MsLatencies(n, seed) : WideLatencies(n, seed);
}

void BM_Record(benchmark::State& state) {
  constexpr size_t kN = size_t{1} << 16;  // pre-generated, so RNG cost is not measured
  const std::vector<int64_t> values = MsLatencies(kN, 1);
  LatencyHistogram h;
  size_t i = 0;
  const uint64_t allocations_before = g_allocations.load();
  for (auto _ : state) {
    h.Record(values[i++ & (kN - 1)]);
  }
  const uint64_t allocations = g_allocations.load() - allocations_before;
  benchmark::DoNotOptimize(h);
  if (allocations != 0) state.SkipWithError("Record() allocated");
  if (h.count() != static_cast<uint64_t>(state.iterations())) state.SkipWithError("lost values");
  state.counters["allocs"] = static_cast<double>(allocations);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Record);

void BM_Merge(benchmark::State& state) {
  LatencyHistogram into = Filled(Values(state, 100'000, 2));
  const LatencyHistogram from = Filled(Values(state, 100'000, 3));
  for (auto _ : state) {
    into.Merge(from);
    benchmark::DoNotOptimize(into);
  }
}
BENCHMARK(BM_Merge)->Arg(0)->Arg(1);

void BM_ToProto(benchmark::State& state) {
  const LatencyHistogram h = Filled(Values(state, 100'000, 4));
  proto::Histogram p;
  for (auto _ : state) {
    h.ToProto(&p);
    benchmark::DoNotOptimize(p);
  }
  state.counters["buckets"] = p.bucket_counts_size();
  state.counters["bytes"] = static_cast<double>(p.ByteSizeLong());
}
BENCHMARK(BM_ToProto)->Arg(0)->Arg(1);

void BM_MergeFromProto(benchmark::State& state) {
  proto::Histogram p;
  Filled(Values(state, 100'000, 5)).ToProto(&p);
  LatencyHistogram into;
  if (!into.MergeFromProto(p).ok()) state.SkipWithError("valid proto refused");
  for (auto _ : state) {
    absl::Status status = into.MergeFromProto(p);
    benchmark::DoNotOptimize(status);
  }
}
BENCHMARK(BM_MergeFromProto)->Arg(0)->Arg(1);

void BM_ValuesAtQuantiles(benchmark::State& state) {
  // The quantiles of the report.
  const std::vector<double> qs = {0.5, 0.66, 0.75, 0.8, 0.9, 0.95, 0.98, 0.99, 0.999};
  std::vector<int64_t> out(qs.size());
  const LatencyHistogram h = Filled(Values(state, 100'000, 6));
  for (auto _ : state) {
    h.ValuesAtQuantiles(qs, absl::MakeSpan(out));
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_ValuesAtQuantiles)->Arg(0)->Arg(1);

}  // namespace
}  // namespace llmload
