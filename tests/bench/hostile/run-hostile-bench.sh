#!/usr/bin/env bash
# Memory and CPU under hostile clients and at scale, from the tests that hold those bounds:
#   - tst_hostileclients: node RSS growth with 200 WebSocket clients that stop reading while 20,000
#     broadcasts of 1 KiB go out (target: <= 64 MiB), and with a 100,000-ping flood;
#   - tst_scale: a balancer and two nodes holding 20,000 WebSocket sessions, RSS and CPU per 1,000
#     users on each process.
# Runs each REPS times (default 3) and prints the medians. Usage:
#   tests/bench/hostile/run-hostile-bench.sh [BUILD_DIR] [--reps N]
set -euo pipefail
BUILD="${1:-build}"
[ "${1:-}" = "--reps" ] && BUILD=build
REPS=3
while [ "$#" -gt 0 ]; do
    case "$1" in --reps) REPS="$2"; shift 2 ;; *) shift ;; esac
done
HOSTILE="$BUILD/tests/integration/tst_hostileclients"
SCALE="$BUILD/tests/cluster/tst_scale"
for b in "$HOSTILE" "$SCALE"; do [ -x "$b" ] || { echo "missing $b (build the project first)" >&2; exit 2; }; done
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
OUT="$(mktemp -d "${TMPDIR:-/tmp}/cometd-hostile-bench.XXXXXX")"
trap 'rm -rf "$OUT"' EXIT

median() { sort -n | awk '{v[NR]=$1} END {if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }

for rep in $(seq "$REPS"); do
    echo "== run $rep of $REPS" >&2
    "$HOSTILE" slowReadersCostBoundedMemory pingFloodFromANonReader > "$OUT/hostile-$rep.txt" 2>&1 || { cat "$OUT/hostile-$rep.txt" >&2; exit 1; }
    "$SCALE" > "$OUT/scale-$rep.txt" 2>&1 || { cat "$OUT/scale-$rep.txt" >&2; exit 1; }
done

echo "commit $(git -C "$(dirname "$0")" rev-parse --short HEAD), $REPS runs, medians"
echo
echo "| measure | median |"
echo "|---|---:|"
slow=$(grep -h "with 200 stalled readers" "$OUT"/hostile-*.txt | sed -E 's/.*grown ([0-9]+) KiB.*/\1/' | median)
ping=$(grep -h "for 100,000 pings" "$OUT"/hostile-*.txt | sed -E 's/.*grew by ([0-9]+) KiB.*/\1/' | median)
echo "| node RSS growth, 200 stalled readers x 20,000 broadcasts of 1 KiB | $slow KiB |"
echo "| node RSS growth, 100,000 pings of 125 bytes from a non-reader | $ping KiB |"
for phase in ramp hold; do
    roles=$(grep -h "^QINFO.* $phase [^:]*: [0-9]* users" "$OUT"/scale-*.txt | sed -E "s/.* $phase ([^:]*): .*/\1/" | sort -u || true)
    while IFS= read -r role; do
        [ -n "$role" ] || continue
        sel=$(grep -h "^QINFO.* $phase $role: " "$OUT"/scale-*.txt)
        rss=$(echo "$sel" | sed -E 's/.*\(\+([0-9.-]+) KiB per 1,000 users\).*/\1/' | median)
        cpu=$(echo "$sel" | sed -E 's/.*\(([0-9.]+) s per 1,000 users\).*/\1/' | median)
        echo "| $role, $phase: RSS added per 1,000 users | $rss KiB |"
        echo "| $role, $phase: CPU per 1,000 users | $cpu s |"
    done <<< "$roles"
done
