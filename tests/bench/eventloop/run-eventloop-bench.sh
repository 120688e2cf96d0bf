#!/usr/bin/env bash
# CPU µs per event-loop iteration with N idle sockets, Qt's dispatcher against the epoll one:
# 3 runs each, medians as a markdown table.
#   usage: run-eventloop-bench.sh [path/to/bench-eventloop]   (REPS, COUNTS may override)
set -euo pipefail

bench=${1:-${BENCH_EVENTLOOP:-./bench-eventloop}}
reps=${REPS:-3}
read -r -a counts <<<"${COUNTS:-0 1000 10000 20000}"
kinds=(qt epoll)

if [[ ! -x $bench ]]; then
    echo "bench-eventloop not found at '$bench' (pass its path)" >&2
    exit 2
fi

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p"; }

declare -A result held dispatcher
for n in "${counts[@]}"; do
    for kind in "${kinds[@]}"; do
        samples=()
        for ((rep = 0; rep < reps; ++rep)); do
            line=$("$bench" --event-loop "$kind" "$n" 2>/dev/null | grep 'cpu_us_per_iteration=')
            samples+=("$(field cpu_us_per_iteration <<<"$line")")
            held[$n]=$(field sockets <<<"$line")
            dispatcher[$kind]=$(field dispatcher <<<"$line")
            echo "  n=$n $kind run $((rep + 1)): ${samples[-1]} µs" >&2
        done
        result[$n,$kind]=$(printf '%s\n' "${samples[@]}" | median)
    done
done

echo "| idle sockets (held) | qt: ${dispatcher[qt]} µs/iter | epoll: ${dispatcher[epoll]} µs/iter |"
echo "|---|---|---|"
for n in "${counts[@]}"; do
    echo "| $n (${held[$n]}) | ${result[$n,qt]} | ${result[$n,epoll]} |"
done
