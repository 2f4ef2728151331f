#!/usr/bin/env bash
# Reproduces the "Benchmarks: mock" figures of docs/benchmarks.md: how fast one mock thread
# serves streams, whether it holds 10,000 concurrent streams, and how exact its TTFT / ITL are
# under 1,000 concurrent streams. Everything runs on 127.0.0.1; the mock is pinned to CPU 0 and
# the load clients to CPU 1, and the mock is started and stopped by its pid.
#
# Usage: benchmarks/mock_bench.sh [throughput|wrk|accuracy|10k|all]   (default: all)
# Needs build/llmload (scripts/build.sh). Installs wrk from Debian for the wrk scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD_DIR:-build}
DURATION=${DURATION:-10}
which=${1:-all}

[[ -x $BUILD/llmload ]] || { echo "mock_bench: build first (scripts/build.sh)" >&2; exit 2; }
c++ -O2 -std=c++20 -o "$BUILD/mock_stream_probe" benchmarks/mock_stream_probe.cc

MOCK_PID=""
MOCK_LOG=$(mktemp /tmp/llmload-mock-bench.XXXXXX)
stop_mock() {
  if [[ -n $MOCK_PID ]]; then
    kill -TERM "$MOCK_PID" 2>/dev/null || true
    wait "$MOCK_PID" 2>/dev/null || true
    echo "  mock: $(tail -1 "$MOCK_LOG")"
    MOCK_PID=""
  fi
}
trap stop_mock EXIT

# start_mock ARGS...: starts one mock thread on CPU 0 on an ephemeral port; sets PORT.
start_mock() {
  taskset -c 0 "$BUILD/llmload" mock --port 0 --threads 1 "$@" >"$MOCK_LOG" 2>&1 &
  MOCK_PID=$!
  for _ in $(seq 100); do
    PORT=$(sed -n 's|^llmload mock listening on http://127.0.0.1:\([0-9]*\)$|\1|p' "$MOCK_LOG")
    [[ -n $PORT ]] && return 0
    sleep 0.05
  done
  echo "mock_bench: the mock did not start: $(cat "$MOCK_LOG")" >&2
  exit 1
}

mock_stats() { curl -s "http://127.0.0.1:$PORT/mock/stats"; echo; }

probe() { taskset -c 1 "$BUILD/mock_stream_probe" --port "$PORT" "$@"; }

echo "# $(date -u +%FT%TZ) $(nproc) CPUs, load average: $(cut -d' ' -f1-3 /proc/loadavg)"

if [[ $which == throughput || $which == all ]]; then
  echo "## throughput: 1 mock thread, --ttft 0s --itl 0s, 16-token streams, 64 keep-alive connections"
  start_mock --ttft 0s --itl 0s
  probe --connections 64 --duration "$DURATION" --tokens 16
  mock_stats
  stop_mock
fi

if [[ $which == wrk || $which == all ]]; then
  command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null || \
    { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; }
  echo "## wrk: 1 mock thread, --ttft 0s --itl 0s, 16-token streams, wrk -t1 -c64"
  start_mock --ttft 0s --itl 0s
  taskset -c 1 wrk -t1 -c64 -d"${DURATION}s" -s benchmarks/mock_wrk_stream.lua \
    "http://127.0.0.1:$PORT/v1/chat/completions"
  mock_stats
  stop_mock
fi

if [[ $which == accuracy || $which == all ]]; then
  echo "## timing accuracy: 1,000 concurrent streams, --ttft 20ms --itl 5ms, 64 tokens"
  start_mock --ttft 20ms --itl 5ms
  probe --connections 1000 --duration "$DURATION" --tokens 64 --ttft-ms 20 --itl-ms 5
  mock_stats
  stop_mock
fi

if [[ $which == 10k || $which == all ]]; then
  echo "## 10,000 concurrent streams: --ttft 20ms --itl 100ms, 64 tokens (100k chunks/s offered)"
  start_mock --ttft 20ms --itl 100ms
  probe --connections 10000 --duration $((DURATION + 10)) --tokens 64 --ttft-ms 20 --itl-ms 100
  mock_stats
  stop_mock
fi
