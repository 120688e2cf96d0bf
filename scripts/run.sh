#!/usr/bin/env bash
# README command 1: install what is missing, build, and start a local cluster in the foreground: a
# balancer on 127.0.0.1:8080 and two nodes on :8081 (maxConnection 10) and :8082 (maxConnection 15),
# three cometd-node processes sharing a cluster secret generated for this run. Ctrl-C stops all three
# cleanly. With arguments, it starts one cometd-node with those arguments instead
# (`scripts/run.sh --listen 127.0.0.1:9000` is the all-in-one node on port 9000).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
NODE="$BUILD_DIR/server/app/cometd-node"

if [ "$#" -gt 0 ]; then
    echo "== starting cometd-node $*"
    exec "$NODE" "$@"
fi

HOST="${COMETD_HOST:-127.0.0.1}"
BASE_PORT="${COMETD_PORT:-8080}"
RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/cometd-cluster.XXXXXX")"
SECRET="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
cat >"$RUN_DIR/cluster.json" <<JSON
{
  "secret": "$SECRET",
  "balancerUrl": "http://$HOST:$BASE_PORT",
  "nodes": [
    {"id": "1", "url": "http://$HOST:$((BASE_PORT + 1))", "maxConnection": 10},
    {"id": "2", "url": "http://$HOST:$((BASE_PORT + 2))", "maxConnection": 15}
  ]
}
JSON
chmod 600 "$RUN_DIR/cluster.json"

PIDS=()
stop() {
    trap - INT TERM EXIT
    [ "${#PIDS[@]}" -gt 0 ] && kill -TERM "${PIDS[@]}" 2>/dev/null || true
    wait "${PIDS[@]}" 2>/dev/null || true
    rm -rf "$RUN_DIR"
}
trap stop INT TERM EXIT

start() { # name, arguments...
    local name="$1"; shift
    "$NODE" --config "$RUN_DIR/cluster.json" "$@" > >(sed -u "s/^/[$name] /") 2> >(sed -u "s/^/[$name] /" >&2) &
    PIDS+=("$!")
}
start balancer --role balancer --listen "$HOST:$BASE_PORT"
start node1 --role node --node-id 1 --listen "$HOST:$((BASE_PORT + 1))"
start node2 --role node --node-id 2 --listen "$HOST:$((BASE_PORT + 2))"
echo "== cluster: balancer http://$HOST:$BASE_PORT, nodes :$((BASE_PORT + 1)) and :$((BASE_PORT + 2)); Ctrl-C stops it"
# One process gone means the cluster is not what was asked for: stop the others too.
wait -n "${PIDS[@]}" || true
