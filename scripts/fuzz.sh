#!/usr/bin/env bash
# Sanitizer build and fuzzing (docs/testing.md); scripts/test.sh runs it after the normal suite.
# Builds build-sanitize/ with clang, ASan + UBSan on everything and the libFuzzer targets of
# tests/fuzz/, runs the unit tests under the sanitizers, then each fuzz target for FUZZ_SECONDS
# from a fresh copy of its seed corpus (the checked-in corpus is never modified). Any failed
# test, crash, leak, timeout or undefined behaviour makes the exit code non-zero.
# Usage: scripts/fuzz.sh [TARGET...]   (default: every tests/fuzz/*.cc)
# Environment: FUZZ_SECONDS (default 30 per target), FUZZ_JOBS (targets run at once; default
# the number of CPUs), FUZZ_SKIP_UNIT=1 (fuzz only),
# BUILD_DIR (default build-sanitize), CMAKE_CXX_COMPILER_LAUNCHER (e.g. ccache; CMake reads it).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-sanitize}
FUZZ_SECONDS=${FUZZ_SECONDS:-30}

if (($# > 0)); then
  targets=("$@")
else
  targets=()
  for src in tests/fuzz/*.cc; do targets+=("$(basename "$src" .cc)"); done
fi
for t in "${targets[@]}"; do
  [[ -f tests/fuzz/$t.cc ]] || { echo "fuzz: no target '$t' (tests/fuzz/$t.cc)" >&2; exit 2; }
done

# UB aborts (-fno-sanitize-recover) with a stack; leaks are reported at exit (LeakSanitizer).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

start=$SECONDS
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DLLMLOAD_SANITIZE=ON -DLLMLOAD_BUILD_FUZZERS=ON -DLLMLOAD_BUILD_BENCHMARKS=OFF >/dev/null
build_targets=("${targets[@]/%/_fuzzer}")
[[ ${FUZZ_SKIP_UNIT:-0} == 1 ]] || build_targets+=(unit_tests)
cmake --build "$BUILD_DIR" -j"$(nproc)" --target "${build_targets[@]}"
echo "fuzz: sanitizer build done in $((SECONDS - start)) s"

if [[ ${FUZZ_SKIP_UNIT:-0} != 1 ]]; then
  start=$SECONDS
  # The binary directly, not ctest: one process, and no second ctest summary line in the log.
  if ! "$BUILD_DIR/tests/unit_tests" --gtest_brief=1; then
    echo "fuzz: unit tests under ASan+UBSan FAILED" >&2
    exit 1
  fi
  echo "fuzz: unit tests under ASan+UBSan passed in $((SECONDS - start)) s"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
artifacts="$BUILD_DIR/fuzz-artifacts"
mkdir -p "$artifacts"
# One target: fuzz a fresh copy of its corpus; write its one-line result to $work/$t.result and
# leave $work/$t.failed behind when it fails.
fuzz_target() {
  local t=$1 log="$work/$1.log" start=$SECONDS runs
  mkdir "$work/$t"
  cp tests/fuzz/corpus/"$t"/* "$work/$t/" 2>/dev/null || true
  # -timeout: one input taking this long is a hang; -rss_limit_mb: memory growth is a failure.
  if "$BUILD_DIR/fuzz/${t}_fuzzer" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$artifacts/$t-" "$work/$t" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "fuzz: $t: ${runs:-?} runs in $((SECONDS - start)) s, no crash" >"$work/$t.result"
  else
    echo "fuzz: $t: FAILED after $((SECONDS - start)) s; input saved under $artifacts/$t-*" \
      "(reproduce: $BUILD_DIR/fuzz/${t}_fuzzer <file>)" >"$work/$t.result"
    touch "$work/$t.failed"
  fi
}
# A target is one single-threaded process: FUZZ_JOBS of them run at once (default: one per
# CPU), each still for FUZZ_SECONDS. Results are printed in target order once all are done.
jobs_max=${FUZZ_JOBS:-$(nproc)}
running=0
for t in "${targets[@]}"; do
  fuzz_target "$t" &
  if ((++running >= jobs_max)); then
    wait -n || true
    ((running--))
  fi
done
wait
failed=()
for t in "${targets[@]}"; do
  if [[ -e $work/$t.failed ]]; then
    tail -n 80 "$work/$t.log" || true
    failed+=("$t")
  fi
  cat "$work/$t.result"
done
if ((${#failed[@]} > 0)); then
  echo "fuzz: ${#failed[@]} of ${#targets[@]} targets failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran ${FUZZ_SECONDS} s each, no crash, leak or UB"
