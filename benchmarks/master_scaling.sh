#!/usr/bin/env bash
# Master (distributed mode) scaling: CPU, memory, exactness and end-to-end stats delay of
# `llmload master` merging 1 s deltas from N fake agents over real gRPC (loopback only).
#
#   benchmarks/master_scaling.sh                 # N = 10 50 100 fake agents, 60 s runs
#   AGENTS="100 200" DURATION=30 benchmarks/master_scaling.sh
#   benchmarks/master_scaling.sh real           # the delay with one real agent (see below)
#
# For each N: starts `llmload master` pinned to CPU $MASTER_CPU (default 0) and
# build/benchmarks/fake_agents_harness with N agents pinned to CPU $HARNESS_CPU (default 1);
# samples the master's utime+stime (/proc/PID/stat) and VmRSS (/proc/PID/status) every second;
# reports master CPU as % of one core over the steady state (from 5 s after the run starts to
# 3 s before it ends), peak RSS, whether the master's JSON requests.total equals what the
# harness sent, and the delay from a (fake) request completing on an agent to the first
# --csv-stats row of the master whose requests_total includes it. The master's --url is never
# contacted (the agents are fake, and with --model given there is no model discovery).
#
# `real`: the same delay measured end to end with a real `llmload agent --threads 1` against
# `llmload mock` (TTFT 50 ms, ITL 10 ms, 100 tokens: ~1.05 s per request), REAL_USERS users
# (default 50) for REAL_DURATION s (default 30). A request's completion time is its
# --csv-out start_offset_s + e2e_s after the run start (the master's run start, taken from
# --csv-stats as timestamp - elapsed_s; the agent starts its engine a few ms later, so the
# delay is overstated by that much); requests are ranked by completion, and the i-th is
# visible at the first --csv-stats row with requests_total >= i (exact with one agent thread,
# which hands its requests over in completion order).
# Everything it starts it stops by pid. Needs scripts/build.sh first, and python3.
set -euo pipefail
cd "$(dirname "$0")/.."

AGENTS=${AGENTS:-"10 50 100"}
DURATION=${DURATION:-60}
RPS=${RPS:-50}             # requests per agent per 1 s delta
MASTER_CPU=${MASTER_CPU:-0}
HARNESS_CPU=${HARNESS_CPU:-1}
OUT=${OUT:-$(mktemp -d /tmp/llmload-master-scaling.XXXXXX)}
LLMLOAD=${LLMLOAD:-build/llmload}
HARNESS=${HARNESS:-build/benchmarks/fake_agents_harness}
# The master serves Prometheus /metrics by default (0.0.0.0:9646); keep it on loopback, any
# free port, so runs stay on 127.0.0.1 and never collide with another master. Its per-second
# update stays in the measured cost (nothing scrapes it). "off" drops it.
METRICS_BIND=${METRICS_BIND:-127.0.0.1:0}
mkdir -p "$OUT"
for bin in "$LLMLOAD" "$HARNESS"; do
  [[ -x $bin ]] || { echo "missing $bin: run scripts/build.sh" >&2; exit 1; }
done

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "kernel: $(uname -r); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "output: $OUT"

run_one() {
  local n=$1 dir="$OUT/n$1"
  mkdir -p "$dir"
  taskset -c "$MASTER_CPU" "$LLMLOAD" master --url http://127.0.0.1:9 --model m \
    --expect-agents "$n" --expect-agents-timeout 60s -u $((n * 10)) -r 1000 -t "${DURATION}s" \
    --json-out "$dir/summary.json" --csv-stats "$dir/stats.csv" -q --bind 127.0.0.1:0 \
    --metrics-bind "$METRICS_BIND" >"$dir/master.out" 2>"$dir/master.err" &
  local mpid=$!
  PIDS+=("$mpid")
  local port=""
  for _ in $(seq 100); do
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$dir/master.out")
    [[ -n $port ]] && break
    sleep 0.1
  done
  [[ -n $port ]] || { echo "master did not start: $(cat "$dir/master.err")" >&2; return 1; }

  # Sampler: wall time, master utime+stime (ticks), master VmRSS (kB), harness utime+stime.
  local clk; clk=$(getconf CLK_TCK)
  (
    while kill -0 "$mpid" 2>/dev/null; do
      st=$(cat "/proc/$mpid/stat" 2>/dev/null) || break
      rss=$(awk '/^VmRSS/ {print $2}' "/proc/$mpid/status" 2>/dev/null) || break
      hst=$(cat "/proc/$(cat "$dir/harness.pid" 2>/dev/null || echo 0)/stat" 2>/dev/null || echo "")
      # Fields after the ")" that ends comm: utime is field 14, stime 15 of the whole line.
      m=$(echo "${st##*) }" | awk '{print $12 + $13}')
      h=$( [[ -n $hst ]] && echo "${hst##*) }" | awk '{print $12 + $13}' || echo 0)
      echo "$(date +%s.%N) $m $rss $h"
      sleep 1
    done
  ) >"$dir/samples.txt" &
  local spid=$!
  PIDS+=("$spid")

  taskset -c "$HARNESS_CPU" "$HARNESS" --master "127.0.0.1:$port" --agents "$n" --rps "$RPS" \
    --deltas-csv "$dir/deltas.csv" --max-seconds $((DURATION + 90)) \
    >"$dir/harness.out" 2>"$dir/harness.err" &
  local hpid=$!
  PIDS+=("$hpid")
  echo "$hpid" >"$dir/harness.pid"

  # Bounded waits: the run is DURATION s plus connection and shutdown time.
  local waited=0
  while kill -0 "$mpid" 2>/dev/null && ((waited < DURATION + 120)); do sleep 1; waited=$((waited + 1)); done
  if kill -0 "$mpid" 2>/dev/null; then echo "master still running; stopping it" >&2; kill "$mpid"; fi
  wait "$mpid" || echo "master exit code $?" >&2
  waited=0
  while kill -0 "$hpid" 2>/dev/null && ((waited < 30)); do sleep 1; waited=$((waited + 1)); done
  if kill -0 "$hpid" 2>/dev/null; then echo "harness still running; stopping it" >&2; kill "$hpid"; fi
  wait "$hpid" || echo "harness exit code $?" >&2
  wait "$spid" 2>/dev/null || true

  python3 - "$dir" "$n" "$clk" "$DURATION" <<'PY'
import csv, json, sys
d, n, clk, duration = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
samples = [tuple(float(x) for x in l.split()) for l in open(f"{d}/samples.txt") if len(l.split()) == 4]
rows = list(csv.DictReader(open(f"{d}/stats.csv")))
summary = json.load(open(f"{d}/summary.json"))
harness = dict(kv.split("=") for kv in open(f"{d}/harness.out").read().split()[1:])
deltas = list(csv.DictReader(open(f"{d}/deltas.csv")))

# Run start (wall) from the first csv row: timestamp - elapsed_s.
t0 = float(rows[0]["timestamp"]) - float(rows[0]["elapsed_s"])
lo, hi = t0 + 5, t0 + duration - 3
win = [s for s in samples if lo <= s[0] <= hi]
cpu = (win[-1][1] - win[0][1]) / clk / (win[-1][0] - win[0][0]) * 100
hcpu = (win[-1][3] - win[0][3]) / clk / (win[-1][0] - win[0][0]) * 100
peak_rss = max(s[2] for s in samples) / 1024
steady_rss = win[-1][2] / 1024

total = summary["requests"]["total"]
sent = int(harness["requests_sent"])

# Delay: attribute deltas to csv rows. Rows hold cumulative totals; deltas in send order give
# prefix sums; a row's total must equal one of those prefix sums when the master merged the
# deltas in send order (checked: `rows_exact`).
deltas.sort(key=lambda r: int(r["send_wall_ns"]))
prefix, acc = [], 0
for r in deltas:
    acc += int(r["requests"]); prefix.append(acc)
import bisect
visible = [None] * len(deltas)
exact = 0
last = 0
for row in rows:
    T, R = float(row["timestamp"]), int(row["requests_total"])
    m = bisect.bisect_right(prefix, R)  # deltas [0, m) fit in R
    exact += (m == 0 and R == 0) or (m > 0 and prefix[m - 1] == R)
    for i in range(last, m):
        visible[i] = T
    last = max(last, m)
per_req, per_delta_new, master_side = [], [], []
for r, v in zip(deltas, visible):
    if v is None: continue
    k = int(r["requests"]); s = int(r["start_wall_ns"]) / 1e9; e = int(r["end_wall_ns"]) / 1e9
    for j in range(k):
        per_req.append(v - (s + (j + 0.5) * (e - s) / k))
    if k: per_delta_new.append(v - e)
    master_side.append(v - int(r["send_wall_ns"]) / 1e9)
def pct(xs, q):
    xs = sorted(xs); return xs[min(len(xs) - 1, max(0, int(round(q * len(xs))) - 1))] if xs else float("nan")
unattributed = sum(v is None for v in visible)
print(f"N={n}: master CPU {cpu:.1f}% of one core (steady {win[-1][0]-win[0][0]:.0f} s); "
      f"RSS peak {peak_rss:.1f} MiB (end of steady state {steady_rss:.1f} MiB); harness CPU {hcpu:.1f}%")
print(f"N={n}: requests: master JSON total {total}, harness sent {sent}: "
      f"{'EXACT' if total == sent else 'MISMATCH'}; deltas {harness['deltas']}, "
      f"unacked at end {harness['unacked_at_end']}, agents in JSON {summary.get('agents', {}).get('count', '?') if isinstance(summary.get('agents'), dict) else len(summary.get('agents', []))}")
print(f"N={n}: delay request-completed -> in master csv-stats: p50 {pct(per_req,.5):.3f} s, "
      f"p99 {pct(per_req,.99):.3f} s, max {max(per_req):.3f} s over {len(per_req)} requests; "
      f"newest request of each delta p50 {pct(per_delta_new,.5):.3f} s; master side "
      f"(delta sent -> visible) p50 {pct(master_side,.5):.3f} / max {max(master_side):.3f} s; "
      f"rows matching a send-order prefix {exact}/{len(rows)}; unattributed deltas {unattributed}")
json.dump(dict(n=n, cpu_pct=cpu, harness_cpu_pct=hcpu, peak_rss_mib=peak_rss, steady_rss_mib=steady_rss,
               total=total, sent=sent, delay_p50=pct(per_req,.5), delay_p99=pct(per_req,.99),
               delay_max=max(per_req), master_side_max=max(master_side), rows_exact=exact, rows=len(rows)),
          open(f"{d}/result.json", "w"))
PY
  echo "N=$n: load after: $(cut -d' ' -f1-3 /proc/loadavg)"
}

run_real() {
  local dir="$OUT/real" users=${REAL_USERS:-50} duration=${REAL_DURATION:-30}
  mkdir -p "$dir"
  taskset -c "$HARNESS_CPU" "$LLMLOAD" mock --port 0 --ttft 50ms --itl 10ms --output-tokens 100 \
    >"$dir/mock.out" 2>"$dir/mock.err" &
  local mockpid=$!
  PIDS+=("$mockpid")
  local mport=""
  for _ in $(seq 100); do
    mport=$(grep -o '127\.0\.0\.1:[0-9]*' "$dir/mock.out" "$dir/mock.err" 2>/dev/null | head -1 | sed 's/.*://' || true)
    [[ -n $mport ]] && break
    sleep 0.1
  done
  [[ -n $mport ]] || { echo "mock did not start" >&2; return 1; }
  taskset -c "$MASTER_CPU" "$LLMLOAD" master --url "http://127.0.0.1:$mport" --model m \
    --expect-agents 1 --expect-agents-timeout 30s -u "$users" -r "$users" -t "${duration}s" \
    --json-out "$dir/summary.json" --csv-stats "$dir/stats.csv" --csv-out "$dir/requests.csv" \
    -q --bind 127.0.0.1:0 --metrics-bind "$METRICS_BIND" >"$dir/master.out" 2>"$dir/master.err" &
  local mpid=$!
  PIDS+=("$mpid")
  local port=""
  for _ in $(seq 100); do
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$dir/master.out")
    [[ -n $port ]] && break
    sleep 0.1
  done
  [[ -n $port ]] || { echo "master did not start: $(cat "$dir/master.err")" >&2; return 1; }
  taskset -c "$HARNESS_CPU" "$LLMLOAD" agent --master "127.0.0.1:$port" --threads 1 \
    >"$dir/agent.out" 2>"$dir/agent.err" &
  local apid=$!
  PIDS+=("$apid")
  local waited=0
  while kill -0 "$mpid" 2>/dev/null && ((waited < duration + 60)); do sleep 1; waited=$((waited + 1)); done
  if kill -0 "$mpid" 2>/dev/null; then echo "master still running; stopping it" >&2; kill "$mpid"; fi
  wait "$mpid" || echo "master exit code $?" >&2
  waited=0
  while kill -0 "$apid" 2>/dev/null && ((waited < 15)); do sleep 1; waited=$((waited + 1)); done
  if kill -0 "$apid" 2>/dev/null; then kill "$apid"; fi
  wait "$apid" 2>/dev/null || true
  kill "$mockpid" 2>/dev/null || true
  wait "$mockpid" 2>/dev/null || true
  python3 - "$dir" <<'PY'
import csv, json, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(f"{d}/stats.csv")))
reqs = [r for r in csv.DictReader(open(f"{d}/requests.csv")) if r["error_class"] != "cancelled"]
total = json.load(open(f"{d}/summary.json"))["requests"]["total"]
t0 = float(rows[0]["timestamp"]) - float(rows[0]["elapsed_s"])
done = sorted(t0 + float(r["start_offset_s"]) + float(r["e2e_s"]) for r in reqs)
delays, k = [], 0
for i, c in enumerate(done, 1):
    while k < len(rows) and int(rows[k]["requests_total"]) < i: k += 1
    if k < len(rows): delays.append(float(rows[k]["timestamp"]) - c)
delays.sort()
p = lambda q: delays[min(len(delays) - 1, max(0, int(round(q * len(delays))) - 1))]
print(f"real agent: {len(reqs)} requests in --csv-out, master JSON total {total}: "
      f"{'EXACT' if len(reqs) == total else 'MISMATCH'}")
print(f"real agent: delay request-completed -> in master csv-stats: p50 {p(.5):.3f} s, "
      f"p99 {p(.99):.3f} s, max {delays[-1]:.3f} s, min {delays[0]:.3f} s over {len(delays)} requests")
PY
  echo "real: load after: $(cut -d' ' -f1-3 /proc/loadavg)"
}

case "${1:-fake}" in
  fake) for n in $AGENTS; do run_one "$n"; done ;;
  real) run_real ;;
  all) for n in $AGENTS; do run_one "$n"; done; run_real ;;
  *) echo "usage: $0 [fake|real|all]" >&2; exit 2 ;;
esac
