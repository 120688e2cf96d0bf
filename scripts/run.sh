#!/usr/bin/env bash
# README command 1: install what is missing, build, and start a local cluster in the foreground: a
# balancer on 127.0.0.1:8080 and two nodes on :8081 (maxConnection 10) and :8082 (maxConnection 15),
# three cometd-node processes sharing a cluster secret generated for this run. Ctrl-C stops all three
# cleanly. With arguments, it starts one cometd-node with those arguments instead
# (`scripts/run.sh --listen 127.0.0.1:9000` is the all-in-one node on port 9000).
#
# `scripts/run.sh --redis` starts the same kind of cluster on the Redis engine (SPEC §6) instead: a
# throwaway redis-server on 127.0.0.1:6390 (COMETD_REDIS_PORT; its files in the run's temporary
# directory, nothing saved), two balancers on :8080 and :8090 and three nodes on :8081 (10), :8082
# (15) and :8083 (20), all sharing the cluster through it. Nodes 1 and 2 are the balancers' `nodes`
# (placement order); node 3 is in no balancer's list and joins as dynamic. Ctrl-C stops the cluster,
# then Redis.
set -euo pipefail
REDIS=0
if [ "${1:-}" = "--redis" ]; then
    REDIS=1
    shift
    if [ "$#" -gt 0 ]; then
        echo "usage: scripts/run.sh [--redis | cometd-node options...]" >&2
        exit 2
    fi
fi
# Started in the background by another script (`scripts/run.sh &`), bash ignores SIGINT from the
# start and cannot trap it, so `kill -INT` would leave the cluster running: run again with SIGINT
# back to its default, so that the trap below stops the cluster on it as on Ctrl-C.
if [ -z "${COMETD_RUN_SIGINT:-}" ] && (((0x$(awk '/^SigIgn:/ {print $2}' /proc/$$/status) & 2) != 0)); then
    COMETD_RUN_SIGINT=1 exec env --default-signal=INT "$BASH" "$0" "$@"
fi
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
NODE="$BUILD_DIR/server/app/cometd-node"

if [ "$#" -gt 0 ]; then
    echo "== starting cometd-node $*"
    exec "$NODE" "$@"
fi

HOST="${COMETD_HOST:-127.0.0.1}"
BASE_PORT="${COMETD_PORT:-8080}"
RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/cometd-cluster.XXXXXX")"
# The cluster secret signs the users' tokens: kept in the build directory across runs of this
# checkout, so that clients still connected when the cluster restarts are served by the new one.
SECRET_FILE="$BUILD_DIR/run-secret"
if [ ! -s "$SECRET_FILE" ]; then
    (umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$SECRET_FILE")
fi
SECRET="$(cat "$SECRET_FILE")"
# The programs as a user would type them from here: build/server/cli/cometd-cli.
SHOWN_BUILD="${BUILD_DIR#"$PWD"/}"

PIDS=()
declare -A PID_OF
REDIS_PID=""
stop() {
    trap - INT TERM EXIT
    # Nodes first, the balancers last, so that no node logs its balancer going away.
    local i
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        kill -TERM "${PIDS[$i]}" 2>/dev/null || true
        wait "${PIDS[$i]}" 2>/dev/null || true
    done
    # Redis last, so that no process logs it going away while the cluster shuts down.
    if [ -n "$REDIS_PID" ]; then
        kill -TERM "$REDIS_PID" 2>/dev/null || true
        wait "$REDIS_PID" 2>/dev/null || true
    fi
    rm -rf "$RUN_DIR"
    echo "== cluster stopped"
}
trap stop INT TERM EXIT

start() { # name, config file, arguments...
    local name="$1" config="$2"; shift 2
    # Each process's lines go through the file its "listening on" line is awaited in.
    : >"$RUN_DIR/$name.log"
    "$NODE" --config "$config" "$@" > >(tee -a "$RUN_DIR/$name.log" | sed -u "s/^/[$name] /") \
        2> >(sed -u "s/^/[$name] /" >&2) &
    PIDS+=("$!")
    PID_OF[$name]="$!"
}

# Waits until the process started as `name` says it listens: the nodes report to a balancer at once,
# so it must be up first, or each node logs "connection refused" at every start.
await_listening() { # name
    local _
    for _ in $(seq 100); do
        grep -q "^listening on " "$RUN_DIR/$1.log" && return 0
        kill -0 "${PID_OF[$1]}" 2>/dev/null || break
        sleep 0.1
    done
    echo "== $1 did not start; see its lines above" >&2
    exit 1
}

if [ "$REDIS" -eq 0 ]; then
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
    start balancer "$RUN_DIR/cluster.json" --role balancer --listen "$HOST:$BASE_PORT"
    await_listening balancer
    start node1 "$RUN_DIR/cluster.json" --role node --node-id 1 --listen "$HOST:$((BASE_PORT + 1))"
    start node2 "$RUN_DIR/cluster.json" --role node --node-id 2 --listen "$HOST:$((BASE_PORT + 2))"
    await_listening node1
    await_listening node2
    cat <<TEXT
== cluster: balancer http://$HOST:$BASE_PORT, nodes :$((BASE_PORT + 1)) (maxConnection 10) and :$((BASE_PORT + 2)) (15); Ctrl-C stops it
   console  $SHOWN_BUILD/admin-gui/cometd-admin --url http://$HOST:$BASE_PORT
   listen   $SHOWN_BUILD/server/cli/cometd-cli listen exo1 --url http://$HOST:$BASE_PORT
   send     $SHOWN_BUILD/server/cli/cometd-cli send exo1 hello --url http://$HOST:$BASE_PORT
TEXT
    # One process gone means the cluster is not what was asked for: stop the others too.
    wait -n "${PIDS[@]}" || true
    exit 0
fi

if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
    echo "== installing: redis-server"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends redis-server redis-tools
fi
# Loopback only, whatever COMETD_HOST says: this Redis has no password.
REDIS_PORT="${COMETD_REDIS_PORT:-6390}"
if (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT") 2>/dev/null; then
    echo "port 127.0.0.1:$REDIS_PORT is taken: set COMETD_REDIS_PORT to a free one" >&2
    exit 1
fi
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$RUN_DIR" --save "" --appendonly no \
    --protected-mode yes --loglevel warning > >(sed -u "s/^/[redis] /") 2>&1 &
REDIS_PID="$!"
for _ in $(seq 50); do
    redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break
    kill -0 "$REDIS_PID" 2>/dev/null || { echo "redis-server did not start" >&2; exit 1; }
    sleep 0.1
done
redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG || { echo "redis-server does not answer" >&2; exit 1; }

REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
BALANCER2_PORT=$((BASE_PORT + 10))
node_entry() { # id, maxConnection
    echo "{\"id\": \"$1\", \"url\": \"http://$HOST:$((BASE_PORT + $1))\", \"maxConnection\": $2}"
}
# The balancers' nodes: the configured ones, in placement order. Node 3 is left out on purpose.
cat >"$RUN_DIR/balancer.json" <<JSON
{
  "secret": "$SECRET",
  "redis": {"url": "$REDIS_URL", "prefix": "cometd"},
  "nodes": [
    $(node_entry 1 10),
    $(node_entry 2 15)
  ]
}
JSON
# A node lists only itself: the URL it advertises and its maxConnection. No balancerUrl.
for id in 1 2 3; do
    cat >"$RUN_DIR/node$id.json" <<JSON
{
  "secret": "$SECRET",
  "nodeId": "$id",
  "redis": {"url": "$REDIS_URL", "prefix": "cometd"},
  "nodes": [$(node_entry "$id" $((5 + 5 * id)))]
}
JSON
done
chmod 600 "$RUN_DIR"/*.json

start balancer1 "$RUN_DIR/balancer.json" --role balancer --listen "$HOST:$BASE_PORT"
start balancer2 "$RUN_DIR/balancer.json" --role balancer --listen "$HOST:$BALANCER2_PORT"
await_listening balancer1
await_listening balancer2
for id in 1 2 3; do
    start "node$id" "$RUN_DIR/node$id.json" --role node --listen "$HOST:$((BASE_PORT + id))"
done
for id in 1 2 3; do await_listening "node$id"; done
cat <<TEXT
== Redis cluster: redis-server $REDIS_URL (key prefix cometd), Ctrl-C stops it
   balancers   http://$HOST:$BASE_PORT/rest/cometdurl/USER/   http://$HOST:$BALANCER2_PORT/rest/cometdurl/USER/
   admin       http://$HOST:$BASE_PORT/admin/api/cluster   http://$HOST:$BALANCER2_PORT/admin/api/cluster
   console     $SHOWN_BUILD/admin-gui/cometd-admin --url http://$HOST:$BASE_PORT
   listen      $SHOWN_BUILD/server/cli/cometd-cli listen exo1 --url http://$HOST:$BASE_PORT
   send        $SHOWN_BUILD/server/cli/cometd-cli send exo1 hello --url http://$HOST:$BALANCER2_PORT
   nodes       1 :$((BASE_PORT + 1)) (maxConnection 10), 2 :$((BASE_PORT + 2)) (15), 3 :$((BASE_PORT + 3)) (20, dynamic)
   publish     redis-cli -p $REDIS_PORT PUBLISH cometd:broadcast '{"channel":"/eXo/cometd/test","message":"hello"}'
TEXT
# One cometd-node gone means the cluster is not what was asked for: stop the others too. Redis going
# away is a fault the cluster rides out, so it does not stop the run.
wait -n "${PIDS[@]}" || true
