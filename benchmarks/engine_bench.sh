#!/usr/bin/env bash
# Reproduces the "Load engine (llmload run)" figures of docs/benchmarks.md: how exactly, how
# fast and how leanly `llmload run` drives streaming users against `llmload mock`, and the same
# request driven by Locust. Everything runs on 127.0.0.1; the mock (one thread) is pinned to
# CPU $MOCK_CPU (default 0) and the load generator (llmload --threads 1, or locust) to CPU
# $LOAD_CPU (default 1). Every process is started in the background, watched by its pid,
# stopped by its pid, and every run is bounded in time.
#
#   benchmarks/engine_bench.sh [error|throughput|memory|locust|floor|all]  (default: all)
#
#   error       TTFT measurement error at ERROR_USERS (default "100 1000 10000") users:
#               llmload's TTFT p50/p99 (--json-out) minus the mock's own first-token time
#               p50/p99 (/mock/stats first_token_from_arrival_us: the request's arrival in the
#               mock's socket, stamped by the kernel -> first content chunk handed to send();
#               the error from first_token_us, which starts when the mock parsed the request,
#               is shown beside it). Mock: --ttft 20ms --itl $ERROR_ITL (default 5ms)
#               --output-tokens 16.
#   throughput  completed streams/s and tokens/s of one engine thread (--threads 1) with
#               THROUGHPUT_USERS (default "64 256 1024") users against a mock with
#               --ttft 0s --itl 0s --output-tokens 16, and llmload's CPU (utime+stime from
#               /proc/PID/stat) over the steady state, so req/s per core-second is known.
#   memory      peak RSS (VmHWM) and steady VmRSS of llmload at MEMORY_USERS (default
#               "100 10000") users (mock 20ms/5ms/16 tokens); bytes per user = the
#               difference divided by the difference in users.
#   locust      for each LOCUST_USERS (default "100 1000"): llmload, then Locust (Debian's
#               python3-locust, benchmarks/locustfile.py, headless, --csv), with the same
#               users, spawn rate and duration against a fresh mock with the same flags
#               (20ms/5ms/16 tokens); one table with the throughput ratio and the TTFT error
#               ratio, both measured against the mock's first_token_from_arrival_us of the
#               same run.
#   floor       benchmarks/loopback_floor_harness (built with the project): bare epoll
#               sender and receiver threads on $MOCK_CPU / $LOAD_CPU, no HTTP, moving
#               FLOOR_RATES (default "50000 100000 200000") 250-byte segments/s over 1,000
#               loopback connections: what the machine's loopback costs and delays, below any
#               mock and load tester. 200,000/s is the chunk rate of 1,000 users at 5 ms ITL.
#
# Environment: DURATION (s per run, default 20), BUILD_DIR (default build), LOAD_BIN (the
# llmload that generates the load; default BUILD_DIR's), OUT (directory for
# every file a run writes; default a new /tmp/llmload-engine-bench.XXXXXX), MOCK_CPU, LOAD_CPU.
# The machine is shared: wrap the script in `flock /tmp/llmload-cpu.lock` so that builds and
# other measurements do not run at the same time.
# Needs build/llmload (scripts/build.sh), curl, python3; installs python3-locust from Debian
# for the locust scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD_DIR:-build}
LLMLOAD=$BUILD/llmload
# The load generator's binary (default the mock's): another build of llmload, to compare two
# commits side by side against the same mock (benchmarks/ab_engine.sh).
LOAD_BIN=${LOAD_BIN:-$LLMLOAD}
DURATION=${DURATION:-20}
MOCK_CPU=${MOCK_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
ERROR_USERS=${ERROR_USERS:-"100 1000 10000"}
ERROR_ITL=${ERROR_ITL:-5ms}
FLOOR_RATES=${FLOOR_RATES:-"50000 100000 200000"}
THROUGHPUT_USERS=${THROUGHPUT_USERS:-"64 256 1024"}
MEMORY_USERS=${MEMORY_USERS:-"100 10000"}
LOCUST_USERS=${LOCUST_USERS:-"100 1000"}
OUT=${OUT:-$(mktemp -d /tmp/llmload-engine-bench.XXXXXX)}
which=${1:-all}
case $which in error | throughput | memory | locust | floor | all) ;;
  *) echo "usage: $0 [error|throughput|memory|locust|floor|all]" >&2; exit 2 ;;
esac
mkdir -p "$OUT"
[[ -x $LLMLOAD ]] || { echo "engine_bench: build first (scripts/build.sh)" >&2; exit 2; }

# start_mock, stop_mock, sample, wait_bounded, run_bounded, the EXIT trap that stops them.
source benchmarks/bench_lib.sh
metrics_flags "$LOAD_BIN"

# 10,000 users need 10,000 sockets in llmload and as many in the mock (separate processes),
# plus epoll, timer and log descriptors.
raise_fd_limit 10500 "10,000 users need about 10,100"

spawn_rate() { local u=$1; echo $((u < 2000 ? u : 2000)); }  # ramp <= 5 s at 10,000 users

# run_llmload DIR USERS MOCK_ARGS...: a fresh mock, then `llmload run` with USERS users for
# DURATION s on one engine thread, sampled; writes everything under DIR.
run_llmload() {
  local dir=$1 users=$2
  shift 2
  mkdir -p "$dir"
  start_mock "$dir" "$@"
  local rate
  rate=$(spawn_rate "$users")
  echo "$users $rate" >"$dir/params"
  local rc=0
  run_bounded "$dir" run llmload $((DURATION + 60)) "$LOAD_BIN" run --url "http://127.0.0.1:$PORT" \
    --model mock-llm -u "$users" -r "$rate" -t "${DURATION}s" --stop-timeout 10s --threads 1 -q \
    "${METRICS_FLAGS[@]}" --json-out "$dir/run.json" --csv-stats "$dir/stats.csv" || rc=$?
  ((rc == 0)) || echo "engine_bench: llmload run exited $rc: $(tail -3 "$dir/run.err")" >&2
  stop_mock "$dir"
}

# run_locust DIR USERS: a fresh mock (20ms/5ms/16 tokens), then Locust headless on $LOAD_CPU.
run_locust() {
  local dir=$1 users=$2
  mkdir -p "$dir"
  start_mock "$dir" --ttft 20ms --itl 5ms --output-tokens 16
  local rate
  rate=$(spawn_rate "$users")
  echo "$users $rate" >"$dir/params"
  echo "$EPOCHREALTIME" >"$dir/started"
  # exit_code is 1 when any request failed: see locust_failures.csv
  run_bounded "$dir" locust locust $((DURATION + 60)) env LOCUST_TTFT_FILE="$dir/locust_ttft.txt" \
    /usr/bin/locust -f benchmarks/locustfile.py --headless -u "$users" -r "$rate" -t "${DURATION}s" \
    --host "http://127.0.0.1:$PORT" --csv "$dir/locust" --only-summary --loglevel WARNING || true
  echo "$EPOCHREALTIME" >"$dir/ended"
  stop_mock "$dir"
}

analyze() { python3 - "$@" <<'PY'
import csv, json, os, sys

CLK = os.sysconf("SC_CLK_TCK")

def load_samples(path):
    rows = []
    if os.path.exists(path):
        for line in open(path):
            p = line.split()
            if len(p) == 4:
                rows.append(tuple(float(x) for x in p))
    return rows

def at(samples, t):
    """The sample closest to wall time t."""
    return min(samples, key=lambda s: abs(s[0] - t))

def llmload_result(d):
    users, rate = (int(x) for x in open(f"{d}/params").read().split())
    r = {"users": users, "exit_code": int(open(f"{d}/exit_code").read())}
    m = json.load(open(f"{d}/mock_stats.json"))
    r["mock"] = m
    if not os.path.exists(f"{d}/run.json"):
        r["error"] = open(f"{d}/run.err").read()[-500:]
        return r
    j = json.load(open(f"{d}/run.json"))
    r["json"] = j
    rows = list(csv.DictReader(open(f"{d}/stats.csv")))
    ramp = users / rate
    dur = float(os.environ["DURATION"])
    steady = [x for x in rows if ramp + 2 <= float(x["elapsed_s"]) <= dur - 0.5] or rows
    a, b = steady[0], steady[-1]
    ta, tb = float(a["timestamp"]), float(b["timestamp"])
    span = max(tb - ta, 1e-9)
    r["steady_s"] = span
    r["steady_qps"] = (int(b["requests_total"]) - int(a["requests_total"])) / span
    ls, ms = load_samples(f"{d}/llmload.samples"), load_samples(f"{d}/mock.samples")
    r["cpu"] = (at(ls, tb)[1] - at(ls, ta)[1]) / CLK / span if ls else float("nan")
    r["mock_cpu"] = (at(ms, tb)[1] - at(ms, ta)[1]) / CLK / span if ms else float("nan")
    r["rss_kb"] = at(ls, tb)[2] if ls else 0
    r["hwm_kb"] = max(s[3] for s in ls) if ls else 0
    return r

def err_us(client_s, mock_us):
    return client_s * 1e6 - mock_us

def actual(mock):
    """The mock's side of TTFT: from the request's arrival (kernel timestamp) when the mock
    reports it, else from the moment it parsed the request (older builds)."""
    return mock.get("first_token_from_arrival_us", mock["first_token_us"])

def check(r):
    j, m = r["json"], r["mock"]
    q = j["requests"]
    return (f"llmload total {q['total']} (failed {q['failed']}, cancelled {q['cancelled']}), "
            f"mock completed {m['completed']}, client_disconnects {m['client_disconnects']}, "
            f"exit {r['exit_code']}")

def nearest_rank(xs, q):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    import math
    return xs[max(0, math.ceil(q * len(xs)) - 1)]

def locust_result(d):
    users, rate = (int(x) for x in open(f"{d}/params").read().split())
    r = {"users": users, "exit_code": int(open(f"{d}/exit_code").read())}
    r["mock"] = json.load(open(f"{d}/mock_stats.json"))
    stats = {row["Name"]: row for row in csv.DictReader(open(f"{d}/locust_stats.csv"))}
    done, ttft = stats.get("completed", {}), stats.get("ttft", {})
    r["completed"] = int(done.get("Request Count", 0) or 0)
    r["failures"] = int(stats.get("chat_completions", {}).get("Failure Count", 0) or 0)
    r["qps"] = float(done.get("Requests/s", 0) or 0)
    r["tokens_per_req"] = float(done.get("Average Content Size", 0) or 0)
    r["csv_ttft_p50_ms"] = ttft.get("50%")
    r["csv_ttft_p99_ms"] = ttft.get("99%")
    xs = [float(x) for x in open(f"{d}/locust_ttft.txt")] if os.path.exists(f"{d}/locust_ttft.txt") else []
    r["ttft_p50_s"], r["ttft_p99_s"] = nearest_rank(xs, 0.5), nearest_rank(xs, 0.99)
    ls = load_samples(f"{d}/locust.samples")
    t0, t1 = float(open(f"{d}/started").read()), float(open(f"{d}/ended").read())
    r["cpu"] = (ls[-1][1] - ls[0][1]) / CLK / max(ls[-1][0] - ls[0][0], 1e-9) if len(ls) > 1 else float("nan")
    r["cpu_warning"] = "CPU usage above" in open(f"{d}/locust.err").read()
    r["wall_s"] = t1 - t0
    return r

mode, args = sys.argv[1], sys.argv[2:]
if mode == "error":
    print(f"{'users':>6} | {'client TTFT p50 / p99 (ms)':>26} | {'mock first token p50 / p99 (ms)':>31} | "
          f"{'error p50 / p99 (ms)':>21} | {'(from parse)':>21} | {'req/s':>7} | llmload / mock CPU | "
          f"mock lateness p50/p99 (us)")
    for d in args:
        r = llmload_result(d)
        if "json" not in r:
            print(f"{r['users']:>6} | FAILED: {r.get('error')}")
            continue
        t, ft, fp = r["json"]["ttft_s"], actual(r["mock"]), r["mock"]["first_token_us"]
        m = r["mock"]["token_lateness_us"]
        print(f"{r['users']:>6} | {t['p50']*1e3:11.3f} / {t['p99']*1e3:11.3f} | "
              f"{ft['p50']/1e3:14.3f} / {ft['p99']/1e3:14.3f} | "
              f"{err_us(t['p50'], ft['p50'])/1e3:+9.3f} / {err_us(t['p99'], ft['p99'])/1e3:+9.3f} | "
              f"{err_us(t['p50'], fp['p50'])/1e3:+9.3f} / {err_us(t['p99'], fp['p99'])/1e3:+9.3f} | "
              f"{r['steady_qps']:7.0f} | {r['cpu']*100:5.0f}% / {r['mock_cpu']*100:4.0f}% | "
              f"{m['p50']} / {m['p99']}")
        print(f"       ({check(r)})")
elif mode == "throughput":
    print(f"{'users':>6} | {'steady req/s':>12} | {'tokens/s':>9} | {'run qps (JSON)':>14} | "
          f"{'llmload CPU':>11} | {'req per core-s':>14} | {'mock CPU':>8}")
    for d in args:
        r = llmload_result(d)
        if "json" not in r:
            print(f"{r['users']:>6} | FAILED: {r.get('error')}")
            continue
        j = r["json"]
        tok = r["steady_qps"] * j["tokens"]["output_mean"]
        print(f"{r['users']:>6} | {r['steady_qps']:12.0f} | {tok:9.0f} | {j['throughput']['qps']:14.0f} | "
              f"{r['cpu']*100:10.0f}% | {r['steady_qps']/r['cpu']:14.0f} | {r['mock_cpu']*100:7.0f}%")
        print(f"       ({check(r)})")
elif mode == "memory":
    res = [llmload_result(d) for d in args]
    print(f"{'users':>6} | {'VmHWM (MiB)':>11} | {'steady VmRSS (MiB)':>18} | {'req/s':>7}")
    for r in res:
        if "json" not in r:
            print(f"{r['users']:>6} | FAILED: {r.get('error')}")
            continue
        print(f"{r['users']:>6} | {r['hwm_kb']/1024:11.1f} | {r['rss_kb']/1024:18.1f} | {r['steady_qps']:7.0f}")
        print(f"       ({check(r)})")
    ok = [r for r in res if "json" in r]
    if len(ok) >= 2:
        lo, hi = ok[0], ok[-1]
        du = hi["users"] - lo["users"]
        print(f"per user ({lo['users']} -> {hi['users']}): VmHWM {(hi['hwm_kb']-lo['hwm_kb'])*1024/du/1000:.1f} kB, "
              f"VmRSS {(hi['rss_kb']-lo['rss_kb'])*1024/du/1000:.1f} kB (1 kB = 1000 bytes)")
elif mode == "locust":
    print(f"{'users':>6} | {'tool':>8} | {'completed/s':>11} | {'TTFT p50 / p99 (ms)':>21} | "
          f"{'mock first token p50 / p99':>26} | {'error p50 / p99 (ms)':>21} | {'CPU':>5}")
    pairs = [(args[i], args[i + 1]) for i in range(0, len(args), 2)]
    summary = []
    for ld, lc in pairs:
        a, b = llmload_result(ld), locust_result(lc)
        if "json" not in a:
            print(f"{a['users']:>6} | llmload FAILED: {a.get('error')}")
            continue
        t, fa, fb = a["json"]["ttft_s"], actual(a["mock"]), actual(b["mock"])
        ea = (err_us(t["p50"], fa["p50"]), err_us(t["p99"], fa["p99"]))
        eb = (err_us(b["ttft_p50_s"], fb["p50"]), err_us(b["ttft_p99_s"], fb["p99"]))
        qa = a["json"]["throughput"]["qps"]
        print(f"{a['users']:>6} | {'llmload':>8} | {qa:11.0f} | {t['p50']*1e3:9.3f} / {t['p99']*1e3:9.3f} | "
              f"{fa['p50']/1e3:12.3f} / {fa['p99']/1e3:11.3f} | {ea[0]/1e3:+9.3f} / {ea[1]/1e3:+9.3f} | {a['cpu']*100:4.0f}%")
        print(f"{b['users']:>6} | {'locust':>8} | {b['qps']:11.0f} | {b['ttft_p50_s']*1e3:9.3f} / {b['ttft_p99_s']*1e3:9.3f} | "
              f"{fb['p50']/1e3:12.3f} / {fb['p99']/1e3:11.3f} | {eb[0]/1e3:+9.3f} / {eb[1]/1e3:+9.3f} | {b['cpu']*100:4.0f}%")
        print(f"       llmload: {check(a)}")
        print(f"       locust: {b['completed']} completed streams, {b['failures']} failed, "
              f"{b['tokens_per_req']:.1f} content chunks each, mock completed {b['mock']['completed']}, "
              f"CSV TTFT p50/p99 {b['csv_ttft_p50_ms']}/{b['csv_ttft_p99_ms']} ms (rounded by Locust), "
              f"ran {b['wall_s']:.1f} s, exit {b['exit_code']}"
              f"{', Locust warned: CPU usage above 90%' if b['cpu_warning'] else ''}")
        summary.append((a["users"], qa / b["qps"] if b["qps"] else float("inf"),
                        eb[0] / ea[0] if ea[0] else float("inf"), eb[1] / ea[1] if ea[1] else float("inf")))
    print()
    print(f"{'users':>6} | {'throughput llmload/locust':>25} | {'TTFT error p50 locust/llmload':>29} | {'p99 locust/llmload':>18}")
    for u, q, e50, e99 in summary:
        print(f"{u:>6} | {q:24.1f}x | {e50:28.1f}x | {e99:17.1f}x")
PY
}
export DURATION

print_machine "$OUT"
echo "# mock on CPU $MOCK_CPU (--threads 1), load generator on CPU $LOAD_CPU, ${DURATION}s per run"

# scenario NAME USERS TITLE MOCK_ARGS...: `llmload run` for each user count in USERS, each
# against a fresh mock with MOCK_ARGS, then the NAME table of all of them.
scenario() {
  local name=$1 users=$2 title=$3 u
  shift 3
  echo "## $title: mock $*; llmload run --threads 1"
  local dirs=()
  for u in $users; do
    run_llmload "$OUT/$name-$u" "$u" "$@"
    dirs+=("$OUT/$name-$u")
  done
  analyze "$name" "${dirs[@]}"
  echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
}

if [[ $which == error || $which == all ]]; then
  scenario error "$ERROR_USERS" "TTFT measurement error" --ttft 20ms --itl "$ERROR_ITL" --output-tokens 16
fi
if [[ $which == throughput || $which == all ]]; then
  scenario throughput "$THROUGHPUT_USERS" throughput --ttft 0s --itl 0s --output-tokens 16
fi
if [[ $which == memory || $which == all ]]; then
  scenario memory "$MEMORY_USERS" memory --ttft 20ms --itl 5ms --output-tokens 16
fi

if [[ $which == locust || $which == all ]]; then
  [[ -x /usr/bin/locust ]] || apt-get install -y -qq python3-locust >/dev/null || \
    { apt-get update -qq && apt-get install -y -qq python3-locust >/dev/null; }
  echo "## llmload vs Locust $(dpkg-query -W -f='${Version}' python3-locust): mock --ttft 20ms --itl 5ms --output-tokens 16"
  dirs=()
  for u in $LOCUST_USERS; do
    run_llmload "$OUT/vs-llmload-$u" "$u" --ttft 20ms --itl 5ms --output-tokens 16
    run_locust "$OUT/vs-locust-$u" "$u"
    dirs+=("$OUT/vs-llmload-$u" "$OUT/vs-locust-$u")
  done
  analyze locust "${dirs[@]}"
  echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
fi

if [[ $which == floor || $which == all ]]; then
  floor=$BUILD/benchmarks/loopback_floor_harness
  [[ -x $floor ]] || { echo "engine_bench: $floor is missing (scripts/build.sh)" >&2; exit 2; }
  echo "## loopback floor: bare epoll sender (CPU $MOCK_CPU) and receiver (CPU $LOAD_CPU), 1,000 connections, 250-byte segments"
  for rate in $FLOOR_RATES; do
    "$floor" --connections 1000 --rate "$rate" --seconds "$DURATION" --sender-cpu "$MOCK_CPU" \
      --receiver-cpu "$LOAD_CPU" | tee "$OUT/floor-$rate.txt"
  done
  echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
fi
