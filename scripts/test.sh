#!/usr/bin/env bash
# Runs the whole test suite: the Swift tests (which start their own moto_server
# and in-process servers on 127.0.0.1), then the boto3 tests against the built
# snapferry-sim. Every peer is started by the tests, bounded in time, and ended
# with them.
set -euo pipefail
cd "$(dirname "$0")/.."
export SNAPFERRY_VENV="$PWD/.venv"
[ -x .venv/bin/python ] || { echo "no .venv: run scripts/setup.sh first" >&2; exit 2; }
swift build --build-tests
# Bounded: a hung peer must not eat the whole CI budget.
timeout -k 30 2700 swift test --skip-build 2>&1 | tee .build/swift-test.log
# A run that executes no test exits 0: check that every declared test ran.
python3 scripts/check-test-count.py swift .build/swift-test.log
SNAPFERRY_SIM_BIN="$PWD/.build/debug/snapferry-sim" SNAPFERRY_BIN="$PWD/.build/debug/snapferry" timeout -k 30 900 .venv/bin/python -m pytest -q -p no:cacheprovider Tests/python 2>&1 | tee .build/pytest.log
python3 scripts/check-test-count.py pytest .build/pytest.log
