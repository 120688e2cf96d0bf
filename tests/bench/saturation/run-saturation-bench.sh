#!/usr/bin/env bash
# run-saturation-bench.sh: cometd-node's broadcast saturation, driven by cometd-stress, beside the
# physical floor (peer-bench/tcp-floor.c) measured in the same run. Per (transport, clients) and
# repetition: the floor, then a fresh cometd-node pinned to CPU 0 and cometd-stress pinned to CPU 1
# with a generated broadcast-only XML (sleep-sending 0: every broadcast queued at once, so the node
# works flat out until the last delivery is written). The node's CPU comes from /proc over the
# delivery phase (cometd-stress's "sending" line to its "stopping" line); cometd-stress reports its
# own CPU over the same phase. Medians of --reps. See ../README.md, "Saturation benchmark".
set -euo pipefail

usage() {
    cat <<'EOF'
usage: tests/bench/saturation/run-saturation-bench.sh BUILD_DIR [options]
  --reps N              repetitions per cell, medians reported (default 3)
  --clients "N..."      client counts (default "1000 10000")
  --transports "T..."   websocket and/or long-polling (default "websocket long-polling")
  --seconds S           aimed length of each delivery phase (default 10; the first run of a cell
                        sizes the repeat count from --rate-guess, later runs from the measured rate)
  --rate-guess N        deliveries/s assumed before the first run of a cell (default 300000)
  --sleep-sending MS    sleep-sending of the XML (default 0)
  --event-loop K        epoll or qt, for cometd-node and cometd-stress (default epoll)
  --out DIR             results directory (default: a new /tmp/saturation-bench.* directory)
env: PEER_BENCH (default <repo>/../shared/peer-bench)
EOF
}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
PEER_BENCH=${PEER_BENCH:-$REPO/../shared/peer-bench}
REPS=3 CLIENTS_LIST="1000 10000" TRANSPORTS="websocket long-polling" SECONDS_AIM=10 RATE_GUESS=300000
SLEEP_SENDING=0 EVENT_LOOP=epoll OUT="" BUILD=""

while [ $# -gt 0 ]; do
    case $1 in
        --reps) REPS=$2; shift ;;
        --clients) CLIENTS_LIST=$2; shift ;;
        --transports) TRANSPORTS=$2; shift ;;
        --seconds) SECONDS_AIM=$2; shift ;;
        --rate-guess) RATE_GUESS=$2; shift ;;
        --sleep-sending) SLEEP_SENDING=$2; shift ;;
        --event-loop) EVENT_LOOP=$2; shift ;;
        --out) OUT=$2; shift ;;
        -h | --help) usage; exit 0 ;;
        -*) echo "run-saturation-bench: unknown option $1" >&2; usage >&2; exit 64 ;;
        *) BUILD=$1 ;;
    esac
    shift
done
[ -n "$BUILD" ] || { usage >&2; exit 64; }
for n in "$REPS" "$SECONDS_AIM" "$RATE_GUESS" $CLIENTS_LIST; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "run-saturation-bench: not a positive number: $n" >&2; exit 64; }
done
[[ $SLEEP_SENDING =~ ^[0-9]+$ ]] || { echo "run-saturation-bench: --sleep-sending is a number" >&2; exit 64; }
case $EVENT_LOOP in qt | epoll) ;; *) echo "run-saturation-bench: --event-loop is qt or epoll" >&2; exit 64 ;; esac

log() { printf '%s\n' "$*" >&2; }
die() { log "run-saturation-bench: $*"; exit 1; }

BUILD=$(cd "$BUILD" && pwd)
NODE_BIN=$BUILD/server/app/cometd-node
STRESS_BIN=$BUILD/server/app/cometd-stress
[ -x "$NODE_BIN" ] || die "no $NODE_BIN (cmake --build $BUILD --target cometd-node cometd-stress)"
[ -x "$STRESS_BIN" ] || die "no $STRESS_BIN (cmake --build $BUILD --target cometd-stress)"
[ -f "$PEER_BENCH/tcp-floor.c" ] || die "no tcp-floor.c in $PEER_BENCH (set PEER_BENCH)"
command -v jq >/dev/null || die "jq is needed"

if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
    PIN_NODE=(taskset -c 0) PIN_STRESS=(taskset -c 1)
else
    log "run-saturation-bench: fewer than 2 CPUs or no taskset: running unpinned"
    PIN_NODE=() PIN_STRESS=()
fi
# One fd per websocket client on each side, one per long-polling client (the setup connection
# closes once the client is ready), in two processes: the hard limit (20000 here) is enough.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
FD_LIMIT=$(ulimit -n)
CLK_TCK=$(getconf CLK_TCK)

OUT=${OUT:-$(mktemp -d /tmp/saturation-bench.XXXXXX)}
mkdir -p "$OUT/raw"
OUT=$(cd "$OUT" && pwd)
: >"$OUT/runs.jsonl"

PIDS=()
stop_pid() { # pid [seconds]: SIGTERM, bounded wait, then SIGKILL
    local pid=$1 limit=$((${2:-10} * 10)) i
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < limit; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && stop_pid "$p" 5; done
    return 0
}
trap cleanup EXIT
trap 'log "run-saturation-bench: interrupted"; exit 130' INT TERM HUP

cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
now_s() { date +%s.%N; }

cc -O2 -o "$OUT/tcp-floor" "$PEER_BENCH/tcp-floor.c" || die "cannot compile tcp-floor.c"

write_xml() { # file clients repeats port
    cat >"$1" <<EOF
<configuration clients="$2" repeat="$3" sleep-connection="0" sleep-sending="$SLEEP_SENDING">
  <container containerStart="false" port="$4" home=""/>
  <messages>
    <message broadcast="true" id="b">saturation</message>
  </messages>
  <cometd-url>http://127.0.0.1:$4/cometd/cometd</cometd-url>
  <base-url>http://127.0.0.1:$4/rest/</base-url>
  <channels>
    <channel>/bench/saturation</channel>
  </channels>
</configuration>
EOF
}

# One run of a cell: prints one JSON line (also appended to runs.jsonl).
run_cell() { # transport clients rep repeats floorUs
    local tr=$1 n=$2 rep=$3 repeats=$4 floor_us=$5 tag="$1-$2-r$3"
    local node_out=$OUT/raw/$tag.node.out node_err=$OUT/raw/$tag.node.log
    local stress_out=$OUT/raw/$tag.stress.json stress_err=$OUT/raw/$tag.stress.log
    "${PIN_NODE[@]}" "$NODE_BIN" --listen 127.0.0.1:0 --event-loop "$EVENT_LOOP" --log-level warning \
        >"$node_out" 2>"$node_err" &
    local node=$!
    PIDS+=("$node")
    local i port=""
    for ((i = 0; i < 200; i++)); do
        port=$(grep -oE '^listening on http://127\.0\.0\.1:[0-9]+' "$node_out" 2>/dev/null | grep -oE '[0-9]+$' || true)
        [ -n "$port" ] && break
        kill -0 "$node" 2>/dev/null || break
        sleep 0.1
    done
    [ -n "$port" ] || die "cometd-node did not start (see $node_out, $node_err)"
    write_xml "$OUT/raw/$tag.xml" "$n" "$repeats" "$port"

    "${PIN_STRESS[@]}" "$STRESS_BIN" --config "$OUT/raw/$tag.xml" --json --transport "$tr" \
        --event-loop "$EVENT_LOOP" --timeout 120 >"$stress_out" 2>"$stress_err" &
    local stress=$!
    PIDS+=("$stress")
    # The delivery phase, as the node sees it: from "sending" to "stopping" (or the end of the run).
    local t0="" w0="" t1="" w1=""
    while kill -0 "$stress" 2>/dev/null; do
        if [ -z "$t0" ] && grep -q '^cometd-stress: sending' "$stress_err"; then
            t0=$(cpu_ticks "$node") w0=$(now_s)
        fi
        if [ -n "$t0" ] && grep -q '^cometd-stress: stopping' "$stress_err"; then
            t1=$(cpu_ticks "$node") w1=$(now_s)
            break
        fi
        sleep 0.02
    done
    [ -n "$t1" ] || { t1=$(cpu_ticks "$node"); w1=$(now_s); }
    [ -n "$t0" ] || { t0=$t1; w0=$w1; }
    local rc=0
    wait "$stress" || rc=$?
    local rss
    rss=$(awk '/^VmHWM:/ {print $2}' "/proc/$node/status" 2>/dev/null || echo 0)
    stop_pid "$node" 15
    local stress_json
    stress_json=$(grep -m1 '^{' "$stress_out" || echo '{}')
    jq -c -n --argjson s "$stress_json" --arg tr "$tr" --argjson n "$n" --argjson rep "$rep" \
        --argjson repeats "$repeats" --argjson rc "$rc" --argjson t0 "$t0" --argjson t1 "$t1" \
        --argjson w0 "$w0" --argjson w1 "$w1" --argjson tck "$CLK_TCK" --argjson floor "$floor_us" \
        --argjson rss "${rss:-0}" '
        ($s.deliveryReceived // 0) as $got
        | (($t1 - $t0) / $tck) as $nodeCpu
        | (if $got > 0 then $nodeCpu * 1e6 / $got else null end) as $nodeUs
        | {transport: $tr, clients: $n, rep: $rep, repeats: $repeats, exit: $rc,
           passed: ($s.passed // false), connected: ($s.clientsConnected // 0),
           expected: ($s.expected // 0), delivered: ($s.delivered // 0), lost: ($s.lost // 0),
           received: $got, seconds: ($s.deliverySeconds // 0),
           deliveriesPerSecond: ($s.deliveriesPerSecond // 0),
           nodeCpuSeconds: $nodeCpu, nodeWindowSeconds: ($w1 - $w0),
           nodeCpuPct: (if ($w1 - $w0) > 0 then $nodeCpu * 100 / ($w1 - $w0) else null end),
           nodeUsPerDelivery: $nodeUs,
           perCorePerSecond: (if $nodeUs != null and $nodeUs > 0 then 1e6 / $nodeUs else null end),
           stressUsPerDelivery: $s.cpuMicrosPerDelivery,
           stressConnectCpuSeconds: ($s.connectCpuSeconds // 0),
           stressCpuPct: (if ($s.deliverySeconds // 0) > 0 then ($s.deliveryCpuSeconds * 100 / $s.deliverySeconds) else null end),
           floorUsPerDelivery: $floor, floorPerSecond: (1e6 / $floor),
           oursOverFloor: (if $nodeUs != null and $nodeUs > 0 then $floor / $nodeUs else null end),
           stressOverNode: (if $nodeUs != null and $nodeUs > 0 and $s.cpuMicrosPerDelivery != null
                            then $s.cpuMicrosPerDelivery / $nodeUs else null end),
           nodePeakRssKiB: $rss, p50Ms: ($s.latencyMs.p50 // null), errors: ($s.errors // [])}' |
        tee -a "$OUT/runs.jsonl"
}

log "run-saturation-bench: results in $OUT; fd limit $FD_LIMIT; node $NODE_BIN"
declare -A RATE
for rep in $(seq 1 "$REPS"); do
    for tr in $TRANSPORTS; do
        case $tr in websocket) mode=ws ;; long-polling) mode=lp ;; *) die "unknown transport $tr" ;; esac
        for n in $CLIENTS_LIST; do
            # The floor of this cell, in this run: N connections, rounds so that it writes about
            # 200,000 deliveries (at least 50 rounds), 130-byte messages as in run-node-bench.sh.
            rounds=$((200000 / n)); [ "$rounds" -ge 50 ] || rounds=50
            floor_log=$OUT/raw/floor-$mode-$n-r$rep.log
            timeout 300 "$OUT/tcp-floor" "$mode" "$n" "$rounds" >"$floor_log" 2>&1 || log "  tcp-floor $mode $n: exit status $?"
            floor_us=$(grep -m1 '^{' "$floor_log" | jq '.serverCpuUsPerDelivery' 2>/dev/null || echo null)
            [[ $floor_us =~ ^[0-9.]+$ ]] || die "tcp-floor $mode $n gave no figure (see $floor_log)"
            key=$tr-$n
            rate=${RATE[$key]:-$RATE_GUESS}
            repeats=$(( (SECONDS_AIM * rate + n - 1) / n ))
            [ "$repeats" -ge 10 ] || repeats=10
            [ "$repeats" -le 9000 ] || repeats=9000 # under the node's 10,000-message queue per session
            log "== $tr, $n clients, rep $rep: $repeats broadcasts; floor $mode $floor_us us/delivery"
            line=$(run_cell "$tr" "$n" "$rep" "$repeats" "$floor_us")
            log "  $line"
            measured=$(jq -r '.deliveriesPerSecond | floor' <<<"$line" 2>/dev/null || echo 0)
            [ "${measured:-0}" -gt 0 ] && RATE[$key]=$measured
            sleep 2 # let TIME_WAIT sockets and the CPUs settle between runs
        done
    done
done

# ---------------------------------------------------------------- medians
{
    echo "## cometd-node saturation ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, reps $REPS, event loop $EVENT_LOOP, commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?'))"
    echo
    echo "| transport | clients | runs passed | deliveries/run | deliveries/s | node CPU % | node µs/delivery | deliveries/s at 1 core | floor µs/delivery | floor deliveries/s | ours ÷ floor (throughput) | stress µs/delivery | stress ÷ node (CPU) | stress CPU % |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    jq -s -r '
        def median: sort | if length == 0 then null elif length % 2 == 1 then .[length / 2 | floor]
                    else (.[length / 2 - 1] + .[length / 2]) / 2 end;
        def f(d): if . == null then "-" else (. * pow(10; d) | round) / pow(10; d) | tostring end;
        group_by([.transport, .clients]) | .[]
        | . as $runs
        | [($runs[0].transport), ($runs[0].clients | tostring),
           "\([$runs[] | select(.passed)] | length)/\($runs | length)",
           ([$runs[].received] | median | f(0)),
           ([$runs[].deliveriesPerSecond] | median | f(0)),
           ([$runs[].nodeCpuPct | select(. != null)] | median | f(0)),
           ([$runs[].nodeUsPerDelivery | select(. != null)] | median | f(2)),
           ([$runs[].perCorePerSecond | select(. != null)] | median | f(0)),
           ([$runs[].floorUsPerDelivery] | median | f(2)),
           ([$runs[].floorPerSecond] | median | f(0)),
           ([$runs[].oursOverFloor | select(. != null)] | median | f(2)),
           ([$runs[].stressUsPerDelivery | select(. != null)] | median | f(2)),
           ([$runs[].stressOverNode | select(. != null)] | median | f(2)),
           ([$runs[].stressCpuPct | select(. != null)] | median | f(0))]
        | "| " + join(" | ") + " |"' "$OUT/runs.jsonl"
    echo
    echo "Command: tests/bench/saturation/run-saturation-bench.sh $BUILD --reps $REPS --clients \"$CLIENTS_LIST\" --transports \"$TRANSPORTS\" --seconds $SECONDS_AIM --sleep-sending $SLEEP_SENDING --event-loop $EVENT_LOOP"
    echo "Raw results: $OUT (runs.jsonl, raw/)."
} | tee "$OUT/summary.md"
