#!/usr/bin/env bash
# The README's demo: shows llmload's commands. (Replaced by a real load test against the
# built-in mock once `llmload run` exists.)
set -euo pipefail
cd "$(dirname "$0")/.."
./build/llmload --help
