#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine for snapferry and builds it (release).
# Installs: system libraries (SQLite, libsystemd), a project-local Python
# virtualenv (.venv) with the test peers (moto_server, boto3, pytest), then
# runs `swift build -c release`. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  libsqlite3-dev libsystemd-dev pkg-config python3-venv ca-certificates >/dev/null

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install -q --disable-pip-version-check 'moto[server]>=5.1,<6' 'boto3>=1.35' 'pytest>=8' 'jsonschema>=4'

swift build -c release
echo "setup done: .build/release/snapferry"
