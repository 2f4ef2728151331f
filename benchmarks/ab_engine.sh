#!/usr/bin/env bash
# Two builds of llmload side by side in one run: the load engine's throughput and TTFT error
# (benchmarks/engine_bench.sh throughput and error) with OLD and NEW as the load generator,
# alternated ROUNDS times against the same build's mock, so that a refactor's cost is measured
# under the same machine load as its baseline. Everything runs on 127.0.0.1, bounded in time.
#
#   OLD=/path/to/old/llmload NEW=build/llmload benchmarks/ab_engine.sh
#
# Environment: OLD, NEW (binaries; NEW defaults to build/llmload, whose mock is used for
# both), ROUNDS (default 3), DURATION (s per run, default 10), THROUGHPUT_USERS (default 256),
# ERROR_USERS (default 100), OUT (default a new /tmp/llmload-ab.XXXXXX).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${OLD:?set OLD to the baseline llmload binary}"
NEW=${NEW:-build/llmload}
ROUNDS=${ROUNDS:-3}
export DURATION=${DURATION:-10}
export THROUGHPUT_USERS=${THROUGHPUT_USERS:-256}
export ERROR_USERS=${ERROR_USERS:-100}
OUT=${OUT:-$(mktemp -d /tmp/llmload-ab.XXXXXX)}
mkdir -p "$OUT"  # a given OUT may not exist yet: each run tees its table into it
for round in $(seq "$ROUNDS"); do
  for side in old new; do
    bin=$OLD
    [[ $side == new ]] && bin=$NEW
    for mode in throughput error; do
      echo "== round $round, $side ($bin), $mode"
      LOAD_BIN=$bin OUT="$OUT/$round-$side-$mode" benchmarks/engine_bench.sh "$mode" |
        tee "$OUT/$round-$side-$mode.txt"
    done
  done
done
echo "every run's files: $OUT"
