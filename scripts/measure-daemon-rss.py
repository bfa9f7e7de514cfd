#!/usr/bin/env python3
"""Peak RSS of `snapferry daemon` holding a large state: 10,000 snapshots recorded, and AWS showing them.

    python3 scripts/measure-daemon-rss.py [--fleet rss] [--seconds 90] [--bin .build/release/snapferry]

`snapferry-bench --write-fleet DIR --fleet rss` writes the bench's fleet file, its simulated AWS
(scenario.json) and a state database with a full retention of earlier nights already recorded.
This script starts `snapferry-sim` on that scenario in real time, then the daemon on that fleet
file with its clock at the scenario's start (the nightly slot, so every source's rotation is due
at once): it looks at every account, plans over every recorded snapshot and starts the night's
snapshots and copies. It samples the daemon's VmRSS every 100 ms for `--seconds`, then stops both
and prints the daemon's VmHWM (the kernel's peak), the snapshots in state, and the calls the
simulator served.
"""
import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from importlib import import_module  # noqa: E402

ready = import_module("measure-ready")


def status_kib(pid, field):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return None


def print_mappings(pid, count):
    """The mappings of `pid` holding the most resident memory, summed by file (anonymous ones as [anon])."""
    totals, name = {}, None
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        fields = line.split()
        if fields and "-" in fields[0] and len(fields) >= 5:
            name = fields[5] if len(fields) > 5 else "[anon]"
        elif fields and fields[0] == "Rss:":
            totals[name] = totals.get(name, 0) + int(fields[1])
    for mapping, kib in sorted(totals.items(), key=lambda kv: -kv[1])[:count]:
        print(f"  {kib / 1024:7.1f} MiB  {mapping}")


def start_sim(binary, scenario, log):
    proc = subprocess.Popen([binary, "--listen", "127.0.0.1:0", "--time-scale", "1", "--scenario", scenario],
                            stdout=subprocess.PIPE, stderr=log, text=True)
    line = proc.stdout.readline()
    port = line.strip().rsplit(":", 1)[-1]
    if not port.isdigit():
        proc.kill()
        sys.exit(f"snapferry-sim did not print its address: {line!r}")
    return proc, f"http://127.0.0.1:{port}"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--fleet", default="rss")
    p.add_argument("--seconds", type=float, default=90)
    p.add_argument("--bin", default=str(REPO / ".build/release/snapferry"))
    p.add_argument("--sim", default=str(REPO / ".build/release/snapferry-sim"))
    p.add_argument("--bench", default=str(REPO / ".build/release/snapferry-bench"))
    p.add_argument("--mappings", type=int, default=0, help="also print the N mappings holding the most RSS at the end")
    args = p.parse_args()
    for binary, product in ((args.bin, "snapferry"), (args.sim, "snapferry-sim"), (args.bench, "snapferry-bench")):
        if not Path(binary).exists():
            sys.exit(f"{binary} is not built: swift build -c release --product {product}")
    with tempfile.TemporaryDirectory(prefix="snapferry-rss.") as work:
        subprocess.run([args.bench, "--write-fleet", work, "--fleet", args.fleet], check=True, timeout=300)
        manifest = json.loads((Path(work) / "manifest.json").read_text())
        state = Path(work) / "state.sqlite"
        with sqlite3.connect(state) as db:
            recorded = db.execute("SELECT COUNT(*) FROM owned_snapshots").fetchone()[0]
        config = Path(work) / "fleet.yaml"
        config.write_text(ready.fleet_for_run(config.read_text(), state, ready.free_port()))
        log = open(Path(work) / "peers.log", "wb")
        sim, endpoint = start_sim(args.sim, str(Path(work) / "scenario.json"), log)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "NOTIFY_", "WATCHDOG_", "SNAPFERRY_"))}
        env.update(manifest["environment"])
        env.update({"AWS_ENDPOINT_URL": endpoint, "HOME": work})
        daemon = subprocess.Popen([args.bin, "daemon", "--config", str(config), "--log-level", "warning",
                                   "--start-at", manifest["start"], "--time-scale", "1"],
                                  env=env, stdout=log, stderr=subprocess.STDOUT)
        samples = []
        try:
            deadline = time.monotonic() + args.seconds
            while time.monotonic() < deadline and daemon.poll() is None:
                rss, anon = status_kib(daemon.pid, "VmRSS"), status_kib(daemon.pid, "RssAnon")
                if rss is not None and anon is not None:
                    samples.append((rss, anon))
                    if len(samples) % 100 == 0:
                        print(f"  {len(samples) / 10:5.0f} s: VmRSS {rss / 1024:6.1f} MiB, RssAnon {anon / 1024:6.1f} MiB", flush=True)
                time.sleep(0.1)
            if daemon.poll() is not None:
                log.flush()
                sys.exit(f"the daemon exited with {daemon.returncode}:\n"
                         + (Path(work) / "peers.log").read_text(errors="replace")[-3000:])
            peak = status_kib(daemon.pid, "VmHWM")
            if args.mappings:
                print_mappings(daemon.pid, args.mappings)
            with urllib.request.urlopen(f"{endpoint}/_sim/calls", timeout=10) as r:
                calls = json.loads(r.read())
        finally:
            for proc in (daemon, sim):
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
                    try:
                        proc.wait(timeout=20)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        proc.wait()
            log.close()
        served = len(calls) if isinstance(calls, list) else len(calls.get("calls", []))
        print(f"fleet {args.fleet}: {manifest['sources']} sources, {recorded} snapshots in state; "
              f"{served} AWS calls served in {args.seconds:.0f} s")
        print(f"daemon peak RSS (VmHWM): {peak / 1024:.1f} MiB; of the samples, most anonymous memory (heap, "
              f"stacks; RssAnon) {max(a for _, a in samples) / 1024:.1f} MiB, the rest file-backed (code, "
              f"libraries); last VmRSS {samples[-1][0] / 1024:.1f} MiB ({len(samples)} samples)")


if __name__ == "__main__":
    main()
