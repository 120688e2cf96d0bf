#!/usr/bin/env bash
# Installs what building and testing cometd-cluster needs on Debian 12, then configures and builds.
# Sourced by run.sh and test.sh; safe to run again (it only installs what is missing).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"

# redis-server and redis-sentinel (they bring redis-tools' redis-cli) run the Redis engine's tests on
# loopback ports of their own; a redis-server daemon the package may start on 6379 is never used.
# help2man makes the man pages from --help; dpkg-dev (dpkg-shlibdeps), lintian and file build and
# check the Debian packages (packaging/check-packages.sh).
APT_PACKAGES=(cmake ninja-build g++ pkg-config qt6-base-dev qt6-httpserver-dev qt6-websockets-dev
              libgl-dev nodejs npm redis-server redis-sentinel libhiredis-dev
              help2man dpkg-dev lintian file)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_packages() {
    local missing=()
    for p in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    # Node.js may come from elsewhere than Debian's package: a working node and npm are enough.
    if command -v node >/dev/null && command -v npm >/dev/null; then
        local keep=()
        for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || keep+=("$p"); done
        missing=("${keep[@]}")
    fi
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "== installing: ${missing[*]}"
        as_root apt-get update -qq
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
}

build() {
    echo "== building in $BUILD_DIR"
    cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
    cmake --build "$BUILD_DIR" --parallel "$(nproc)"
}

# COMETD_SKIP_SETUP=1: the build in BUILD_DIR is done already (the test of run.sh itself uses it).
if [ -z "${COMETD_SKIP_SETUP:-}" ]; then
    install_packages
    build
fi
