#!/usr/bin/env bash
# packaging/check-packages.sh BUILD_DIR: builds the Debian packages from a finished build, holds
# them to lintian (no error; the warnings left are listed in packaging/README.md), then runs what
# the node package installs, extracted: the secrets generated into copies of the packaged
# configuration as postinst does, the balancer and node 1 started from those files, checked through
# the admin API, and stopped with SIGTERM (exit 0, one line each). Run by .ci/run.
set -euo pipefail
BUILD="$(cd "${1:?usage: check-packages.sh BUILD_DIR}" && pwd)"
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
    [ "${#PIDS[@]}" -gt 0 ] && kill -KILL "${PIDS[@]}" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "check-packages: FAIL: $*" >&2; exit 1; }
step() { echo "== check-packages: $*"; }

step "cpack -G DEB"
(cd "$BUILD" && rm -f ./*.deb ./*.ddeb && cpack -G DEB >"$WORK/cpack.log" 2>&1) || { cat "$WORK/cpack.log"; fail "cpack"; }
NODE_DEB="$(ls "$BUILD"/cometd-node_*.deb)"
ADMIN_DEB="$(ls "$BUILD"/cometd-admin_*.deb)"
ls -l "$BUILD"/*.deb "$BUILD"/*.ddeb

step "lintian"
# lintian refuses nothing as root but says so; errors fail the check, warnings are printed.
lintian --fail-on error --tag-display-limit 0 "$BUILD"/*.deb "$BUILD"/*.ddeb 2>&1 | grep -v "root privileges" || true
lintian --fail-on error --tag-display-limit 0 "$BUILD"/*.deb "$BUILD"/*.ddeb >/dev/null 2>&1 || fail "lintian reports errors"

step "contents"
dpkg-deb -x "$NODE_DEB" "$WORK/root"
ROOT="$WORK/root"
for program in cometd-node cometd-cli cometd-stress; do
    [ -x "$ROOT/usr/bin/$program" ] || fail "no /usr/bin/$program"
    [ -f "$ROOT/usr/share/man/man1/$program.1.gz" ] || fail "no man page for $program"
    file "$ROOT/usr/bin/$program" | grep -q "stripped" && ! file "$ROOT/usr/bin/$program" | grep -q "not stripped" \
        || fail "$program is not stripped"
done
dpkg-deb -c "$ADMIN_DEB" | grep -q "usr/share/man/man1/cometd-admin.1.gz" || fail "no man page for cometd-admin"
[ "$(dpkg-deb -f "$NODE_DEB" Description | head -1)" != "$(dpkg-deb -f "$ADMIN_DEB" Description | head -1)" ] \
    || fail "both packages have the same summary"
dpkg-deb -e "$NODE_DEB" "$WORK/control"
for conffile in balancer.json node1.json node2.json; do
    grep -qx "/etc/cometd-cluster/$conffile" "$WORK/control/conffiles" || fail "$conffile is not a conffile"
done
if command -v systemd-analyze >/dev/null; then
    # An instance of the template, its binary the extracted one (this machine has none installed).
    mkdir -p "$WORK/units"
    sed "s|/usr/bin/cometd-node|$ROOT/usr/bin/cometd-node|" "$ROOT/lib/systemd/system/cometd-node@.service" \
        >"$WORK/units/cometd-node@check.service"
    systemd-analyze verify --man=no "$WORK/units/cometd-node@check.service" 2>"$WORK/verify.log" \
        || { cat "$WORK/verify.log"; fail "systemd-analyze verify"; }
    [ -s "$WORK/verify.log" ] && { cat "$WORK/verify.log"; fail "systemd-analyze verify has remarks"; }
fi

step "secrets as postinst generates them"
ETC="$WORK/etc"
cp -r "$ROOT/etc/cometd-cluster" "$ETC"
"$ROOT/usr/share/cometd-cluster/generate-secrets" "$ETC"/*.json
grep -l "\": \"GENERATED-AT-INSTALL\"" "$ETC"/*.json && fail "a placeholder is left"
value() { sed -n "s/^[[:space:]]*\"$1\":[[:space:]]*\"\([^\"]*\)\".*/\1/p" "$2"; }
for key in secret apiKey adminToken; do
    [ "$(value "$key" "$ETC/balancer.json")" = "$(value "$key" "$ETC/node1.json")" ] || fail "$key differs between files"
    [ "$(value "$key" "$ETC/balancer.json")" = "$(value "$key" "$ETC/node2.json")" ] || fail "$key differs between files"
    [ "${#key}" -gt 0 ] && [ "$(value "$key" "$ETC/balancer.json" | wc -c)" -gt 32 ] || fail "$key is short"
done
# An operator's value with sed's own characters (base64 has /) reaches the other files intact.
mkdir -p "$WORK/mixed"
cp "$ROOT/etc/cometd-cluster/"*.json "$WORK/mixed/"
sed -i 's|"secret": "GENERATED-AT-INSTALL"|"secret": "ab/cd+ef==\&x"|' "$WORK/mixed/node2.json"
"$ROOT/usr/share/cometd-cluster/generate-secrets" "$WORK/mixed"/*.json
for file in "$WORK/mixed"/*.json; do
    [ "$(value secret "$file")" = 'ab/cd+ef==&x' ] || fail "the operator's secret did not reach $(basename "$file")"
done
md5sum "$ETC"/*.json >"$WORK/before"
"$ROOT/usr/share/cometd-cluster/generate-secrets" "$ETC"/*.json
md5sum --quiet -c "$WORK/before" || fail "a second run changed the files"
ADMIN_TOKEN="$(value adminToken "$ETC/balancer.json")"

step "the extracted cometd-node from the packaged files"
# Below the kernel's ephemeral range: a port picked inside it can be taken by any outgoing
# connection between the probe and the bind (CI failed so, right after the test suite's thousands).
EPHEMERAL_LOW="$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
free_port() {
    local port
    for _ in $(seq 50); do
        port=$((10000 + RANDOM % (EPHEMERAL_LOW - 10000)))
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
    done
    fail "no free port"
}
start() { # name, arguments...
    local name="$1"; shift
    "$ROOT/usr/bin/cometd-node" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
    PIDS+=("$!")
    for _ in $(seq 100); do
        grep -q "^listening on " "$WORK/$name.out" && return 0
        sleep 0.1
    done
    cat "$WORK/$name.err" >&2
    fail "$name did not start"
}
http_get() { # port, path, [bearer token]: prints the status code, then the body
    exec 3<>"/dev/tcp/127.0.0.1/$1"
    printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s\r\n' "$2" \
        "${3:+Authorization: Bearer $3$'\r\n'}" >&3
    local answer
    answer="$(cat <&3)"
    exec 3<&-
    sed -n '1s/^HTTP\/1.1 \([0-9]*\).*/\1/p' <<<"$answer"
    sed '1,/^\r$/d' <<<"$answer"
}
BALANCER_PORT="$(free_port)"
NODE_PORT="$(free_port)"
start balancer --config "$ETC/balancer.json" --listen "127.0.0.1:$BALANCER_PORT"
start node1 --config "$ETC/node1.json" --listen "127.0.0.1:$NODE_PORT" --balancer "http://127.0.0.1:$BALANCER_PORT"
up=""
for _ in $(seq 100); do
    cluster="$(http_get "$BALANCER_PORT" /admin/api/cluster "$ADMIN_TOKEN")"
    if [ "$(head -1 <<<"$cluster")" = 200 ] && grep -q '"id":"1"[^}]*"state":"up"\|"state":"up"[^}]*"id":"1"' <<<"$cluster"; then
        up=yes
        break
    fi
    sleep 0.1
done
[ -n "$up" ] || fail "node 1 is not up in the balancer's eyes: $cluster"
[ "$(http_get "$BALANCER_PORT" /admin/api/cluster | head -1)" = 401 ] || fail "the admin API answers without the token"
placed="$(http_get "$BALANCER_PORT" /rest/cometdurl/package-check/)"
[ "$(head -1 <<<"$placed")" = 200 ] && grep -q "^http://127.0.0.1:8081" <<<"$placed" || fail "cometdurl: $placed"
kill -TERM "${PIDS[@]}"
for i in "${!PIDS[@]}"; do
    status=0
    wait "${PIDS[$i]}" || status=$?
    [ "$status" -eq 0 ] || fail "a process exited $status after SIGTERM"
done
PIDS=()
grep -q "stopped on SIGTERM" "$WORK/balancer.out" && grep -q "stopped on SIGTERM" "$WORK/node1.out" \
    || fail "a process did not say it stopped"
# COMETD_INSTALL_CHECK=1 (CI's fresh machine, as root): the packages installed for real, so that
# postinst runs: the cometd user, the secrets, the files' owner and mode, then the node started as
# that user from /etc; purged afterwards.
if [ "${COMETD_INSTALL_CHECK:-}" = 1 ]; then
    step "dpkg -i, as the service would run"
    [ "$(id -u)" -eq 0 ] || fail "COMETD_INSTALL_CHECK needs root"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$NODE_DEB" >"$WORK/apt.log" 2>&1 \
        || { cat "$WORK/apt.log"; fail "the node package does not install"; }
    getent passwd cometd >/dev/null || fail "no cometd user"
    for file in balancer.json node1.json node2.json; do
        [ "$(stat -c '%U:%G %a' "/etc/cometd-cluster/$file")" = "root:cometd 640" ] || fail "$file: $(stat -c '%U:%G %a' "/etc/cometd-cluster/$file")"
        grep -q "\": \"GENERATED-AT-INSTALL\"" "/etc/cometd-cluster/$file" && fail "$file kept a placeholder"
    done
    PORT="$(free_port)"
    # setpriv execs the node itself (runuser would stay its parent and answer SIGTERM with 143).
    setpriv --reuid=cometd --regid=cometd --init-groups /usr/bin/cometd-node --config /etc/cometd-cluster/balancer.json --listen "127.0.0.1:$PORT" \
        >"$WORK/installed.out" 2>"$WORK/installed.err" &
    PIDS+=("$!")
    for _ in $(seq 100); do grep -q "^listening on " "$WORK/installed.out" && break; sleep 0.1; done
    grep -q "^listening on " "$WORK/installed.out" || { cat "$WORK/installed.err"; fail "the installed node did not start as cometd"; }
    kill -TERM "${PIDS[@]}"
    wait "${PIDS[@]}" || fail "the installed node did not exit 0"
    PIDS=()
    dpkg --purge cometd-node >"$WORK/purge.log" 2>&1 || { cat "$WORK/purge.log"; fail "purge"; }
    [ ! -e /usr/bin/cometd-node ] || fail "purge left the binary"
fi
step "all checks passed"
