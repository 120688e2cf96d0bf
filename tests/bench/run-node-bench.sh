#!/usr/bin/env bash
# run-node-bench.sh: cometd-node's delivery benchmark, in one run and on this machine:
#   (a) the physical floor (peer-bench/tcp-floor.c, ws and lp),
#   (b) Faye (peer-bench/faye-server.js) and (c) cometd-node, each under peer-bench/bayeux-load.js
#       (N clients, one channel, M messages at R msg/s), over websocket and long-polling,
#   then idle sessions over websocket and long-polling (memory per session, idle CPU) and the CPU of
#   a /meta/connect renewal (a short long-poll hold) with idle-sessions.js, each beside Faye,
#   then the CPU of a REST private-message request (rest-load.js) beside a bare Node http server.
# Server pinned to CPU 0, driver to CPU 1; a fresh server for every run; medians of --reps runs.
# Everything on 127.0.0.1, every step bounded in time, every process it started stopped on exit.
# See README.md beside this file.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: tests/bench/run-node-bench.sh [options] [path/to/cometd-node]
  --reps N              repetitions per cell, medians reported (default 3)
  --clients N           subscribers per load run and floor connections (default 1000)
  --messages N          messages per load run (default 200)
  --rate N              messages per second (default 50)
  --transports "T..."   websocket and/or long-polling (default "websocket long-polling")
  --event-loop qt|epoll passed to cometd-node
  --idle "N..."         idle session counts (default "10000 20000"; clamped to the fd limit)
  --idle-hold MS        both servers' long-poll hold in the idle part (default 30000, cometd-node's own)
  --idle-seconds S      idle CPU window (default: the idle hold, so each session renews once in it)
  --idle-transports "T..."  transports of the idle and heartbeat parts (default "websocket long-polling")
  --heartbeat-sessions N    sessions renewing /meta/connect in the heartbeat part (default 2000)
  --heartbeat-hold MS       the servers' long-poll hold in the heartbeat part (default 1000)
  --heartbeat-seconds S     heartbeat CPU window (default 10)
  --rest-rate N         REST requests per second (default 2000)
  --rest-connections K  keep-alive connections of the REST driver (default 8)
  --rest-seconds S      REST CPU window (default 10)
  --rest-idle N         idle websocket sessions of other users on cometd-node during its REST runs (default 0)
  --skip-floor | --skip-faye | --skip-ours | --skip-load | --skip-idle | --skip-heartbeat | --skip-rest
  --out DIR             results directory (default: a new /tmp/cometd-node-bench.* directory)
env: COMETD_NODE (cometd-node path), PEER_BENCH (default <repo>/../shared/peer-bench),
     BENCH_CACHE (where peer-bench is copied when it has no node_modules; default /tmp/cometd-node-bench-cache)
EOF
}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PEER_BENCH=${PEER_BENCH:-$REPO/../shared/peer-bench}
BENCH_CACHE=${BENCH_CACHE:-/tmp/cometd-node-bench-cache}
REPS=3 CLIENTS=1000 MESSAGES=200 RATE=50 TRANSPORTS="websocket long-polling"
EVENT_LOOP="" IDLE_COUNTS="10000 20000" IDLE_SECONDS="" IDLE_HOLD_MS=30000 OUT="" IDLE_TRANSPORTS="websocket long-polling"
HB_SESSIONS=2000 HB_HOLD_MS=1000 HB_SECONDS=10 REST_RATE=2000 REST_CONNECTIONS=8 REST_SECONDS=10 REST_IDLE=0
SKIP_FLOOR=0 SKIP_FAYE=0 SKIP_OURS=0 SKIP_LOAD=0 SKIP_IDLE=0 SKIP_HEARTBEAT=0 SKIP_REST=0
NODE_BIN=${COMETD_NODE:-}

while [ $# -gt 0 ]; do
    arg=$1
    val=""
    case $arg in
        --*=*) val=${arg#*=}; arg=${arg%%=*} ;;
    esac
    needval() {
        if [ -z "$val" ]; then
            [ $# -ge 2 ] || { echo "run-node-bench: $1 needs a value" >&2; exit 64; }
            val=$2
            shift_extra=1
        fi
    }
    shift_extra=0
    case $arg in
        --reps) needval "$@"; REPS=$val ;;
        --clients) needval "$@"; CLIENTS=$val ;;
        --messages) needval "$@"; MESSAGES=$val ;;
        --rate) needval "$@"; RATE=$val ;;
        --transports) needval "$@"; TRANSPORTS=$val ;;
        --event-loop) needval "$@"; EVENT_LOOP=$val ;;
        --idle) needval "$@"; IDLE_COUNTS=$val ;;
        --idle-seconds) needval "$@"; IDLE_SECONDS=$val ;;
        --idle-hold) needval "$@"; IDLE_HOLD_MS=$val ;;
        --idle-transports) needval "$@"; IDLE_TRANSPORTS=$val ;;
        --heartbeat-sessions) needval "$@"; HB_SESSIONS=$val ;;
        --heartbeat-hold) needval "$@"; HB_HOLD_MS=$val ;;
        --heartbeat-seconds) needval "$@"; HB_SECONDS=$val ;;
        --rest-rate) needval "$@"; REST_RATE=$val ;;
        --rest-connections) needval "$@"; REST_CONNECTIONS=$val ;;
        --rest-seconds) needval "$@"; REST_SECONDS=$val ;;
        --rest-idle) needval "$@"; REST_IDLE=$val ;;
        --out) needval "$@"; OUT=$val ;;
        --skip-floor) SKIP_FLOOR=1 ;;
        --skip-faye) SKIP_FAYE=1 ;;
        --skip-ours) SKIP_OURS=1 ;;
        --skip-load) SKIP_LOAD=1 ;;
        --skip-idle) SKIP_IDLE=1 ;;
        --skip-heartbeat) SKIP_HEARTBEAT=1 ;;
        --skip-rest) SKIP_REST=1 ;;
        -h|--help) usage; exit 0 ;;
        -*) echo "run-node-bench: unknown option $arg" >&2; usage >&2; exit 64 ;;
        *) NODE_BIN=$arg ;;
    esac
    shift
    if [ "$shift_extra" = 1 ]; then shift; fi
done
[[ $IDLE_HOLD_MS =~ ^[1-9][0-9]*$ ]] || { echo "run-node-bench: not a positive number: $IDLE_HOLD_MS" >&2; exit 64; }
IDLE_SECONDS=${IDLE_SECONDS:-$(((IDLE_HOLD_MS + 999) / 1000))}
for n in "$REPS" "$CLIENTS" "$MESSAGES" "$RATE" "$IDLE_SECONDS" "$HB_SESSIONS" "$HB_HOLD_MS" "$HB_SECONDS" \
    "$REST_RATE" "$REST_CONNECTIONS" "$REST_SECONDS"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "run-node-bench: not a positive number: $n" >&2; exit 64; }
done
[[ $REST_IDLE =~ ^[0-9]+$ ]] || { echo "run-node-bench: --rest-idle is a number: $REST_IDLE" >&2; exit 64; }
for tr in $IDLE_TRANSPORTS; do
    case $tr in websocket|long-polling) ;; *) echo "run-node-bench: unknown idle transport $tr" >&2; exit 64 ;; esac
done
case $EVENT_LOOP in ""|qt|epoll) ;; *) echo "run-node-bench: --event-loop is qt or epoll" >&2; exit 64 ;; esac

log() { printf '%s\n' "$*" >&2; }
die() { log "run-node-bench: $*"; exit 1; }

if [ "$SKIP_OURS" = 0 ]; then
    if [ -z "$NODE_BIN" ]; then
        for c in "$REPO"/build-release/server/app/cometd-node "$REPO"/build/server/app/cometd-node "$REPO"/build-dev/server/app/cometd-node; do
            [ -x "$c" ] && { NODE_BIN=$c; break; }
        done
    fi
    if [ -z "$NODE_BIN" ] || [ ! -x "$NODE_BIN" ]; then die "no cometd-node binary (give its path, or COMETD_NODE, or build one of build-release/, build/, build-dev/; --skip-ours to leave it out)"; fi
    NODE_BIN=$(cd "$(dirname "$NODE_BIN")" && pwd)/$(basename "$NODE_BIN")
fi
[ -f "$PEER_BENCH/bayeux-load.js" ] || die "peer-bench not found at $PEER_BENCH (set PEER_BENCH)"
command -v node >/dev/null || die "node is not installed"

# Two cores: server on 0, driver on 1. Without them the figures mean little, but still run.
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
    PIN_SERVER=(taskset -c 0) PIN_DRIVER=(taskset -c 1)
else
    log "run-node-bench: fewer than 2 CPUs or no taskset: running unpinned"
    PIN_SERVER=() PIN_DRIVER=()
fi

# Every sessions costs the server one fd; raise the soft limit to the hard one (children inherit).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
FD_LIMIT=$(ulimit -n)

OUT=${OUT:-$(mktemp -d /tmp/cometd-node-bench.XXXXXX)}
mkdir -p "$OUT/raw"
OUT=$(cd "$OUT" && pwd)
: >"$OUT/runs.jsonl"
: >"$OUT/floor.jsonl"
: >"$OUT/idle.jsonl"
: >"$OUT/heartbeat.jsonl"
: >"$OUT/rest.jsonl"

# ---------------------------------------------------------------- process bookkeeping
PIDS=()
STOP_RC=0
stop_pid() { # pid [seconds]: SIGTERM, bounded wait, then SIGKILL; exit status in STOP_RC
    local pid=$1 limit=$((${2:-10} * 10)) i
    STOP_RC=0
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < limit; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then
            kill -KILL "$pid" 2>/dev/null || true
            log "  pid $pid did not exit within ${2:-10} s of SIGTERM: killed"
        fi
    fi
    wait "$pid" 2>/dev/null || STOP_RC=$?
}
cleanup() {
    local p
    for p in "${PIDS[@]}"; do
        if kill -0 "$p" 2>/dev/null; then stop_pid "$p" 5; fi
    done
    return 0
}
trap cleanup EXIT
trap 'log "run-node-bench: interrupted"; exit 130' INT TERM HUP

# Runs a command in the background and waits for it, so that a SIGTERM/SIGINT trap is not held
# up until it ends; returns its exit status.
run_bg() {
    "$@" &
    local pid=$!
    PIDS+=("$pid")
    wait "$pid"
}

wait_for_line() { # file regex seconds pid: waits until a line of file matches (or pid dies)
    local file=$1 re=$2 limit=$(($3 * 10)) pid=$4 i
    for ((i = 0; i < limit; i++)); do
        grep -qE "$re" "$file" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

free_port() {
    node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# ---------------------------------------------------------------- peer-bench runtime (faye, ws)
if [ -d "$PEER_BENCH/node_modules/faye" ] && [ -d "$PEER_BENCH/node_modules/ws" ]; then
    PB=$PEER_BENCH
else
    # ../shared is read-only: install peer-bench's locked dependencies in a copy.
    PB=$BENCH_CACHE/peer-bench
    mkdir -p "$PB"
    cp "$PEER_BENCH"/*.js "$PEER_BENCH"/package.json "$PEER_BENCH"/package-lock.json "$PB"/
    if [ ! -d "$PB/node_modules/faye" ] || [ ! -d "$PB/node_modules/ws" ]; then
        log "run-node-bench: npm ci in $PB"
        (cd "$PB" && timeout 300 npm ci --no-audit --no-fund >"$OUT/raw/npm-ci.log" 2>&1) ||
            die "npm ci in $PB failed (see $OUT/raw/npm-ci.log)"
    fi
fi
FAYE_VERSION=$(node -p "require('$PB/node_modules/faye/package.json').version")
NODE_VERSION=""
[ "$SKIP_OURS" = 0 ] && NODE_VERSION=$(timeout 10 "$NODE_BIN" --version 2>/dev/null | head -1 | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' || true)

# ---------------------------------------------------------------- servers
SRV_PID="" SRV_URL="" TOKEN_ARGS=()
start_server() { # faye|ours|bare tag [long-poll hold in ms; default: the server's own]
    local which=$1 tag=$2 hold=${3:-} port base
    if [ "$which" = faye ]; then
        port=$(free_port)
        local faye_args=("$port" --max-time=1800)
        [ -n "$hold" ] && faye_args+=(--timeout="$(awk -v ms="$hold" 'BEGIN { print ms / 1000 }')")
        "${PIN_SERVER[@]}" node "$PB/faye-server.js" "${faye_args[@]}" >"$OUT/raw/$tag.server.log" 2>&1 &
        SRV_PID=$!
        PIDS+=("$SRV_PID")
        wait_for_line "$OUT/raw/$tag.server.log" listening 15 "$SRV_PID" || die "faye did not start (see $OUT/raw/$tag.server.log)"
        SRV_URL=http://127.0.0.1:$port/cometd
        TOKEN_ARGS=()
    elif [ "$which" = bare ]; then
        "${PIN_SERVER[@]}" node "$HERE/bare-http.js" --max-time=600 >"$OUT/raw/$tag.server.log" 2>&1 &
        SRV_PID=$!
        PIDS+=("$SRV_PID")
        wait_for_line "$OUT/raw/$tag.server.log" '^listening on' 15 "$SRV_PID" || die "bare-http.js did not start (see $OUT/raw/$tag.server.log)"
        SRV_URL=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$OUT/raw/$tag.server.log" | head -1)
        TOKEN_ARGS=()
    else
        local args=(--listen 127.0.0.1:0)
        [ -n "$EVENT_LOOP" ] && args+=(--event-loop "$EVENT_LOOP")
        if [ -n "$hold" ]; then
            printf '{"bayeux": {"timeout": %d}}\n' "$hold" >"$OUT/raw/$tag.config.json"
            args+=(--config "$OUT/raw/$tag.config.json")
        fi
        "${PIN_SERVER[@]}" "$NODE_BIN" "${args[@]}" >"$OUT/raw/$tag.server.out" 2>"$OUT/raw/$tag.server.log" &
        SRV_PID=$!
        PIDS+=("$SRV_PID")
        wait_for_line "$OUT/raw/$tag.server.out" '^listening on http://127\.0\.0\.1:[0-9]+' 20 "$SRV_PID" ||
            die "cometd-node did not print its listening line (see $OUT/raw/$tag.server.out and .server.log)"
        base=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$OUT/raw/$tag.server.out" | head -1)
        SRV_URL=$base/cometd/cometd
        TOKEN_ARGS=(--token-url="$base")
    fi
}
stop_server() { # tag
    stop_pid "$SRV_PID" 15
    [ "$STOP_RC" = 0 ] || log "  note: server of $1 exited with status $STOP_RC after SIGTERM"
    SRV_PID=""
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
# Empty when the process is gone: the caller notes it instead of the whole run stopping.
cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || true; }
GONE_NOTE="the server exited during the window (see its log)"

# ---------------------------------------------------------------- the delivery runs
SERVERS=()
[ "$SKIP_FAYE" = 0 ] && SERVERS+=(faye)
[ "$SKIP_OURS" = 0 ] && SERVERS+=(ours)

if [ "$SKIP_FLOOR" = 0 ] && [ "$SKIP_LOAD" = 0 ]; then
    cc -O2 -o "$OUT/tcp-floor" "$PEER_BENCH/tcp-floor.c" || die "cannot compile tcp-floor.c"
fi

log "run-node-bench: results in $OUT"
log "  servers: ${SERVERS[*]:-none}; cometd-node: ${NODE_BIN:-skipped}; faye $FAYE_VERSION from $PB; fd limit $FD_LIMIT"
if [ "$SKIP_LOAD" = 0 ]; then
    for rep in $(seq 1 "$REPS"); do
        for tr in $TRANSPORTS; do
            case $tr in websocket) mode="ws" ;; long-polling) mode="lp" ;; *) die "unknown transport $tr" ;; esac
            if [ "$SKIP_FLOOR" = 0 ]; then
                log "== floor-$mode-r$rep"
                rc=0
                run_bg timeout 120 "$OUT/tcp-floor" "$mode" "$CLIENTS" "$MESSAGES" >"$OUT/raw/floor-$mode-r$rep.log" 2>&1 || rc=$?
                [ "$rc" = 0 ] || log "  tcp-floor $mode exit status $rc"
                grep '^{' "$OUT/raw/floor-$mode-r$rep.log" | tee -a "$OUT/floor.jsonl" | sed 's/^/  /' >&2 || true
            fi
            for srv in "${SERVERS[@]}"; do
                tag=$srv-$tr-r$rep
                start_server "$srv" "$tag"
                log "== $tag (server pid $SRV_PID, $SRV_URL)"
                rc=0
                run_bg timeout 300 "${PIN_DRIVER[@]}" node "$PB/bayeux-load.js" --url="$SRV_URL" --transport="$tr" \
                    --clients="$CLIENTS" --messages="$MESSAGES" --rate="$RATE" --server-pid="$SRV_PID" \
                    --label="$tag" --json-out="$OUT/runs.jsonl" --quiet "${TOKEN_ARGS[@]}" \
                    >"$OUT/raw/$tag.driver.log" 2>&1 || rc=$?
                [ "$rc" = 0 ] || log "  driver exit status $rc (see $OUT/raw/$tag.driver.log)"
                grep -E '^(clients|lost|latency|server CPU)' "$OUT/raw/$tag.driver.log" | sed 's/^/  /' >&2 || true
                stop_server "$tag"
                sleep 2 # let TIME_WAIT sockets and the CPUs settle between runs
            done
        done
    done
fi

# ---------------------------------------------------------------- idle sessions
IDLE_CHUNK=5000 # sessions per client process, well under its own fd limit
IDLE_PIDS=() IDLE_FILES=() IDLE_READY=0 IDLE_SETUP_OK=1
open_idle_sessions() { # transport count tag user-prefix: idle-sessions.js processes against SRV_URL
    local tr=$1 n=$2 tag=$3 prefix=$4 start k count f i r
    IDLE_PIDS=() IDLE_FILES=() IDLE_READY=0 IDLE_SETUP_OK=1
    for ((start = 0, k = 0; start < n; start += IDLE_CHUNK, k++)); do
        count=$((n - start < IDLE_CHUNK ? n - start : IDLE_CHUNK))
        f="$OUT/raw/$tag.client$k.log"
        NODE_PATH=$PB/node_modules "${PIN_DRIVER[@]}" node "$HERE/idle-sessions.js" --url="$SRV_URL" \
            --transport="$tr" --sessions="$count" --user-prefix="$prefix$k-" --setup-timeout=150 --max-time=600 \
            "${TOKEN_ARGS[@]}" >"$f" 2>&1 &
        IDLE_PIDS+=($!) IDLE_FILES+=("$f")
        PIDS+=($!)
    done
    for i in "${!IDLE_PIDS[@]}"; do
        if wait_for_line "${IDLE_FILES[$i]}" '^READY ' 200 "${IDLE_PIDS[$i]}"; then
            r=$(grep -m1 '^READY ' "${IDLE_FILES[$i]}" | sed 's/^READY //' | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).ready))')
            IDLE_READY=$((IDLE_READY + r))
        else
            IDLE_SETUP_OK=0
            log "  idle client $i did not finish its setup (see ${IDLE_FILES[$i]})"
        fi
    done
}
close_idle_sessions() {
    local c
    for c in "${IDLE_PIDS[@]}"; do stop_pid "$c" 10; done
    IDLE_PIDS=()
}
# Sum over the idle clients of connectReplies in their last two COUNT lines (one SIGUSR2 each side
# of a window): the renewals answered in that window.
renewals_between_counts() {
    local f total=0 a b
    for f in "${IDLE_FILES[@]}"; do
        read -r a b < <(grep '^COUNT ' "$f" | tail -2 | sed -E 's/.*"connectReplies":([0-9]+).*/\1/' | tr '\n' ' ') || true # read meets the end of its line-less input
        [ -n "${b:-}" ] && total=$((total + b - a))
    done
    echo "$total"
}
signal_idle_clients() {
    local c
    for c in "${IDLE_PIDS[@]}"; do kill -USR2 "$c" 2>/dev/null || true; done
}

if [ "$SKIP_IDLE" = 0 ] && [ ${#SERVERS[@]} -gt 0 ]; then
    for rep in $(seq 1 "$REPS"); do
        for requested in $IDLE_COUNTS; do
            n=$requested note=""
            cap=$((FD_LIMIT - 200)) # the server's listening socket, files, token requests...
            if [ "$n" -gt "$cap" ]; then
                n=$cap note="clamped from $requested: fd limit $FD_LIMIT"
            fi
            for tr in $IDLE_TRANSPORTS; do
                for srv in "${SERVERS[@]}"; do
                    tag=idle-$srv-$tr-$requested-r$rep
                    # The same hold for both servers, and a window as long as it: the setup burst
                    # puts every session's renewal at the same phase, and such a window sees each
                    # session renew once, as a steady state would.
                    start_server "$srv" "$tag" "$IDLE_HOLD_MS"
                    log "== $tag: $n $tr sessions (server pid $SRV_PID)"
                    sleep 1
                    rss_before=$(rss_kib "$SRV_PID")
                    open_idle_sessions "$tr" "$n" "$tag" idle
                    sleep 2 # connect replies of the setup burst settle
                    rss_after=$(rss_kib "$SRV_PID")
                    fds=$(find "/proc/$SRV_PID/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
                    t0=$(cpu_ticks "$SRV_PID")
                    sleep "$IDLE_SECONDS"
                    t1=$(cpu_ticks "$SRV_PID")
                    cpu=null rnote=$note
                    if [ -n "$t0" ] && [ -n "$t1" ]; then
                        cpu=$(awk -v a="$t0" -v b="$t1" -v s="$IDLE_SECONDS" 'BEGIN { printf "%.2f", (b - a) * 100 / (s * 100) }')
                    else
                        rnote="${rnote:+$rnote; }$GONE_NOTE"
                    fi
                    if [ "$IDLE_SETUP_OK" != 1 ]; then rnote="${rnote:+$rnote; }setup incomplete"; fi
                    if [ "$IDLE_READY" -lt "$n" ]; then rnote="${rnote:+$rnote; }$((n - IDLE_READY)) sessions not ready"; fi
                    printf '{"server":"%s","transport":"%s","rep":%d,"requested":%d,"sessions":%d,"ready":%d,"fds":%d,"rssBeforeKiB":%d,"rssAfterKiB":%d,"cpuPct":%s,"seconds":%d,"holdMs":%d,"note":"%s"}\n' \
                        "$srv" "$tr" "$rep" "$requested" "$n" "$IDLE_READY" "$fds" "$rss_before" "$rss_after" "$cpu" "$IDLE_SECONDS" "$IDLE_HOLD_MS" "$rnote" |
                        tee -a "$OUT/idle.jsonl" | sed 's/^/  /' >&2
                    close_idle_sessions
                    stop_server "$tag"
                    sleep 2
                done
            done
        done
    done
fi

# ---------------------------------------------------------------- heartbeat CPU
# The servers hold a /meta/connect for --heartbeat-hold ms only, so that renewals dominate their
# CPU: server CPU over the window ÷ renewals the clients had answered in it.
if [ "$SKIP_HEARTBEAT" = 0 ] && [ ${#SERVERS[@]} -gt 0 ]; then
    for rep in $(seq 1 "$REPS"); do
        for tr in $IDLE_TRANSPORTS; do
            for srv in "${SERVERS[@]}"; do
                tag=heartbeat-$srv-$tr-r$rep
                start_server "$srv" "$tag" "$HB_HOLD_MS"
                log "== $tag: $HB_SESSIONS $tr sessions, hold $HB_HOLD_MS ms (server pid $SRV_PID)"
                open_idle_sessions "$tr" "$HB_SESSIONS" "$tag" hb
                sleep 2 # past the setup burst, into the steady renewals
                signal_idle_clients
                t0=$(cpu_ticks "$SRV_PID")
                sleep "$HB_SECONDS"
                t1=$(cpu_ticks "$SRV_PID")
                signal_idle_clients
                sleep 0.5 # the clients print their COUNT lines
                renewals=$(renewals_between_counts)
                hnote=""
                if [ "$IDLE_SETUP_OK" != 1 ] || [ "$IDLE_READY" -lt "$HB_SESSIONS" ]; then hnote="$((HB_SESSIONS - IDLE_READY)) sessions not ready"; fi
                if [ -z "$t0" ] || [ -z "$t1" ]; then hnote="${hnote:+$hnote; }$GONE_NOTE" t0=0 t1=0 renewals=0; fi
                awk -v srv="$srv" -v tr="$tr" -v rep="$rep" -v n="$HB_SESSIONS" -v ready="$IDLE_READY" -v hold="$HB_HOLD_MS" \
                    -v s="$HB_SECONDS" -v a="$t0" -v b="$t1" -v r="$renewals" -v note="$hnote" 'BEGIN {
                    cpu = (b - a) / 100
                    us = r > 0 ? sprintf("%.2f", cpu * 1e6 / r) : "null"
                    cpuPct = r > 0 ? sprintf("%.2f", cpu * 100 / s) : "null"
                    printf "{\"server\":\"%s\",\"transport\":\"%s\",\"rep\":%d,\"sessions\":%d,\"ready\":%d,\"holdMs\":%d,\"seconds\":%d,\"renewals\":%d,\"serverCpuSeconds\":%.2f,\"cpuPct\":%s,\"usPerRenewal\":%s,\"note\":\"%s\"}\n",
                        srv, tr, rep, n, ready, hold, s, r, cpu, cpuPct, us, note
                }' | tee -a "$OUT/heartbeat.jsonl" | sed 's/^/  /' >&2
                close_idle_sessions
                stop_server "$tag"
                sleep 2
            done
        done
    done
fi

# ---------------------------------------------------------------- REST request cost
# cometd-node only (Faye has no REST API): private messages to a user without a session (404: the
# bare request) and to a user with one idle websocket session (the request and one delivery),
# beside a bare Node http server answering the same requests 404. With --rest-idle, cometd-node
# holds that many idle websocket sessions of other users meanwhile (what a request costs a busy node).
rest_run() { # case tag user idle-sessions-on-the-server
    local rc=0
    run_bg timeout $((REST_SECONDS + 60)) "${PIN_DRIVER[@]}" node "$HERE/rest-load.js" --url="${SRV_URL%%/cometd*}" \
        --server-pid="$SRV_PID" --user="$3" --rate="$REST_RATE" --connections="$REST_CONNECTIONS" \
        --seconds="$REST_SECONDS" --label="$1-r$rep" >"$OUT/raw/$2.driver.log" 2>&1 || rc=$?
    [ "$rc" = 0 ] || log "  rest-load exit status $rc (see $OUT/raw/$2.driver.log)"
    grep '^RESULT ' "$OUT/raw/$2.driver.log" | sed "s/^RESULT {/{\"idleSessions\":$4,/" | tee -a "$OUT/rest.jsonl" | sed 's/^/  /' >&2 || true
}
if [ "$SKIP_REST" = 0 ]; then
    for rep in $(seq 1 "$REPS"); do
        tag=rest-bare-r$rep
        start_server bare "$tag"
        log "== $tag: bare Node http server (pid $SRV_PID), $REST_RATE requests/s"
        rest_run bare "$tag" rest-nobody 0
        stop_server "$tag"
        if [ "$SKIP_OURS" = 0 ]; then
            tag=rest-ours-r$rep
            start_server ours "$tag"
            background=() background_ready=0
            if [ "$REST_IDLE" -gt 0 ]; then
                log "== $tag: $REST_IDLE idle websocket sessions of other users (server pid $SRV_PID)"
                open_idle_sessions websocket "$REST_IDLE" "$tag-background" restidle
                background=("${IDLE_PIDS[@]}") background_ready=$IDLE_READY
                sleep 2 # their connect replies settle
            fi
            log "== $tag: to a user without a session (server pid $SRV_PID), $REST_RATE requests/s"
            rest_run nobody "$tag-nobody" rest-nobody "$background_ready"
            open_idle_sessions websocket 1 "$tag" rest
            [ "$IDLE_READY" = 1 ] || log "  the REST user's session did not become ready"
            log "== $tag: to a user with one websocket session"
            rest_run one-session "$tag-one" rest0-0 "$((background_ready + IDLE_READY))"
            close_idle_sessions
            IDLE_PIDS=("${background[@]}")
            close_idle_sessions
            stop_server "$tag"
        fi
        sleep 2
    done
fi

# ---------------------------------------------------------------- report
{
    echo "## cometd-node delivery benchmark ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, reps $REPS${EVENT_LOOP:+, event loop $EVENT_LOOP})"
    echo
    node "$HERE/summarize-node-bench.js" "$OUT" --faye-version="$FAYE_VERSION" --node-version="$NODE_VERSION"
    echo "Raw results: $OUT (runs.jsonl, floor.jsonl, idle.jsonl, heartbeat.jsonl, rest.jsonl, raw/)."
} | tee "$OUT/summary.md"
