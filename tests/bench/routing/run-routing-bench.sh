#!/usr/bin/env bash
# run-routing-bench.sh: bench-routing with 3 repetitions, its JSON saved, the medians and the
# routed ÷ direct ratios printed as markdown. Builds nothing.
#   usage: tests/bench/routing/run-routing-bench.sh BUILD_DIR [bench-routing options...]
#   e.g.   tests/bench/routing/run-routing-bench.sh build-release --users 1000 --seconds 10
# Options after BUILD_DIR go to bench-routing (see its --help); --reps 3 and --json are always passed
# (a later --reps wins). OUT=FILE keeps the JSON there (default: a new /tmp/routing-bench.*.json).
set -euo pipefail

if [[ $# -lt 1 || $1 == -h || $1 == --help ]]; then
    sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
    exit 64
fi
build=$1
shift
bench=$build/tests/bench/routing/bench-routing
if [[ ! -x $bench ]]; then
    echo "run-routing-bench: no bench-routing in '$build' (cmake --build $build --target bench-routing)" >&2
    exit 66
fi
if ! command -v jq >/dev/null; then
    echo "run-routing-bench: needs jq to summarize" >&2
    exit 69
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${OUT:-$(mktemp /tmp/routing-bench.XXXXXX.json)}
log=${out%.json}.log
commit=$(git -C "$here" log --oneline -1 2>/dev/null || echo unknown)

echo "bench-routing --reps 3 --json $* (log: $log)" >&2
"$bench" --reps 3 --json "$@" >"$out" 2> >(tee "$log" >&2)

jq -r --arg commit "$commit" --arg cmd "$bench --reps 3 --json $*" '
  def f0: . * 1 | round | tostring;
  def f2: (. * 100 | round) / 100 | tostring;
  def cpu: [.cpuPercentOfOneCore | to_entries[] | "\(.key) \(.value | f0)%"] | join(", ");
  "commit: \($commit)",
  "command: \($cmd)",
  "cluster: balancer + \(.cluster.nodes | length) nodes, \(.cluster.usersReady) users ready (\([.cluster.nodes[] | .users | tostring] | join(" + "))), \(.settings.transport), \(.settings.connections) connections\(if .settings.rate > 0 then " paced to \(.settings.rate) req/s" else "" end), \(.settings.seconds) s windows, \(.settings.reps) reps",
  "",
  "| mode (median of \(.settings.reps)) | answered msg/s | received msg/s | lost | errors | p50 ms | p90 ms | p99 ms | max ms | answer p99 ms | server µs/msg | CPU % of one core |",
  "|---|---|---|---|---|---|---|---|---|---|---|---|",
  (["routed", "direct"][] as $m | .median[$m] // empty |
    "| \($m) | \(.routedPerSecond | f0) | \(.deliveredPerSecond | f0) | \(.lost | f0) | \(.errors | f0) | \(.latencyMs.p50 | f2) | \(.latencyMs.p90 | f2) | \(.latencyMs.p99 | f2) | \(.latencyMs.max | f2) | \(.answerMs.p99 | f2) | \(.serverMicrosPerMessage | f2) | \(cpu) |"),
  "",
  (if .ratioRoutedToDirect then
     (.ratioRoutedToDirect | "routed ÷ direct (median of per-repetition ratios): throughput \(.throughput | f2)×, p50 \(.latencyP50 | f2)×, p99 \(.latencyP99 | f2)×, server CPU per message \(.serverMicrosPerMessage | f2)×")
   else empty end),
  (if .target.met != null then
     "target routed ≥ \(.target.messagesPerSecond) msg/s with p99 ≤ \(.target.p99Ms) ms and nothing lost: \(if .target.met then "met" else "NOT met" end)"
   else empty end),
  "",
  "runs: " + ([.runs[] | "\(.rep)/\(.mode) \(.routedPerSecond | f0)/s p99 \(.latencyMs.p99 | f2) ms"] | join("; "))
' "$out"
echo "(JSON: $out)"
