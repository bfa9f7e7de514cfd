#!/usr/bin/env bash
# A simulated week with snapferry: starts snapferry-sim on a free loopback port with
# config/sim/scenario.json, then for 7 nights runs `snapferry plan` and `snapferry apply`
# with config/sim/fleet.yaml, moving simulated time a day each night, and ends with
# `snapferry status`. Uses the binaries scripts/setup.sh builds (.build/release; another
# folder with SNAPFERRY_BIN_DIR). Everything it writes goes to a new folder under $TMPDIR.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${SNAPFERRY_BIN_DIR:-.build/release}"
for b in snapferry snapferry-sim; do
  [ -x "$BIN/$b" ] || { echo "$BIN/$b is missing: run scripts/setup.sh first" >&2; exit 2; }
done
WORK="$(mktemp -d "${TMPDIR:-/tmp}/snapferry-try.XXXXXX")"
echo "working folder: $WORK"

# One simulated hour per real second: a 50 GB snapshot takes 150 simulated seconds.
"$BIN/snapferry-sim" --listen 127.0.0.1:0 --time-scale 3600 --scenario config/sim/scenario.json >"$WORK/sim.log" 2>&1 &
SIM=$!
trap 'kill "$SIM" 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do grep -q "listening on" "$WORK/sim.log" && break; sleep 0.1; done
PORT="$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/sim.log" | head -n 1)"
[ -n "$PORT" ] || { echo "snapferry-sim did not start:" >&2; cat "$WORK/sim.log" >&2; exit 1; }
SIM_URL="http://127.0.0.1:$PORT"
echo "snapferry-sim: $SIM_URL"

# The scenario's key for account 111111111111; no ~/.aws file is read.
export AWS_ENDPOINT_URL="$SIM_URL" AWS_ACCESS_KEY_ID=AKIADEMO000000000001 AWS_SECRET_ACCESS_KEY=demo-secret
export AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent
export SNAPFERRY_CONFIG="$WORK/fleet.yaml"
sed "s|@STATE@|$WORK/state.sqlite|" config/sim/fleet.yaml >"$SNAPFERRY_CONFIG"

"$BIN/snapferry" validate
for day in 1 2 3 4 5 6 7; do
  at="$(printf '2026-12-%02dT03:00:00Z' "$day")"
  echo; echo "=== night $day: snapferry plan --at $at"
  "$BIN/snapferry" plan --at "$at"
  echo "=== night $day: snapferry apply --at $at --yes"
  "$BIN/snapferry" apply --at "$at" --yes
  # The next night: a simulated day later.
  python3 -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/_sim/advance", data=b"{\"seconds\": 86400}", method="POST", headers={"Content-Type": "application/json"}), timeout=10).read()' "$SIM_URL"
done
echo; echo "=== snapferry status"
"$BIN/snapferry" status --at 2026-12-07T03:00:00Z
echo; echo "a converged simulated week; the state database is $WORK/state.sqlite"
