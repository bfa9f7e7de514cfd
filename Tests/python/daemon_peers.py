"""What the `snapferry daemon` end-to-end tests share: the daemon run against a time-scaled
`snapferry-sim` (both at --time-scale 3600, one simulated hour per real second), a stand-in for
systemd's notification socket, readers for the daemon's HTTP endpoints and its Prometheus text,
and boto3 clients that look at the simulator with a target account's own keys.

Every wait here is bounded and every process is ended by the `with` block (or fixture) that
started it. External tools (promtool, prometheus, chromium) are skipped when missing, except
under CI (CI or SNAPFERRY_CI set), where a missing tool fails the test.
"""

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

import peers

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "daemon"
TIME_SCALE = 3600
REGION = "eu-west-1"
# The daemon's own identity in every fixture scenario.
PROD_KEY = ("AKIAPROD000000000001", "prod-secret")
DAEMON_STOP_SECONDS = 10


def under_ci():
    return bool(os.environ.get("CI") or os.environ.get("SNAPFERRY_CI"))


def require_tool(name, package):
    """The path of `name`; skips the test when it is missing, or fails it under CI."""
    found = shutil.which(name)
    if found:
        return found
    message = f"{name} is not installed (Debian package {package}; scripts/setup.sh installs it)"
    if under_ci():
        pytest.fail(message + " and CI is set")
    pytest.skip(message)


def artifacts_dir():
    """Where tests keep what a person may want to look at afterwards: $SNAPFERRY_TEST_ARTIFACTS or .build/test-artifacts."""
    directory = Path(os.environ.get("SNAPFERRY_TEST_ARTIFACTS", ".build/test-artifacts"))
    if not directory.is_absolute():
        directory = peers.REPO / directory
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def free_port():
    """A loopback TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_scenario(name, **overrides):
    scenario = json.loads((FIXTURES / name).read_text())
    scenario.update(overrides)
    return scenario


def write_fleet(text, path, state, port):
    """Writes a fleet file from a template with @STATE@ and @PORT@; returns its path."""
    path = Path(path)
    path.write_text(text.replace("@STATE@", str(state)).replace("@PORT@", str(port)))
    return path


def fleet_template(name):
    return (FIXTURES / name).read_text()


def daemon_environment(sim_url, key=PROD_KEY, extra=None):
    """The daemon's environment: the simulator as AWS, the scenario's key, and no file or IMDS the chain could find."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "NOTIFY_SOCKET", "WATCHDOG_", "SNAPFERRY_CONFIG"))}
    env.update({"AWS_ENDPOINT_URL": sim_url, "AWS_ACCESS_KEY_ID": key[0], "AWS_SECRET_ACCESS_KEY": key[1],
                "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": "/nonexistent",
                "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"})
    env.update(extra or {})
    return env


# ---------------------------------------------------------------------------------------------
# systemd's side of sd_notify


class NotifySocket:
    """An AF_UNIX datagram socket that records what the daemon sends (as systemd's NOTIFY_SOCKET).

    `messages` is a list of (monotonic seconds, text) in arrival order."""

    def __init__(self):
        # sun_path holds 108 bytes: pytest's tmp_path can be longer, so a short folder of our own.
        self.directory = Path(tempfile.mkdtemp(prefix="sfn-", dir="/tmp"))
        self.path = self.directory / "notify"
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(self.path))
        self.sock.settimeout(0.1)
        self.messages = []
        self.lock = threading.Lock()
        self.closing = threading.Event()
        self.thread = threading.Thread(target=self._receive, daemon=True)
        self.thread.start()

    def _receive(self):
        while not self.closing.is_set():
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            with self.lock:
                self.messages.append((time.monotonic(), data.decode(errors="replace")))

    def snapshot(self):
        with self.lock:
            return list(self.messages)

    def mark(self):
        """An index for `wait_for(..., after=)`: only messages from now on."""
        with self.lock:
            return len(self.messages)

    def wait_for(self, predicate, timeout, after=0, what="a notification"):
        """The index and message of the first message at or after index `after` that satisfies `predicate`."""
        deadline = time.monotonic() + timeout
        while True:
            for index, (_, text) in enumerate(self.snapshot()[after:], start=after):
                if predicate(text):
                    return index, text
            if time.monotonic() > deadline:
                raise AssertionError(f"no {what} within {timeout} s; received: {self.texts()!r}")
            time.sleep(0.02)

    def texts(self):
        return [text for _, text in self.snapshot()]

    def close(self):
        self.closing.set()
        self.thread.join(timeout=2)
        self.sock.close()
        shutil.rmtree(self.directory, ignore_errors=True)


def assignments(text):
    """`KEY=value` lines of one notification as a dict (the last value of a repeated key wins)."""
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)


# ---------------------------------------------------------------------------------------------
# the daemon


class Daemon:
    """A running `snapferry daemon`; its stderr and stdout go to `log_path`."""

    def __init__(self, process, log_path, port, fleet):
        self.process = process
        self.log_path = Path(log_path)
        self.port = port
        self.fleet = Path(fleet)
        self.base = f"http://127.0.0.1:{port}"

    @property
    def pid(self):
        return self.process.pid

    def log(self):
        return self.log_path.read_text(errors="replace")

    def alive(self):
        return self.process.poll() is None

    def wait_http(self, timeout=30):
        """Waits for the `http listening` line with this daemon's port."""
        deadline = time.monotonic() + timeout
        pattern = re.compile(r'msg="http listening".*address=127\.0\.0\.1:(\d+)')
        while time.monotonic() < deadline:
            match = pattern.search(self.log())
            if match:
                assert int(match.group(1)) == self.port, match.group(0)
                return
            if not self.alive():
                break
            time.sleep(0.05)
        raise AssertionError(f"the daemon did not report HTTP within {timeout} s (exit {self.process.poll()}):\n"
                             f"{self.log()[-4000:]}")

    def get(self, path, timeout=10):
        """(status, body text) of GET `path`."""
        try:
            with urllib.request.urlopen(self.base + path, timeout=timeout) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def metrics_text(self):
        status, body = self.get("/metrics")
        assert status == 200, body
        return body

    def metrics(self):
        return parse_metrics(self.metrics_text())

    def status(self):
        status, body = self.get("/status")
        assert status == 200, body
        return json.loads(body)

    def targets(self):
        return {row["target"]: row for row in self.status() if "target" in row}

    def sources(self):
        return {row["source"]: row for row in self.status() if "source" in row and "target" not in row}

    def signal(self, signum):
        os.kill(self.process.pid, signum)

    def wait_exit(self, timeout):
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None


def daemon_argv(fleet, start_at, extra=()):
    return [str(peers.snapferry_binary()), "daemon", "--config", str(fleet), "--time-scale", str(TIME_SCALE),
            "--start-at", start_at, *extra]


@contextlib.contextmanager
def running_daemon(fleet, port, start_at, env, log_path, watchdog_usec=None, extra=()):
    """Runs `snapferry daemon` and yields a `Daemon` once its HTTP endpoint is up. With
    `watchdog_usec` it starts through `sh -c 'export WATCHDOG_PID=$$; exec …'` so that
    WATCHDOG_PID is the daemon's own pid, as systemd sets it. Ends the daemon afterwards
    (SIGTERM, then SIGKILL)."""
    argv = daemon_argv(fleet, start_at, extra)
    if watchdog_usec is not None:
        env = dict(env, WATCHDOG_USEC=str(watchdog_usec))
        argv = ["/bin/sh", "-c", 'export WATCHDOG_PID=$$; exec "$0" "$@"', *argv]
    with open(log_path, "a") as log:
        process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
    daemon = Daemon(process, log_path, port, fleet)
    try:
        daemon.wait_http()
        yield daemon
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=DAEMON_STOP_SECONDS + 2)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def wait_until(condition, timeout, what, interval=0.1):
    """Calls `condition` until it returns something truthy (returned) or `timeout` seconds pass (fails)."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except (OSError, urllib.error.URLError, json.JSONDecodeError) as error:
            last_error = error
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}" + (f" (last error: {last_error})" if last_error else ""))


# ---------------------------------------------------------------------------------------------
# Prometheus text


SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text):
    """[(name, {label: value}, float)] of every sample in a Prometheus text exposition."""
    samples = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = SAMPLE.match(line)
        assert match, f"not a sample line: {line!r}"
        labels = dict(LABEL.findall(match.group(2) or ""))
        samples.append((match.group(1), labels, float(match.group(3))))
    return samples


def series(samples, name, **labels):
    """{frozenset(labels): value} of the samples named `name` whose labels include `labels`."""
    return {frozenset(l.items()): v for n, l, v in samples if n == name and all(l.get(k) == w for k, w in labels.items())}


def value(samples, name, **labels):
    """The sum of the matching samples, or None when there are none."""
    found = series(samples, name, **labels)
    return sum(found.values()) if found else None


# ---------------------------------------------------------------------------------------------
# the simulator, seen from outside snapferry


NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})


def rds(sim_url, key):
    """An RDS client for the simulator with an account's own keys (not snapferry's)."""
    return boto3.client("rds", endpoint_url=sim_url, region_name=REGION, aws_access_key_id=key[0],
                        aws_secret_access_key=key[1], config=NO_RETRIES)


def sim_admin(sim_url, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(sim_url + path, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=20) as response:
        return json.loads(response.read() or b"{}")


def sim_now(sim_url):
    return sim_admin(sim_url, "GET", "/_sim/now")["now"]


def sim_calls(sim_url):
    return sim_admin(sim_url, "GET", "/_sim/calls")["calls"]
