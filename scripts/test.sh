#!/usr/bin/env bash
# README command 2: install what is missing (apt and the npm packages of the interoperability
# tests), build, and run every test with ctest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
echo "== installing the JavaScript clients of the interoperability tests"
npm ci --prefix "$ROOT/tests/interop" --no-audit --no-fund --loglevel=error
# The node and the stress tool hold many sockets; tests start real processes.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "== running the tests"
cd "$BUILD_DIR"
ctest --output-on-failure --parallel 2 --timeout 600 "$@"
