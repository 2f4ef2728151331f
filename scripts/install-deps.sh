#!/usr/bin/env bash
# Installs llmload's build and test dependencies from Debian bookworm packages. The same
# list serves the README, CI (.ci/run) and the container image (deploy/Dockerfile).
# Usage: scripts/install-deps.sh [--with-test-tools | --runtime-only | --print-runtime-packages]
set -euo pipefail

BUILD_PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libcurl4-openssl-dev libssl-dev libabsl-dev prometheus-cpp-dev
  nlohmann-json3-dev libcli11-dev libsimdjson-dev libre2-dev libutf8proc-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)
# Peers and tools the tests drive: curl and Node's `openai` client talk to `llmload mock`;
# kubectl (kubernetes-client), yamllint and python3-yaml check deploy/ and helm/
# (tests/deploy/); a real Prometheus server scrapes the master's /metrics
# (prometheus_server_test); openssl makes the certificates of the TLS tests.
TEST_PACKAGES=(curl nodejs npm iproute2 kubernetes-client yamllint python3-yaml prometheus openssl)
# The sanitizer and fuzzing build (scripts/fuzz.sh) needs clang: libclang-rt-14-dev holds the
# ASan/UBSan runtimes and libFuzzer (-fsanitize=fuzzer links its copy, so libfuzzer-14-dev's
# standalone libFuzzer.a is not needed) and comes with clang only as a Recommends (of
# libclang-common-14-dev), which --no-install-recommends skips; llvm provides llvm-symbolizer,
# without which sanitizer and fuzzer stack traces in the CI log are bare addresses.
FUZZ_PACKAGES=(clang libclang-rt-14-dev llvm)
# What the built binary needs at run time, and nothing else: the packages of the shared
# libraries build/llmload links directly (apt pulls in their own dependencies), plus the CA
# bundle for https endpoints. The container image's runtime stage installs exactly these;
# tests/deploy/check_deploy.py proves the list covers every library `ldd build/llmload` shows.
RUNTIME_PACKAGES=(
  ca-certificates libstdc++6
  libcurl4 libssl3 libgrpc++1.51 libgrpc29 libprotobuf32 libabsl20220623 libsimdjson14
  libprometheus-cpp-core1.0 libprometheus-cpp-pull1.0 libre2-9 libutf8proc2
)

mode=build
for arg in "$@"; do
  case "$arg" in
    --with-test-tools) mode=test ;;
    --runtime-only) mode=runtime ;;
    --print-runtime-packages) echo "${RUNTIME_PACKAGES[*]}"; exit 0 ;;
    *) echo "install-deps.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done

packages=("${BUILD_PACKAGES[@]}")
[[ $mode == test ]] && packages+=("${TEST_PACKAGES[@]}" "${FUZZ_PACKAGES[@]}")
[[ $mode == runtime ]] && packages=("${RUNTIME_PACKAGES[@]}")

missing=()
for p in "${packages[@]}"; do
  # node/npm may come from elsewhere (e.g. a preinstalled Node.js); accept them on PATH.
  if [[ $p == nodejs ]] && command -v node >/dev/null; then continue; fi
  if [[ $p == npm ]] && command -v npm >/dev/null; then continue; fi
  # Any kubectl will do (a newer one from elsewhere owns /usr/bin/kubectl and would clash).
  if [[ $p == kubernetes-client ]] && command -v kubectl >/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
[[ $(id -u) -ne 0 ]] && SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
