#!/usr/bin/env bash
# Second command of the README, and what CI runs: installs the dependencies and the test
# peers, builds, and runs the whole suite (unit, integration, e2e) with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --with-test-tools
if [[ -f tests/clients/package.json ]]; then
  (cd tests/clients && npm ci --no-audit --no-fund --loglevel=error)
fi
cd build
ctest --output-on-failure --timeout 600 -j"$(nproc)" "$@"
