#!/usr/bin/env bash
# run-redis-routing-bench.sh: the routing benchmark on both engines in one run, same load.
#   usage: tests/bench/routing/run-redis-routing-bench.sh BUILD_DIR [--reps N] [bench-routing options...]
# Each repetition runs bench-routing once on the memory engine (routed = through the balancer) and
# once on the Redis engine (a fresh redis-server on a free loopback port; routed = sent to a node
# that does not hold the user, carried over by Redis pub/sub), each with both modes (routed, then
# direct = the user's own node). Prints a markdown table of the medians and the ratios; keeps the
# JSON of every run in OUT_DIR (default a new /tmp/redis-routing-bench.*).
set -euo pipefail

if [[ $# -lt 1 || $1 == -h || $1 == --help ]]; then
    sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
    exit 64
fi
build=$1
shift
reps=3
args=()
while [[ $# -gt 0 ]]; do
    case $1 in
        --reps) reps=$2; shift 2 ;;
        *) args+=("$1"); shift ;;
    esac
done
bench=$build/tests/bench/routing/bench-routing
for tool in jq redis-server redis-cli; do
    command -v "$tool" >/dev/null || { echo "run-redis-routing-bench: needs $tool" >&2; exit 69; }
done
[[ -x $bench ]] || { echo "run-redis-routing-bench: no $bench" >&2; exit 66; }

out=${OUT_DIR:-$(mktemp -d /tmp/redis-routing-bench.XXXXXX)}
redis_pid=
cleanup() { [[ -n $redis_pid ]] && kill "$redis_pid" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

for ((rep = 1; rep <= reps; rep++)); do
    echo "== repetition $rep of $reps: memory engine" >&2
    "$bench" --reps 1 --json "${args[@]}" >"$out/memory.$rep.json" 2>"$out/memory.$rep.log"
    echo "== repetition $rep of $reps: Redis engine" >&2
    port=$(free_port)
    redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$out" \
        >"$out/redis.$rep.server.log" 2>&1 &
    redis_pid=$!
    for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    "$bench" --reps 1 --json --redis "redis://127.0.0.1:$port" --redis-pid "$redis_pid" "${args[@]}" \
        >"$out/redis.$rep.json" 2>"$out/redis.$rep.log"
    kill "$redis_pid"; wait "$redis_pid" 2>/dev/null || true; redis_pid=
done

commit=$(git -C "$(dirname "$0")" log --oneline -1 2>/dev/null || echo unknown)
echo "commit: $commit"
echo "command: $0 $build --reps $reps ${args[*]}"
echo
echo "| engine | mode | msg/s | p50 ms | p99 ms | lost | server µs/msg |"
echo "|---|---|---|---|---|---|---|"
for engine in memory redis; do
    for mode in routed direct; do
        jq -s -r --arg e "$engine" --arg m "$mode" '
          def med: sort | if length % 2 == 1 then .[length/2|floor] else (.[length/2-1] + .[length/2]) / 2 end;
          def f(n): (. * pow(10; n) | round) / pow(10; n) | tostring;
          [.[] | .median[$m]] as $r |
          "| \($e) | \($m) | \([$r[].routedPerSecond] | med | f(0)) | \([$r[].latencyMs.p50] | med | f(2)) | \([$r[].latencyMs.p99] | med | f(2)) | \([$r[].lost] | add | f(0)) | \([$r[].serverMicrosPerMessage] | med | f(1)) |"
        ' "$out"/$engine.*.json
    done
done
echo
jq -s -r '
  def med: sort | if length % 2 == 1 then .[length/2|floor] else (.[length/2-1] + .[length/2]) / 2 end;
  def f2: (. * 100 | round) / 100 | tostring;
  "Redis, routed ÷ direct (median of per-repetition ratios): throughput \([.[].ratioRoutedToDirect.throughput] | med | f2)×, p99 \([.[].ratioRoutedToDirect.latencyP99] | med | f2)×, server CPU per message \([.[].ratioRoutedToDirect.serverMicrosPerMessage] | med | f2)×"
' "$out"/redis.*.json
jq -n -r --slurpfile r <(jq -s '[.[].median.routed.routedPerSecond]' "$out"/redis.*.json) \
         --slurpfile m <(jq -s '[.[].median.routed.routedPerSecond]' "$out"/memory.*.json) '
  def med: sort | if length % 2 == 1 then .[length/2|floor] else (.[length/2-1] + .[length/2]) / 2 end;
  [range(0; $r[0] | length) as $i | $r[0][$i] / $m[0][$i]] | med |
  "routed msg/s, Redis ÷ memory (median of per-repetition ratios): \((. * 100 | round) / 100)×"'
echo "(runs: $out)"
