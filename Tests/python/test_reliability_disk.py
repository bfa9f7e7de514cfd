"""The state database's file system fills up, then frees up, under the running daemon (issue 15 part 6;
docs/RELIABILITY.md).

The state lives on a 4 MiB tmpfs mounted for the test (the suite runs as root, as its apt setup does).
A first daemon makes the database and is killed (SIGKILL leaves its `-wal` and `-shm` files, so the
next open needs no new space); the test then fills the tmpfs with a file until the kernel answers
ENOSPC and starts the daemon again at 00:30 simulated, with the 11-30 02:00 slot of `orders` due at
once and the 12-01 one due 90 simulated minutes later. The journal entry that must precede each
snapshot cannot be written: the daemon must say so in its log, in `snapferry_state_writable` and
`snapferry_state_write_failures_total` and in `STATUS=`, and start no AWS change (the simulator's
call record shows none, past both slots). Once the file is removed, the daemon must notice by itself
and make the snapshot, journalled.

A read-only file system is the second case: a state directory on a tmpfs remounted read-only makes
the daemon refuse to start, naming the file and the reason. (A file system cannot be remounted
read-only under a daemon that holds the database open for writing: the kernel answers EBUSY.)"""

import contextlib
import errno
import os
import subprocess
import uuid

import daemon_peers as dp
import peers

START = "2026-12-01T00:30:00Z"
MUTATING = ("Create", "Copy", "Modify", "Delete", "Restore", "AddTags", "RemoveTags")


@contextlib.contextmanager
def tmpfs(path, size="4m"):
    path.mkdir(parents=True, exist_ok=True)
    assert os.geteuid() == 0, "this test mounts a tmpfs: run the suite as root (scripts/setup.sh needs root too)"
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", f"snapferry-test-{uuid.uuid4().hex[:8]}",
                    str(path)], check=True, timeout=10)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False, timeout=10)


def fill(directory):
    """Writes `directory/filler` until the file system is full; returns its size."""
    written = 0
    block = b"\0" * 65536
    with open(directory / "filler", "wb", buffering=0) as f:
        while True:
            try:
                written += f.write(block)
            except OSError as error:
                assert error.errno == errno.ENOSPC, error
                break
        for size in (4096, 512, 1):
            try:
                while True:
                    written += f.write(b"\0" * size)
            except OSError:
                pass
    return written


def mutations(sim_url):
    return [c for c in dp.sim_calls(sim_url) if c["operation"].startswith(MUTATING)]


def test_a_full_disk_holds_every_aws_change_until_the_journal_can_record_it(tmp_path):
    notify = dp.NotifySocket()
    scenario = dp.load_scenario("refresh-scenario.json", start=START)
    try:
        with tmpfs(tmp_path / "state") as state_dir, \
                peers.sim_peer(scenario, tmp_path, time_scale=dp.TIME_SCALE) as sim_url:
            port = dp.free_port()
            fleet = dp.write_fleet(dp.fleet_template("refresh-fleet.yaml"), tmp_path / "fleet.yaml",
                                   state_dir / "state.sqlite", port)
            env = dp.daemon_environment(sim_url, extra={"NOTIFY_SOCKET": str(notify.path)})
            with dp.running_daemon(fleet, port, START, dp.daemon_environment("http://127.0.0.1:9"),
                                   tmp_path / "first.log") as first:
                first.signal(9)
                first.wait_exit(10)
            assert (state_dir / "state.sqlite-wal").exists() and (state_dir / "state.sqlite-shm").exists()
            filled = fill(state_dir)
            with dp.running_daemon(fleet, port, START, env, tmp_path / "daemon.log") as daemon:
                metrics = dp.wait_until(lambda: (m := daemon.metrics()) and dp.value(m, "snapferry_state_writable") == 0 and m,
                                        30, "snapferry_state_writable 0")
                assert dp.value(metrics, "snapferry_state_write_failures_total") >= 1
                _, line = notify.wait_for(lambda m: "STATUS=state database not writable (the disk is full)" in m,
                                          timeout=10, what="STATUS= naming the full disk")
                log = daemon.log()
                assert "state database refuses writes" in log and "the disk is full" in log, log[-3000:]
                # Held for a while of simulated time past the slot: still nothing changed in AWS.
                dp.wait_until(lambda: dp.sim_now(sim_url) >= "2026-12-01T02:40:00Z", 30, "02:40 simulated")
                assert not mutations(sim_url), mutations(sim_url)
                assert daemon.alive()

                (state_dir / "filler").unlink()
                dp.wait_until(lambda: dp.value(daemon.metrics(), "snapferry_state_writable") == 1, 30,
                              "snapferry_state_writable 1 after the space came back")
                made = dp.wait_until(lambda: [c for c in mutations(sim_url) if c["operation"] == "CreateDBClusterSnapshot"],
                                     30, "the held snapshot after the space came back")
                log = daemon.log()
                # One refusal and one recovery: the probe made while the disk was full was refused too (a probe
                # that wrote nothing would have let a run start, fail and flip the state back).
                assert log.count("state database refuses writes") == 1 and log.count("state database takes writes again") == 1, log[-3000:]
                notify.wait_for(lambda m: m.startswith("STATUS=") and "not writable" not in m, timeout=10,
                                after=0, what="a STATUS= line without the refusal")
                # The create was journalled before it was asked for: its operation is in the state database.
                journal = dp.wait_until(lambda: [op for op in daemon_journal(state_dir) if op[0] == "create"], 20,
                                        "the create in the journal")
                assert any("snapferry-orders-20261201-0200" == op[1] for op in journal), journal
        print(f"\nfiller {filled} bytes; STATUS line: {line!r}; create calls after recovery: {len(made)}")
    finally:
        notify.close()


def daemon_journal(state_dir):
    import sqlite3
    with sqlite3.connect(f"file:{state_dir / 'state.sqlite'}?mode=ro", uri=True) as db:
        return db.execute("SELECT kind, subject, state FROM operations").fetchall()


def test_a_read_only_state_file_system_stops_the_start_with_the_reason(tmp_path):
    with tmpfs(tmp_path / "state") as state_dir:
        fleet = dp.write_fleet(dp.fleet_template("refresh-fleet.yaml"), tmp_path / "fleet.yaml",
                               state_dir / "state.sqlite", dp.free_port())
        # A database made while writable (by the daemon, stopped before anything was due), then the file system
        # remounted read-only.
        port = int(fleet.read_text().split("127.0.0.1:")[1].split('"')[0])
        with dp.running_daemon(fleet, port, START, dp.daemon_environment("http://127.0.0.1:9"), tmp_path / "first.log"):
            pass
        assert (state_dir / "state.sqlite").stat().st_size > 0
        subprocess.run(["mount", "-o", "remount,ro", str(state_dir)], check=True, timeout=10)
        result = subprocess.run(dp.daemon_argv(fleet, START), capture_output=True, text=True, timeout=30,
                                env=dp.daemon_environment("http://127.0.0.1:9"), stdin=subprocess.DEVNULL)
        assert result.returncode != 0, (result.returncode, result.stderr[-2000:])
        text = result.stdout + result.stderr
        assert str(state_dir / "state.sqlite") in text and "read-only file system" in text.lower(), text[-2000:]
        assert "ready" not in text.lower(), text[-2000:]
