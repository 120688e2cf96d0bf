#!/usr/bin/env bash
# CI's sanitizer stage, after scripts/test.sh: installs clang if missing, builds the `asan` preset
# (clang, ASan+UBSan, the libFuzzer targets, no benchmarks), runs its whole ctest suite, then each
# fuzzer for FUZZ_SECONDS (default 20) on its seeds. One build serves both the suite and the fuzzers.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# clang alone does not pull the sanitizer and libFuzzer runtimes (a Recommends of clang-14):
# libclang-rt-14-dev holds them. libfuzzer-14-dev (libFuzzer as a plain library) is not needed.
APT_PACKAGES=(clang libclang-rt-14-dev)
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
missing=()
for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "== installing: ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
[ -d tests/interop/node_modules ] || npm ci --prefix tests/interop --no-audit --no-fund --loglevel=error

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
stage_start=$(date +%s)
echo "== sanitizer build (preset asan)"
cmake --preset asan "${launcher[@]}" >/dev/null
cmake --build --preset asan --parallel "$(nproc)"
built=$(date +%s)

echo "== sanitizer test suite"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
ctest --preset asan "$@"
tested=$(date +%s)

echo "== fuzzing, ${FUZZ_SECONDS:-20} s per target"
tests/fuzz/run.sh "${FUZZ_SECONDS:-20}" "$ROOT/build-asan"
done_at=$(date +%s)
echo "== sanitizer stage: build $((built - stage_start)) s, tests $((tested - built)) s, fuzz $((done_at - tested)) s"
