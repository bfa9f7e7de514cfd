#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine for snapferry and builds it (release).
# Installs: system libraries (SQLite, libsystemd), Prometheus and Chromium for the
# tests, a project-local Python virtualenv (.venv) with the test peers (moto_server,
# boto3, pytest), then builds the snapferry and snapferry-sim
# binaries in release. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
case "$(dpkg-query -W -f='${Status}' prometheus 2>/dev/null || true)" in
  *" ok installed") had_prometheus=1 ;;
  *) had_prometheus=0 ;;
esac
# prometheus and chromium are for the daemon's tests: promtool (checks and unit-tests the alert
# rules in config/prometheus), a real Prometheus scraping the daemon's /metrics, and headless
# Chromium to look at its status page.
$SUDO apt-get install -y -qq --no-install-recommends \
  libsqlite3-dev libsystemd-dev pkg-config python3-venv ca-certificates prometheus chromium systemd >/dev/null
# On a host run by systemd, installing the package also enables and starts prometheus.service
# on port 9090. The tests start their own Prometheus and need none, so stop and disable a service
# that this install brought; one installed before is left alone.
if [ "$had_prometheus" -eq 0 ] && [ -d /run/systemd/system ]; then
  $SUDO systemctl disable --now prometheus.service >/dev/null 2>&1 \
    || echo "setup: could not stop prometheus.service; it may hold port 9090" >&2
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install -q --disable-pip-version-check 'moto[server]>=5.1,<6' 'boto3>=1.35' 'pytest>=8' 'jsonschema>=4' 'parliament>=1.6'

# The two binaries an operator runs. snapferry-bench is built on demand
# (`swift run -c release snapferry-bench`): its release build takes minutes of CI time.
swift build -c release --product snapferry
swift build -c release --product snapferry-sim
echo "setup done: .build/release/snapferry, .build/release/snapferry-sim"
