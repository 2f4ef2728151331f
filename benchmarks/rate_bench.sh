#!/usr/bin/env bash
# Reproduces the "Open loop: rate accuracy" figures of docs/benchmarks.md: how exactly
# `llmload run --rate R --arrival constant` keeps its target rate on one engine thread, and the
# same schedule sent by benchmarks/python_open_loop.py (a vLLM-style asyncio/aiohttp open-loop
# client). For each rate of RATES, a fresh mock (one thread, --ttft 0s --itl 0s
# --output-tokens 1) pinned to CPU $MOCK_CPU (default 0) serves llmload --threads 1 pinned to
# CPU $LOAD_CPU (default 1), then another fresh mock serves the Python client on the same CPU.
# One markdown table: achieved rate over target, send lateness (actual minus scheduled send)
# p50/p99/max, the CPU share of each process, and the first rate at which each tool misses its
# target by more than 1%. Everything runs on 127.0.0.1; every process is started in the
# background, stopped by its pid, and every run is bounded in time (DURATION + 100 s: an
# overloaded `llmload run` has been seen to take 60 s to stop).
#
#   benchmarks/rate_bench.sh
#
# Environment: RATES (req/s, default "1000 10000 50000"), DURATION (s of sending per run,
# default 10), BUILD_DIR (default build), LLMLOAD (the llmload whose mock and `run` are used;
# default BUILD_DIR's), PYTHON (default /usr/bin/python3, the interpreter Debian's
# python3-aiohttp is installed for), OUT (directory for every file a run writes; default a new
# /tmp/llmload-rate-bench.XXXXXX), MOCK_CPU, LOAD_CPU, MAX_RSS_MB (default 4096: a load
# generator resident above it is stopped, and its row says so).
# The machine is shared: wrap the script in `flock /tmp/llmload-cpu.lock` so that builds and
# other measurements do not run at the same time. Installs python3-aiohttp from Debian when
# PYTHON cannot import aiohttp.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD_DIR:-build}
LLMLOAD=${LLMLOAD:-$BUILD/llmload}
PYTHON=${PYTHON:-/usr/bin/python3}
RATES=${RATES:-"1000 10000 50000"}
DURATION=${DURATION:-10}
MOCK_CPU=${MOCK_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
OUT=${OUT:-$(mktemp -d /tmp/llmload-rate-bench.XXXXXX)}
MAX_RSS_KB=$((${MAX_RSS_MB:-4096} * 1024))  # read by wait_bounded (bench_lib.sh)
mkdir -p "$OUT"
[[ -x $LLMLOAD ]] || { echo "rate_bench: build first (scripts/build.sh) or set LLMLOAD" >&2; exit 2; }
"$LLMLOAD" run --help 2>&1 | grep -q -- --rate ||
  { echo "rate_bench: $LLMLOAD has no open loop (run --rate)" >&2; exit 2; }
if ! "$PYTHON" -c 'import aiohttp' 2>/dev/null; then
  apt-get install -y -qq python3-aiohttp >/dev/null ||
    { apt-get update -qq && apt-get install -y -qq python3-aiohttp >/dev/null; }
fi

# start_mock, stop_mock, sample, wait_bounded, run_bounded, the EXIT trap that stops them.
source benchmarks/bench_lib.sh
metrics_flags "$LLMLOAD"
# A client that falls behind a mock keeps every late request in flight: up to rate x
# DURATION sockets on each side in the worst case; the hard limit is what there is.
raise_fd_limit 20000 "a client far behind its target may need more sockets"

MOCK_ARGS=(--ttft 0s --itl 0s --output-tokens 1)

# run_llmload DIR RATE: a fresh mock, then `llmload run --rate RATE --arrival constant` on one
# engine thread for DURATION s.
run_llmload() {
  local dir=$1 rate=$2
  mkdir -p "$dir"
  start_mock "$dir" "${MOCK_ARGS[@]}"
  local rc=0
  run_bounded "$dir" run llmload $((DURATION + 100)) "$LLMLOAD" run --url "http://127.0.0.1:$PORT" \
    --model mock-llm --rate "$rate" --arrival constant --threads 1 -t "${DURATION}s" \
    --stop-timeout 10s -q "${METRICS_FLAGS[@]}" --json-out "$dir/run.json" || rc=$?
  ((rc == 0)) || echo "rate_bench: llmload run exited $rc: $(tail -3 "$dir/run.err")" >&2
  stop_mock "$dir"
}

# run_python DIR RATE: a fresh mock, then benchmarks/python_open_loop.py at RATE, constant.
run_python() {
  local dir=$1 rate=$2
  mkdir -p "$dir"
  start_mock "$dir" "${MOCK_ARGS[@]}"
  local rc=0
  run_bounded "$dir" python python $((DURATION + 100)) "$PYTHON" benchmarks/python_open_loop.py \
    --url "http://127.0.0.1:$PORT/v1/chat/completions" --model mock-llm --rate "$rate" \
    --arrival constant --duration "$DURATION" || rc=$?
  ((rc == 0)) || echo "rate_bench: python_open_loop.py exited $rc: $(tail -3 "$dir/python.err")" >&2
  stop_mock "$dir"
}

analyze() { "$PYTHON" - "$@" <<'PY'
import json, os, sys

CLK = os.sysconf("SC_CLK_TCK")

def samples(path):
    """bench_lib.sh's sample rows: wall_s, utime+stime ticks, VmRSS kB, VmHWM kB."""
    if not os.path.exists(path):
        return []
    return [tuple(float(x) for x in line.split()) for line in open(path) if len(line.split()) == 4]

def cpu_share(rows):
    """utime+stime over wall time between the first and last sample."""
    if len(rows) < 2:
        return float("nan")
    return (rows[-1][1] - rows[0][1]) / CLK / max(rows[-1][0] - rows[0][0], 1e-9)

def load_json(path):
    try:
        return json.load(open(path))
    except (OSError, ValueError):
        return None

def result(tool, d):
    r = {"tool": tool, "exit": int(open(f"{d}/exit_code").read()),
         "target": float(d.rsplit("-", 1)[1])}  # DIR is OUT/TOOL-RATE
    mock = load_json(f"{d}/mock_stats.json") or {}
    r["mock_completed"] = mock.get("completed")
    r["mock_cpu"] = cpu_share(samples(f"{d}/mock.samples"))
    own = samples(f"{d}/{'llmload' if tool == 'llmload' else 'python'}.samples")
    r["cpu"] = cpu_share(own)
    r["hwm_mb"] = max((x[3] for x in own), default=0) / 1024
    if tool == "llmload":
        j = load_json(f"{d}/run.json")
        if j is None:
            return r
        s = j["schedule"]
        r.update(target=s["target_rate"], achieved=s["achieved_rate"], sent=s["sent"],
                 lateness=s["send_lateness_s"], failed=j["requests"]["failed"],
                 note=f"dropped {s['dropped']}")
    else:
        lines = [l for l in open(f"{d}/python.out") if l.strip()] if os.path.exists(f"{d}/python.out") else []
        j = json.loads(lines[-1]) if lines else None
        if j is None:
            return r
        r.update(target=j["target_rate"], achieved=j["achieved_rate"], sent=j["sent"],
                 lateness=j["send_lateness_s"], failed=j["failed"],
                 note=f"not sent {j['not_sent']} of {j['due']} due")
    return r

def ms(x):
    return "-" if x is None else f"{x * 1e3:.3f}"

def count(x):
    return "-" if x is None else f"{x:,}"

rows = [result(tool, d) for tool, d in zip(sys.argv[1::2], sys.argv[2::2])]
print("| target req/s | tool | achieved req/s | achieved / target | send lateness p50 / p99 / max (ms) "
      "| sent | failed | mock completed | CPU of its core | mock CPU | |")
print("|---:|---|---:|---:|---|---:|---:|---:|---:|---:|---|")
first_miss = {}
for r in rows:
    if "achieved" not in r:
        print(f"| {r['target']:,.0f} | {r['tool']} | no result (exit {r['exit']}) | | | | | "
              f"{count(r['mock_completed'])} | {r['cpu'] * 100:.0f}% | {r['mock_cpu'] * 100:.0f}% | "
              f"peak RSS {r['hwm_mb']:,.0f} MiB |")
        first_miss.setdefault(r["tool"], r["target"])
        continue
    ratio = r["achieved"] / r["target"]
    if abs(ratio - 1) > 0.01:
        first_miss.setdefault(r["tool"], r["target"])
    l = r["lateness"]
    print(f"| {r['target']:,.0f} | {r['tool']} | {r['achieved']:,.1f} | {ratio:.4f} | "
          f"{ms(l['p50'])} / {ms(l['p99'])} / {ms(l['max'])} | {r['sent']:,} | {r['failed']:,} | "
          f"{count(r['mock_completed'])} | {r['cpu'] * 100:.0f}% | {r['mock_cpu'] * 100:.0f}% | "
          f"{r['note']}, peak RSS {r['hwm_mb']:,.0f} MiB{'' if r['exit'] == 0 else ', exit ' + str(r['exit'])} |")
print()
for tool in dict.fromkeys(r["tool"] for r in rows):
    rate = first_miss.get(tool)
    print(f"- {tool}: first target missed by more than 1%: "
          f"{'none of the rates measured' if rate is None else f'{rate:,.0f} req/s'}")
PY
}

print_machine "$OUT"
echo "# mock on CPU $MOCK_CPU (--threads 1 ${MOCK_ARGS[*]}), load generator on CPU $LOAD_CPU," \
  "${DURATION}s of sending per run; llmload $LLMLOAD, Python $("$PYTHON" --version 2>&1)," \
  "aiohttp $("$PYTHON" -c 'import aiohttp; print(aiohttp.__version__)')"
pairs=()
for rate in $RATES; do
  run_llmload "$OUT/llmload-$rate" "$rate"
  run_python "$OUT/python-$rate" "$rate"
  pairs+=(llmload "$OUT/llmload-$rate" python "$OUT/python-$rate")
done
analyze "${pairs[@]}"
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
