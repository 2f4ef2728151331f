// Counts heap allocations in a benchmark binary: a replacement global operator new (and the
// matching deletes) that counts every call. Include it in exactly one .cc of a benchmark
// binary; read the count with AllocationCount() around the code measured.
#ifndef LLMLOAD_BENCHMARKS_ALLOCATION_COUNTER_H_
#define LLMLOAD_BENCHMARKS_ALLOCATION_COUNTER_H_

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>

// GCC pairs the inlined malloc in operator new with the free in operator delete and warns about
// a mismatch that is not there: both sides of each pair are replaced below.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace {
// The one piece of global mutable state: a replaced operator new has nowhere else to count.
std::atomic<int64_t> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return ::operator new(size); }
void* operator new(std::size_t size, std::align_val_t align) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  const std::size_t a = static_cast<std::size_t>(align);
  if (void* p = std::aligned_alloc(a, (size + a - 1) / a * a)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size, std::align_val_t align) {
  return ::operator new(size, align);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

inline int64_t AllocationCount() { return g_allocations.load(std::memory_order_relaxed); }

#endif  // LLMLOAD_BENCHMARKS_ALLOCATION_COUNTER_H_
