#!/usr/bin/env bash
# Runs the whole test suite. Local AWS peers (moto_server, snapferry-sim) are
# started by the tests themselves on 127.0.0.1 with bounded timeouts.
set -euo pipefail
cd "$(dirname "$0")/.."
export SNAPFERRY_VENV="$PWD/.venv"
swift build --build-tests
swift test --skip-build 2>&1 | tee .build/test-output.txt
