#!/usr/bin/env bash
# scripts/run.sh as a user runs it, started in the background as another script would (so bash
# starts it with SIGINT ignored): the balancer listens before the nodes start, nothing logs a refused
# connection, cometd-cli sees a message arrive, `kill -INT` of the script stops every process (each
# says so) and leaves none behind, and the cluster secret is the same on the next start.
# Needs BUILD_DIR (a finished build); run by ctest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
: "${BUILD_DIR:?BUILD_DIR must name a finished build}"
CLI="$BUILD_DIR/server/cli/cometd-cli"
WORK="$(mktemp -d)"
RUN_PID=""
cleanup() {
    [ -n "$RUN_PID" ] && kill -TERM "$RUN_PID" 2>/dev/null && wait "$RUN_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; echo "--- run.sh said:" >&2; cat "$WORK/run.out" >&2 || true; exit 1; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Below the kernel's ephemeral range, which the other tests' outgoing connections draw from while
# this one runs: a port there can be taken between the probe and run.sh's bind.
EPHEMERAL_LOW="$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
BASE=""
for _ in $(seq 50); do
    candidate=$((10000 + RANDOM % (EPHEMERAL_LOW - 10003)))
    if port_free "$candidate" && port_free $((candidate + 1)) && port_free $((candidate + 2)); then BASE=$candidate; break; fi
done
[ -n "$BASE" ] || fail "no three free ports"
URL="http://127.0.0.1:$BASE"

await() { # file, text, seconds
    for _ in $(seq $(($3 * 10))); do
        grep -qF -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

start_cluster() {
    : >"$WORK/run.out"
    COMETD_SKIP_SETUP=1 COMETD_PORT="$BASE" bash "$ROOT/scripts/run.sh" >"$WORK/run.out" 2>&1 &
    RUN_PID=$!
    await "$WORK/run.out" "== cluster:" 30 || fail "the cluster did not start"
}

stop_cluster() { # signal
    kill "-$1" "$RUN_PID"
    for _ in $(seq 200); do kill -0 "$RUN_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$RUN_PID" 2>/dev/null && fail "run.sh still runs 20 s after SIG$1"
    wait "$RUN_PID" 2>/dev/null || true
    RUN_PID=""
}

start_cluster
balancer_line=$(grep -n "^\[balancer\] listening on" "$WORK/run.out" | cut -d: -f1)
node_line=$(grep -n "^\[node1\] listening on\|^\[node2\] listening on" "$WORK/run.out" | head -1 | cut -d: -f1)
[ -n "$balancer_line" ] && [ -n "$node_line" ] || fail "no 'listening on' lines"
[ "$balancer_line" -lt "$node_line" ] || fail "a node started before the balancer listened"
grep -qiE "refused|no answer" "$WORK/run.out" && fail "something was refused at start"
grep -qF "cometd-admin --url $URL" "$WORK/run.out" || fail "it does not say where the console connects"

"$CLI" listen exo1 --url "$URL" -n 1 --timeout 30 >"$WORK/listen.out" 2>"$WORK/listen.err" &
LISTEN_PID=$!
await "$WORK/listen.err" "listening as exo1" 20 || fail "cometd-cli did not connect: $(cat "$WORK/listen.err")"
"$CLI" send exo1 "hello from the test" --id t1 --url "$URL" >"$WORK/send.out" || fail "send failed"
grep -qF "delivered to 1 session" "$WORK/send.out" || fail "send said: $(cat "$WORK/send.out")"
wait "$LISTEN_PID" || fail "cometd-cli listen exited $?: $(cat "$WORK/listen.err")"
grep -qxF "/eXo/cometd/test t1: hello from the test" "$WORK/listen.out" || fail "listen printed: $(cat "$WORK/listen.out")"

SECRET_FILE="$BUILD_DIR/run-secret"
[ "$(stat -c %a "$SECRET_FILE")" = 600 ] || fail "$SECRET_FILE is not mode 600"
secret_before="$(cat "$SECRET_FILE")"

stop_cluster INT
[ "$(grep -c "stopped on SIGTERM" "$WORK/run.out")" -eq 3 ] || fail "not every process said it stopped"
grep -qF "== cluster stopped" "$WORK/run.out" || fail "run.sh did not say the cluster stopped"
# From /proc rather than pgrep: a fresh Debian may have no procps.
for cmdline in /proc/[0-9]*/cmdline; do
    { tr '\0' ' ' <"$cmdline"; } 2>/dev/null | grep -qE -- "--listen 127\.0\.0\.1:($BASE|$((BASE + 1))|$((BASE + 2))) " \
        && fail "a cometd-node outlived run.sh: $(tr '\0' ' ' <"$cmdline")"
done

start_cluster
[ "$(cat "$SECRET_FILE")" = "$secret_before" ] || fail "the secret changed across a restart"
stop_cluster TERM
echo "run.sh: all checks passed"
