#!/usr/bin/env python3
"""Times `snapferry daemon` from spawn to READY=1 on its systemd notification socket.

    python3 scripts/measure-ready.py --config /tmp/big.yaml [--runs 7] [--bin .build/release/snapferry]

Each run copies the fleet file into a new temporary folder with its `state:` pointed there and
`metrics.listen` on a free loopback port, binds an AF_UNIX datagram socket as NOTIFY_SOCKET,
starts the daemon, notes the milliseconds until a datagram holds READY=1, then sends SIGTERM
and waits for it to exit. Prints each run and the median. AWS is pointed at a closed loopback
port with fake keys, so the rotations that come due after READY fail fast and touch nothing.
"""
import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
READY_TIMEOUT_SECONDS = 30
STOP_TIMEOUT_SECONDS = 15


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fleet_for_run(text, state, port):
    """The fleet file with its top-level `state:` and `metrics.listen` replaced (or added)."""
    text, n = re.subn(r"(?m)^state:.*$", f"state: {state}", text)
    if n == 0:
        text = f"state: {state}\n" + text
    text, n = re.subn(r"(?m)^metrics:\n(?:[ \t]+.*\n)*", f"metrics:\n  listen: 127.0.0.1:{port}\n", text)
    if n == 0:
        text = f"metrics:\n  listen: 127.0.0.1:{port}\n" + text
    return text


def environment(notify_path, home):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "NOTIFY_", "WATCHDOG_", "SNAPFERRY_"))}
    env.update({
        "NOTIFY_SOCKET": notify_path, "HOME": home,
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_ACCESS_KEY_ID": "AKIAFAKE000000000001",
        "AWS_SECRET_ACCESS_KEY": "fake-secret", "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
    })
    return env


def one_run(binary, fleet_text, extra_args):
    """Milliseconds from spawn to READY=1."""
    with tempfile.TemporaryDirectory(prefix="snapferry-ready.") as work:
        config = Path(work) / "fleet.yaml"
        config.write_text(fleet_for_run(fleet_text, Path(work) / "state.sqlite", free_port()))
        notify_path = str(Path(work) / "notify.sock")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(notify_path)
        log = open(Path(work) / "daemon.log", "wb")
        start = time.monotonic()
        proc = subprocess.Popen([binary, "daemon", "--config", str(config), *extra_args],
                                env=environment(notify_path, work), stdout=log, stderr=subprocess.STDOUT)
        try:
            ready_ms = None
            deadline = start + READY_TIMEOUT_SECONDS
            while ready_ms is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or proc.poll() is not None:
                    break
                sock.settimeout(remaining)
                try:
                    data = sock.recv(65536)
                except socket.timeout:
                    break
                if b"READY=1" in data.split(b"\n"):
                    ready_ms = (time.monotonic() - start) * 1000
            if ready_ms is None:
                log.flush()
                tail = (Path(work) / "daemon.log").read_text(errors="replace")[-2000:]
                sys.exit(f"no READY=1 within {READY_TIMEOUT_SECONDS}s (exit {proc.poll()}); daemon log:\n{tail}")
            return ready_ms
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=STOP_TIMEOUT_SECONDS)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            sock.close()
            log.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--config", required=True, help="the fleet file to start with")
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--bin", default=str(REPO / ".build/release/snapferry"))
    p.add_argument("daemon_args", nargs="*", help="more arguments for `snapferry daemon` (after --)")
    args = p.parse_args()
    fleet_text = Path(args.config).read_text()
    times = []
    for i in range(args.runs):
        ms = one_run(args.bin, fleet_text, args.daemon_args)
        times.append(ms)
        print(f"run {i + 1}: READY=1 after {ms:.0f} ms", flush=True)
    print(f"median of {len(times)}: {statistics.median(times):.0f} ms")


if __name__ == "__main__":
    main()
