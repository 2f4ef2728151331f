#!/usr/bin/env bash
# Constant memory over time (issue 13): an open-loop run at a fixed rate against the mock for
# DURATION, its resident memory sampled every 0.25 s, and the RSS at minute 1 against the RSS
# at the end. A load generator whose memory grows with the requests it has sent (per-request
# state kept, a histogram or queue that never shrinks) shows it here; the target is within 5%.
# Loopback only; the mock and llmload are stopped by their pids.
# Usage: benchmarks/rss_soak.sh [DURATION_S] [RATE]   (defaults: 600 s, 500 req/s)
# Environment: LLMLOAD (default build/llmload), MOCK_CPU / LOAD_CPU (default 0 / 1), OUT.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-600}
RATE=${2:-500}
LLMLOAD=${LLMLOAD:-build/llmload}
MOCK_CPU=${MOCK_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
OUT=${OUT:-$(mktemp -d /tmp/llmload-soak.XXXXXX)}
mkdir -p "$OUT"
# shellcheck source=benchmarks/bench_lib.sh
source benchmarks/bench_lib.sh
metrics_flags "$LLMLOAD"
print_machine "$OUT"

start_mock "$OUT" --ttft 20ms --itl 2ms --output-tokens 16
rc=0
run_bounded "$OUT" llmload llmload $((DURATION + 60)) \
  "$LLMLOAD" run --url "http://127.0.0.1:$PORT" --model m --rate "$RATE" --arrival poisson \
  -t "${DURATION}s" --threads 1 -q "${METRICS_FLAGS[@]}" --json-out "$OUT/summary.json" || rc=$?
stop_mock "$OUT"
((rc == 0)) || { echo "$BENCH: llmload exited $rc: $(tail -3 "$OUT/llmload.err")" >&2; exit 1; }

# RSS (kB) at the first sample past 60 s, the last sample, and the peak.
awk -v rate="$RATE" -v dur="$DURATION" '
  NR == 1 { t0 = $1 }
  { t = $1 - t0; if (m1 == "" && t >= 60) m1 = $3; if ($3 > 0) last = $3; if ($4 > hwm) hwm = $4 }
  END {
    if (m1 == "") { print "soak: shorter than a minute"; exit 1 }
    printf "rate %d req/s for %d s: RSS at 1 min %d kB, at the end %d kB (%+.2f%%), peak %d kB\n",
      rate, dur, m1, last, 100 * (last - m1) / m1, hwm
  }' "$OUT/llmload.samples"
python3 - "$OUT/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
sc = s["schedule"]
print(f"sent {sc['sent']} ({sc['achieved_rate']:.1f} req/s achieved), dropped {sc['dropped']}, "
      f"failed {s['requests']['failed']}, lateness p99 {1e3 * sc['send_lateness_s']['p99']:.3f} ms")
PY
