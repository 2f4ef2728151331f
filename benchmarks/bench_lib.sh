# shellcheck shell=bash
# Shell helpers shared by the load benchmarks (benchmarks/engine_bench.sh, rate_bench.sh):
# one mock thread started on an ephemeral port and stopped by its pid, a /proc sampler of a
# process's CPU and memory, a bounded wait, and cleanup of everything started in the
# background. Source it after setting LLMLOAD (the binary whose `mock` is started), MOCK_CPU
# and LOAD_CPU; BENCH names the script in messages (default: its file name without .sh).
# Sourcing it installs an EXIT trap that stops, by pid, the mock and every pid in PIDS.

BENCH=${BENCH:-$(basename "$0" .sh)}
MOCK_PID=""
PIDS=()  # everything else started in the background, stopped by pid on exit
cleanup() {
  for p in "${PIDS[@]}" $MOCK_PID; do kill -TERM "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

# print_machine OUT: the two header lines of a benchmark's output (date, CPUs, kernel; the
# load average before the runs and where the files go).
print_machine() {
  echo "# $(date -u +%FT%TZ) $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), kernel $(uname -r)"
  echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg); output files: $1"
}

# raise_fd_limit NEEDED WHY: raises the soft descriptor limit to the hard one and warns when
# that is still below NEEDED (WHY says what needs them).
raise_fd_limit() {
  ulimit -n "$(ulimit -Hn)"
  if (($(ulimit -n) < $1)); then
    echo "$BENCH: ulimit -n is $(ulimit -n); $2" >&2
  fi
}

# metrics_flags BIN: sets METRICS_FLAGS to turn off the Prometheus endpoint of `BIN run`
# where that build has one (it would listen on 0.0.0.0:9646 and collide between runs;
# nothing scrapes it here).
# shellcheck disable=SC2034  # METRICS_FLAGS is used by the sourcing script
metrics_flags() {
  METRICS_FLAGS=()
  if "$1" run --help 2>&1 | grep -q -- --metrics-bind; then METRICS_FLAGS=(--metrics-bind off); fi
}

# start_mock DIR ARGS...: one mock thread on $MOCK_CPU on an ephemeral port; sets PORT.
start_mock() {
  local dir=$1
  shift
  : >"$dir/mock.log"  # exists before the background shell opens it, for the sed below
  taskset -c "$MOCK_CPU" "$LLMLOAD" mock --port 0 --threads 1 "$@" >"$dir/mock.log" 2>&1 &
  MOCK_PID=$!
  PORT=""
  for _ in $(seq 100); do
    PORT=$(sed -n 's|^llmload mock listening on http://127.0.0.1:\([0-9]*\)$|\1|p' "$dir/mock.log")
    [[ -n $PORT ]] && break
    sleep 0.05
  done
  [[ -n $PORT ]] || { echo "$BENCH: the mock did not start: $(cat "$dir/mock.log")" >&2; exit 1; }
  sample "$MOCK_PID" "$dir/mock.samples" &
  PIDS+=($!)
}

# stop_mock DIR: saves /mock/stats, then stops the mock by its pid.
stop_mock() {
  local dir=$1
  curl -s --max-time 10 "http://127.0.0.1:$PORT/mock/stats" >"$dir/mock_stats.json"
  kill -TERM "$MOCK_PID" 2>/dev/null || true
  wait "$MOCK_PID" 2>/dev/null || true
  MOCK_PID=""
}

# sample PID FILE: every 0.25 s, "wall_s utime+stime_ticks VmRSS_kB VmHWM_kB" of PID until it
# exits. Only shell builtins besides sleep, so the sampler costs next to nothing.
sample() {
  local pid=$1 st rest k v rss hwm
  local -a f
  while true; do
    { read -r st <"/proc/$pid/stat"; } 2>/dev/null || break
    rest=${st##*) }
    read -r -a f <<<"$rest"
    [[ ${f[0]} == Z ]] && break
    rss=0 hwm=0
    while read -r k v _; do
      case $k in VmRSS:) rss=$v ;; VmHWM:) hwm=$v ;; esac
    done 2>/dev/null <"/proc/$pid/status" || true
    echo "$EPOCHREALTIME $((f[11] + f[12])) $rss $hwm"
    sleep 0.25
  done >"$2"
}

# wait_bounded PID SECONDS: waits for PID; past SECONDS it is stopped (TERM, then KILL). When
# MAX_RSS_KB is set, PID is killed (KILL) as soon as its VmRSS exceeds it: a runaway load
# generator must not take a shared machine's memory.
wait_bounded() {
  local pid=$1 limit=$2 waited=0 k v rss
  while kill -0 "$pid" 2>/dev/null && ((waited < limit * 4)); do
    if [[ -n ${MAX_RSS_KB:-} ]]; then
      rss=0
      while read -r k v _; do [[ $k == VmRSS: ]] && rss=$v; done 2>/dev/null <"/proc/$pid/status" || true
      if ((rss > MAX_RSS_KB)); then
        echo "$BENCH: pid $pid has ${rss} kB resident, over MAX_RSS_KB=$MAX_RSS_KB; killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
        break
      fi
    fi
    sleep 0.25
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "$BENCH: pid $pid still running after $((waited / 4))s; stopping it" >&2
    kill -TERM "$pid" 2>/dev/null || true
    sleep 5
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null
}

# run_bounded DIR LOG SAMPLES SECONDS CMD...: runs CMD on $LOAD_CPU in the background (stdout
# to DIR/LOG.out, stderr to DIR/LOG.err), samples it to DIR/SAMPLES.samples, waits for it at
# most SECONDS and writes its exit code to DIR/exit_code; returns that code.
run_bounded() {
  local dir=$1 log=$2 samples=$3 limit=$4
  shift 4
  taskset -c "$LOAD_CPU" "$@" >"$dir/$log.out" 2>"$dir/$log.err" &
  local pid=$!
  PIDS+=("$pid")
  sample "$pid" "$dir/$samples.samples" &
  PIDS+=($!)
  local rc=0
  wait_bounded "$pid" "$limit" || rc=$?
  echo "$rc" >"$dir/exit_code"
  return "$rc"
}
