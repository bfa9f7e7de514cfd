"""Starting and stopping the local test peers (snapferry-sim, moto_server) from pytest.

Every wait is bounded, every peer is ended when its `with` block ends, and a
peer's output goes to a file so a chatty server can never block on a full pipe.
"""

import contextlib
import json
import os
import re
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = REPO / ".venv" / "bin"
START_TIMEOUT_SECONDS = 30
STOP_TIMEOUT_SECONDS = 5


def snapferry_binary():
    """The snapferry binary: `$SNAPFERRY_BIN` (relative to the repo) or the debug build."""
    return built_binary("SNAPFERRY_BIN", ".build/debug/snapferry")


def sim_binary():
    """The snapferry-sim binary: `$SNAPFERRY_SIM_BIN` (relative to the repo) or the debug build."""
    return built_binary("SNAPFERRY_SIM_BIN", ".build/debug/snapferry-sim")


def built_binary(variable, default):
    """A built executable: `$variable` (relative to the repo) or `default`; fails the test if it is missing."""
    binary = Path(os.environ.get(variable, default))
    if not binary.is_absolute():
        binary = REPO / binary
    if not binary.exists():
        pytest.fail(f"{binary} does not exist: run `swift build` or set {variable}")
    return binary


def stop(process):
    """Ends `process`: SIGTERM, then SIGKILL if it has not exited within STOP_TIMEOUT_SECONDS."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT_SECONDS)


@contextlib.contextmanager
def running(argv, log_path, port_pattern, env=None, timeout=START_TIMEOUT_SECONDS):
    """Runs `argv` with stdout and stderr in `log_path` and yields the port that the first match of
    `port_pattern` (a regex with one group) in that log reports. Fails the test if no port shows up
    within `timeout` seconds or the process exits first; always ends the process afterwards."""
    log_path = Path(log_path)
    with open(log_path, "w") as log:
        process = subprocess.Popen([str(a) for a in argv], stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, env=env)
    try:
        deadline = time.monotonic() + timeout
        port = None
        while port is None and time.monotonic() < deadline and process.poll() is None:
            match = re.search(port_pattern, log_path.read_text(errors="replace"))
            if match:
                port = int(match.group(1))
            else:
                time.sleep(0.05)
        if port is None:
            pytest.fail(f"{Path(argv[0]).name} did not report its port within {timeout} s "
                        f"(exit status {process.poll()}; output: {log_path.read_text(errors='replace')!r})")
        yield port
    finally:
        stop(process)


@contextlib.contextmanager
def sim_peer(scenario, directory, time_scale=0):
    """Runs snapferry-sim on a free loopback port with `scenario` (a dict, written to
    `directory/scenario.json`) and yields its base URL. With `time_scale` > 0 simulated
    time runs that many seconds per real second; with 0 it moves only by /_sim/advance."""
    directory = Path(directory)
    scenario_file = directory / "scenario.json"
    scenario_file.write_text(json.dumps(scenario))
    argv = [sim_binary(), "--listen", "127.0.0.1:0", "--scenario", scenario_file, "--time-scale", str(time_scale)]
    with running(argv, directory / "sim.log", r"listening on 127\.0\.0\.1:(\d+)") as port:
        yield f"http://127.0.0.1:{port}"


@contextlib.contextmanager
def moto_peer(directory, extra_env=None):
    """Runs the venv's moto_server on a free loopback port and yields its base URL. Signature
    checking is off until the caller POSTs `0` to `/moto-api/reset-auth` (see `moto_reset_auth`)."""
    env = dict(os.environ, **(extra_env or {}))
    # moto_server with the one patch documented in moto_server.py (unsigned AssumeRoleWithWebIdentity).
    argv = [VENV_BIN / "python", Path(__file__).with_name("moto_server.py"), "-H", "127.0.0.1", "-p", "0"]
    with running(argv, Path(directory) / "moto.log", r"Running on http://127\.0\.0\.1:(\d+)", env=env) as port:
        yield f"http://127.0.0.1:{port}"


def moto_reset_auth(url):
    """Turns moto's signature and IAM checking on; seed the keys and roles first."""
    request = urllib.request.Request(url + "/moto-api/reset-auth", data=b"0",
                                     headers={"Content-Type": "text/plain"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()
