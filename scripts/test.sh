#!/usr/bin/env bash
# Second command of the README, and what CI runs: installs the dependencies and the test
# peers, builds, and runs the whole suite (unit, integration, e2e) with CTest; then, with no
# arguments, the sanitizer build and fuzzing (scripts/fuzz.sh; LLMLOAD_SKIP_FUZZ=1 skips it).
# Arguments go to CTest (e.g. -R run_test) and skip the fuzzing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --with-test-tools
if [[ -f tests/clients/package.json ]]; then
  (cd tests/clients && npm ci --no-audit --no-fund --loglevel=error)
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
(cd build && ctest --output-on-failure --timeout 600 -j"$(nproc)" "$@") 2>&1 | tee "$log"
ctest_status=${PIPESTATUS[0]}
fuzz_status=0
if (($# == 0)) && [[ ${LLMLOAD_SKIP_FUZZ:-0} != 1 ]]; then
  scripts/fuzz.sh
  fuzz_status=$?
fi
set -e
# CI reads CTest's closing line ("N% tests passed, ..."): repeat it as the last line.
if ((fuzz_status != 0)); then
  echo "test: sanitizer/fuzzing run FAILED (exit $fuzz_status, see 'fuzz:' lines above)"
fi
grep -E '^[0-9]+% tests passed' "$log" | tail -n 1 || true
((ctest_status == 0)) || exit "$ctest_status"
exit "$fuzz_status"
