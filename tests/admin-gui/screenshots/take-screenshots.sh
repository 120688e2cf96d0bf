#!/usr/bin/env bash
# Takes the console's pictures (resources/screenshots/console-*.png) from a real cluster: run.sh's
# balancer and two nodes, a dozen users connected with cometd-cli (one with a websocket and a
# long-polling session, names that sort naturally, a long channel name), then console-shots drives
# the console offscreen and this script kills the balancer for the stale picture.
#   tests/admin-gui/screenshots/take-screenshots.sh BUILD_DIR [OUT_DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
BUILD_DIR="$(cd "${1:?usage: take-screenshots.sh BUILD_DIR [OUT_DIR]}" && pwd)"
OUT="${2:-$ROOT/resources/screenshots}"
CLI="$BUILD_DIR/server/cli/cometd-cli"
PORT="${COMETD_PORT:-18080}"
URL="http://127.0.0.1:$PORT"
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
    [ "${#PIDS[@]}" -gt 0 ] && kill "${PIDS[@]}" 2>/dev/null || true
    [ -n "${RUN_PID:-}" ] && kill -TERM "$RUN_PID" 2>/dev/null && wait "$RUN_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$OUT"

COMETD_SKIP_SETUP=1 BUILD_DIR="$BUILD_DIR" COMETD_PORT="$PORT" bash "$ROOT/scripts/run.sh" >"$WORK/run.out" 2>&1 &
RUN_PID=$!
for _ in $(seq 300); do grep -q "== cluster:" "$WORK/run.out" && break; sleep 0.1; done

listen() { "$CLI" listen "$@" --url "$URL" >/dev/null 2>&1 & PIDS+=("$!"); }
await() { # text in console-shots' output, seconds
    for _ in $(seq $(($2 * 10))); do grep -q "$1" "$WORK/shots.out" && return 0; sleep 0.1; done
    echo "console-shots did not say '$1':" >&2; cat "$WORK/shots.out" >&2; exit 1
}
user() { if [ $(($1 % 3)) -eq 0 ]; then listen "exo$1" --websocket; else listen "exo$1"; fi; }
for i in 1 2 3 4 5 6 7 8 9 10; do user "$i"; done
listen exo2 --websocket                       # a second session of exo2, on the other transport
listen exo7 /eXo/cometd/private/notifications/organization/department/team-42/alerts

QT_QPA_PLATFORM=offscreen "$BUILD_DIR/tests/admin-gui/screenshots/console-shots" --url "$URL" \
    --out "$WORK" --users 10 --more 2 >"$WORK/shots.out" 2>&1 &
SHOTS=$!
await "console connected" 60
user 11
user 12
await "ready for the balancer to go" 90
pkill -TERM -f -- "--role balancer --listen 127.0.0.1:$PORT" || true
wait "$SHOTS"
cat "$WORK/shots.out"
for f in "$WORK"/*.png; do cp "$f" "$OUT/console-$(basename "$f")"; done
