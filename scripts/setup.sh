#!/usr/bin/env bash
# First command of the README: installs the dependencies (Debian bookworm, needs root or
# sudo) and builds llmload into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh "$@"
scripts/build.sh
echo "setup: built $(./build/llmload --version)"
