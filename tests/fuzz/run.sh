#!/usr/bin/env bash
# Runs every libFuzzer target for SECONDS on a copy of its seed corpus (the repository is not
# modified). One line per target; exits non-zero when any target crashes, leaks or breaks a
# property, leaving the crashing input in the work directory it names.
#   tests/fuzz/run.sh SECONDS [BUILD_DIR]      (BUILD_DIR defaults to build-asan)
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SECONDS_EACH="${1:?usage: run.sh SECONDS [BUILD_DIR]}"
BUILD_DIR="${2:-$ROOT/build-asan}"
BIN_DIR="$BUILD_DIR/tests/fuzz"
TARGETS=(${FUZZ_TARGETS:-batchparser bayeuxengine configloader deliverycodec reportcodec clientprotocol httphead websocketframe})

WORK="$(mktemp -d "${TMPDIR:-/tmp}/cometd-fuzz.XXXXXX")"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export QT_QPA_PLATFORM=offscreen

failed=0
ran=0
for t in "${TARGETS[@]}"; do
    bin="$BIN_DIR/fuzz_$t"
    if [ ! -x "$bin" ]; then
        [ -d "$HERE/corpus/$t" ] && [ -f "$HERE/fuzz_$t.cpp" ] && { echo "fuzz_$t: NOT BUILT ($bin)"; failed=1; }
        continue
    fi
    mkdir -p "$WORK/$t/corpus" "$WORK/$t/artifacts"
    cp -r "$HERE/corpus/$t/." "$WORK/$t/corpus/"
    dict=()
    case "$t" in
        batchparser | bayeuxengine) dict=("-dict=$HERE/bayeux.dict") ;;
        clientprotocol) dict=("-dict=$HERE/client.dict") ;;
        configloader) dict=("-dict=$HERE/config.dict") ;;
        deliverycodec | reportcodec) dict=("-dict=$HERE/cluster.dict") ;;
        httphead) dict=("-dict=$HERE/http.dict") ;;
    esac
    start=$(date +%s)
    "$bin" "$WORK/$t/corpus" "${dict[@]}" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
        -max_len=8192 -print_final_stats=1 -artifact_prefix="$WORK/$t/artifacts/" >"$WORK/$t/log" 2>&1
    rc=$?
    took=$(($(date +%s) - start))
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$WORK/$t/log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$WORK/$t/log" | tail -1)
    ran=$((ran + 1))
    if [ "$rc" -eq 0 ]; then
        echo "fuzz_$t: ok, ${runs:-?} runs in ${took}s, ${cov:-cov: ?}"
    else
        failed=1
        echo "fuzz_$t: FAILED (exit $rc) after ${took}s: $(ls "$WORK/$t/artifacts" | head -1); log $WORK/$t/log"
        grep -m3 -E 'ERROR: |runtime error|fuzz property broken' "$WORK/$t/log" | sed 's/^/    /'
    fi
done
if [ "$failed" -eq 0 ]; then
    echo "fuzz: $ran targets clean"
    rm -rf "$WORK"
else
    echo "fuzz: failures; inputs and logs kept in $WORK"
fi
exit "$failed"
