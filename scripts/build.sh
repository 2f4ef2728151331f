#!/usr/bin/env bash
# Configures and builds llmload into build/ (Release with debug info). Extra arguments go to
# CMake, e.g. scripts/build.sh -DLLMLOAD_BUILD_TESTS=OFF.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)"
