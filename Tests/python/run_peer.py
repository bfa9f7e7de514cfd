#!/usr/bin/env python3
"""Runs a local test peer (moto_server, snapferry-sim) as a child and ends it
when the process that started us ends, or after --max-seconds. Used by the
Swift test harness so that no peer outlives the test run.

usage: run_peer.py [--max-seconds N] -- COMMAND ARGS...
"""
import os, signal, subprocess, sys, time

def main():
    args = sys.argv[1:]
    max_seconds = 1800.0
    if args[:1] == ["--max-seconds"]:
        max_seconds = float(args[1]); args = args[2:]
    if args[:1] == ["--"]:
        args = args[1:]
    parent = os.getppid()
    child = subprocess.Popen(args)
    deadline = time.monotonic() + max_seconds
    def stop(*_):
        child.terminate()
        try: child.wait(5)
        except subprocess.TimeoutExpired: child.kill()
        sys.exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while child.poll() is None:
        if os.getppid() != parent or time.monotonic() > deadline:
            stop()
        time.sleep(0.3)
    sys.exit(child.returncode)

if __name__ == "__main__":
    main()
