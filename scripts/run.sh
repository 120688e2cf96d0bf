#!/usr/bin/env bash
# README command 1: install what is missing, build, and start cometd-node in the foreground
# (all-in-one on 127.0.0.1:8080 unless arguments say otherwise). Ctrl-C stops it cleanly.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
echo "== starting cometd-node $*"
exec "$BUILD_DIR/server/app/cometd-node" "$@"
