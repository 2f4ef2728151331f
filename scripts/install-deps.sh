#!/usr/bin/env bash
# Installs llmload's build and test dependencies from Debian bookworm packages. The same
# list serves the README, CI (.ci/run) and the container image (deploy/Dockerfile).
# Usage: scripts/install-deps.sh [--runtime-only] [--with-test-tools]
set -euo pipefail

BUILD_PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libcurl4-openssl-dev libabsl-dev prometheus-cpp-dev
  nlohmann-json3-dev libcli11-dev libsimdjson-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)
# Peers and tools the tests drive: curl and Node's `openai` client talk to `llmload mock`.
TEST_PACKAGES=(curl nodejs npm iproute2)

mode=build
for arg in "$@"; do
  case "$arg" in
    --with-test-tools) mode=test ;;
    *) echo "install-deps.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done

packages=("${BUILD_PACKAGES[@]}")
[[ $mode == test ]] && packages+=("${TEST_PACKAGES[@]}")

missing=()
for p in "${packages[@]}"; do
  # node/npm may come from elsewhere (e.g. a preinstalled Node.js); accept them on PATH.
  if [[ $p == nodejs ]] && command -v node >/dev/null; then continue; fi
  if [[ $p == npm ]] && command -v npm >/dev/null; then continue; fi
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
