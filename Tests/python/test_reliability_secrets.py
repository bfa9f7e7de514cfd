"""No secret in any output after a full faulty daemon run (issue 15 part 5, docs/RELIABILITY.md): none
of the seeded secret keys, STS session tokens or temporary secret keys appears in the daemon's log
(--log-level trace), the state database (every state.sqlite* file's bytes, read while the daemon runs
and after it stops, and every row of every table, the operations journal and audit included), GET
/metrics, /status and / (the status page), the NOTIFY_SOCKET messages, or `snapferry status`
(text and json) run on the same fleet file.

The daemon runs fixtures/daemon/refresh-fleet.yaml against snapferry-sim at --time-scale 3600, with
refresh-scenario.json's secrets replaced by long distinctive ones and the simulator answering 30% of
RDS calls with Throttling, 5% with InternalFailure, resetting or truncating 1% of all calls (STS
included) and cutting the first AssumeRole answer short (the simulator sends its first half), until
the night's rotation (snapshot, copy, shares) and both refreshes are done, both ok.

Session credentials: the simulator draws them (ASIA key id, 40-character secret, "SIM" + 120-character
token) from its own generator seeded by the scenario's `seed`, in AssumeRole order, and exposes them
nowhere (GET /_sim/calls has no keys). So the test replays them: a second simulator with the same
scenario answers as many AssumeRoles as the daemon's simulator recorded (plus spares), which yields
the same sequence. Each replayed credential is then checked against the daemon's simulator (faults
off): only a session it issued passes the signature (secret), key id and token checks and answers
GetCallerIdentity or ExpiredToken; so the test proves it searched for the very tokens the daemon held.
Any string of the simulator's token format (SIM + 120 base64 characters) is searched for as well.

Master passwords: snapferry never sends or receives one. `master_password: managed` (given to
both targets here) only makes it call ModifyDBCluster with ManageMasterUserPassword=true, after which
RDS keeps the password in Secrets Manager; the simulator models that with a secret ARN only (it has no
Secrets Manager and RestoreDBClusterFromSnapshot takes no password). So there is no master password to
seed; the test checks that the managed-password path ran (a refreshed cluster has a MasterUserSecret).

Secrets are searched raw, percent-encoded and with JSON-escaped slashes, and any 16 characters in a row
of one count as a leak (a part of a token is one), in every output and in each line's runs of hex digits
decoded: at trace level AsyncHTTPClient logs the first and last 32 bytes of each response body part in
hex, and the AssumeRole answers carry the session credentials. Access key ids are not secret.
"""

import re
import signal
import sqlite3
import subprocess
import time
import urllib.parse

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

import daemon_peers as dp
import peers

START = SLOT = "2026-12-01T03:00:00Z"
SEED = 7
PROD, DEV, TEST = "111111111111", "222222222222", "333333333333"
KEYS = {
    PROD: ("AKIAPROD000000000001", "SeededSecretProd0f6c1e9a7b2d4c8e0a1f3b5d7c9e1a3b5d7f9"),
    DEV: ("AKIADEVREADER0000001", "SeededSecretDev7d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6e8f0"),
    TEST: ("AKIATESTREADER000001", "SeededSecretTest3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6"),
}
FAULTS = {"rules": [
    {"service": "rds", "operation": "*", "error_rate": 0.30, "code": "Throttling", "status": 400},
    {"service": "rds", "operation": "*", "error_rate": 0.05, "code": "InternalFailure", "status": 500},
    {"service": "*", "operation": "*", "reset_rate": 0.01, "truncate_rate": 0.01},
    # The 1% above cuts an AssumeRole answer short in some runs only; this makes one run in every run.
    {"service": "sts", "operation": "AssumeRole", "truncate_rate": 1, "times": 1},
]}
TOKEN_FORMAT = re.compile(r"SIM[A-Za-z0-9+/]{120}")
HEX_RUN = re.compile(r"[0-9a-fA-F]{32,}")
# A leak is this many characters in a row of a secret: a part of a token is a leak too.
WINDOW = 16
TARGETS = ("orders-dev", "orders-test")
SPARE_SESSIONS = 5
VERIFY = Config(retries={"total_max_attempts": 5, "mode": "standard"})


def scenario():
    s = dp.load_scenario("refresh-scenario.json", seed=SEED, faults=FAULTS)
    for account in s["accounts"]:
        account["access_keys"] = [{**k, "secret": KEYS[account["id"]][1]} for k in account["access_keys"]]
    s["durations"].update({"restore_seconds": [1800, 1800], "instance_seconds": [600, 600]})
    return s


def fleet_text():
    text = dp.fleet_template("refresh-fleet.yaml")
    managed = re.sub(r"subnet_group: (\w+)-db,", r"subnet_group: \1-db, master_password: managed,", text)
    assert managed.count("master_password: managed") == len(TARGETS)
    return managed


def sts(url, key, token=None):
    return boto3.client("sts", endpoint_url=url, region_name=dp.REGION, aws_access_key_id=key[0],
                        aws_secret_access_key=key[1], aws_session_token=token, config=VERIFY)


def replayed_sessions(world, directory, count):
    """The first `count` (key id, secret, token) a simulator with `world`'s seed issues, in order."""
    directory.mkdir()
    quiet = dict(world, faults={"rules": []}, throttle={"disabled": True})
    with peers.sim_peer(quiet, directory) as url:
        client = sts(url, KEYS[PROD])
        issued = [client.assume_role(RoleArn=f"arn:aws:iam::{DEV}:role/snapferry", RoleSessionName="replay")["Credentials"]
                  for _ in range(count)]
    return [(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]) for c in issued]


def issued_by(url, credential):
    """Whether the simulator at `url` issued this session (live or expired)."""
    try:
        sts(url, credential[:2], credential[2]).get_caller_identity()
        return True
    except ClientError as error:
        return error.response["Error"]["Code"] == "ExpiredToken"


def state_bytes(directory):
    files = sorted(directory.glob("state.sqlite*"))
    return {f"{p.name} bytes": p.read_bytes().decode("latin-1") for p in files}


def state_rows(path):
    """Every row of every table, as text, one output per table."""
    out = {}
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            rows = db.execute(f'SELECT * FROM "{table}"').fetchall()
            out[f"table {table} ({len(rows)} rows)"] = "\n".join(
                " | ".join(v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in row) for row in rows)
    assert {"operations", "audit"} <= set(tables), tables
    return out


def views(where, text):
    """(name, text) of an output and of each of its lines' runs of hex digits, decoded: at trace level
    AsyncHTTPClient logs the first and last 32 bytes of each response body part in hex."""
    yield where, text
    for number, line in enumerate(text.splitlines(), start=1):
        runs = HEX_RUN.findall(line)
        if runs:
            decoded = "\n".join(bytes.fromhex(r[:len(r) // 2 * 2]).decode("latin-1") for r in runs)
            yield f"{where}, line {number} ({line[:150]} … {line[-220:]}), hex decoded", decoded


def leaks(outputs, secrets):
    """(where, secret name, context) of every place where WINDOW characters in a row of a secret (in any of
    its forms) show up, in an output or in the hex-decoded runs of one, and of session-token-shaped strings."""
    windows = {}
    for name, secret in secrets.items():
        for form in {secret, urllib.parse.quote(secret, safe=""), secret.replace("/", "\\/")}:
            for i in range(len(form) - WINDOW + 1):
                windows.setdefault(form[i:i + WINDOW], name)
    found = []
    for where, text in outputs.items():
        for view, seen in views(where, text):
            hits = {}
            for i in range(len(seen) - WINDOW + 1):
                name = windows.get(seen[i:i + WINDOW])
                if name is not None and name not in hits:
                    hits[name] = i
            found += [(view, name, seen[max(0, at - 60):at + 100]) for name, at in hits.items()]
            found += [(view, "a string of the simulator's session-token format", seen[max(0, m.start() - 60):m.end()])
                      for m in TOKEN_FORMAT.finditer(seen)]
    return found


def snapferry_status(fleet, env, fmt):
    run = subprocess.run([str(peers.snapferry_binary()), "status", "--config", str(fleet), "--format", fmt], env=env,
                         capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert run.returncode == 0, f"status --format {fmt}: {run.returncode}\n{run.stderr[-2000:]}"
    return run.stdout + run.stderr


def test_no_secret_reaches_any_output_after_a_faulty_daemon_run(tmp_path):
    started = time.monotonic()
    world = scenario()
    outputs = {}
    notify = dp.NotifySocket()
    try:
        with peers.sim_peer(world, tmp_path, time_scale=dp.TIME_SCALE) as sim:
            port = dp.free_port()
            state = tmp_path / "state.sqlite"
            fleet = dp.write_fleet(fleet_text(), tmp_path / "fleet.yaml", state, port)
            env = dp.daemon_environment(sim, key=KEYS[PROD], extra={"NOTIFY_SOCKET": str(notify.path)})
            with dp.running_daemon(fleet, port, START, env, tmp_path / "daemon.log",
                                   extra=("--log-level", "trace")) as daemon:
                def night(every):
                    """(targets, source) once the rotation is done and a refresh ended ok (`every`: all ended)."""
                    t, s = daemon.targets(), daemon.sources()["orders"]
                    last = {n: t[n].get("last") or {} for n in TARGETS}
                    ended = [n for n in TARGETS if last[n].get("slot") == SLOT and not t[n]["in_flight"]]
                    ok = [n for n in ended if last[n].get("result") == "ok"]
                    rotated = s.get("newest_snapshot") and len(s["shared_accounts"]) == 2
                    return rotated and ok and (len(ended) == len(TARGETS) or not every) and (t, s)
                # Both refreshes end, and end ok: under these faults one used to stay in flight for ever (a
                # duplicate instance after a throttled rename; docs/RELIABILITY.md).
                targets, source = dp.wait_until(lambda: night(True), 40, f"the rotation and both refreshes for slot {SLOT}")
                assert all((targets[n].get("last") or {}).get("result") == "ok" for n in TARGETS), targets
                for path in ("/metrics", "/status", "/"):
                    status, body = daemon.get(path)
                    assert status == 200, (path, body[:500])
                    outputs[f"GET {path}"] = body
                outputs.update({f"{k} (daemon running)": v for k, v in state_bytes(tmp_path).items()})
                daemon.signal(signal.SIGTERM)
                assert daemon.wait_exit(dp.DAEMON_STOP_SECONDS) == 0, daemon.log()[-3000:]
                outputs["daemon log"] = daemon.log()
            outputs["NOTIFY_SOCKET messages"] = "\n".join(notify.texts())
            outputs.update({f"{k} (daemon stopped)": v for k, v in state_bytes(tmp_path).items()})
            outputs.update(state_rows(state))
            outputs.update({f"snapferry status --format {f}": snapferry_status(fleet, env, f) for f in ("json", "text")})

            # The faults happened, and the night's work was done regardless.
            dp.sim_admin(sim, "POST", "/_sim/faults", {"rules": []})
            calls = dp.sim_calls(sim)
            codes = {code: sum(1 for c in calls if c.get("code") == code) for code in ("Throttling", "InternalFailure")}
            assert codes["Throttling"] >= 5 and codes["InternalFailure"] >= 1, codes
            refreshed = [n for n in TARGETS if (targets[n].get("last") or {}).get("result") == "ok"]
            print(f"\nrefreshed ok: {refreshed}; " + "; ".join(f"{n}: {targets[n].get('last')}, in flight "
                                                              f"{targets[n]['in_flight']}" for n in TARGETS if n not in refreshed))
            assert refreshed, {n: targets[n] for n in TARGETS}
            assert source["newest_snapshot"] == "snapferry-orders-20261201-0200", source
            for name in refreshed:
                key = KEYS[DEV if name == "orders-dev" else TEST]
                cluster = dp.rds(sim, key).describe_db_clusters(DBClusterIdentifier=name)["DBClusters"][0]
                assert "MasterUserSecret" in cluster, f"{name} was not given a managed master password"
            assumed = [c for c in calls if c["operation"] == "AssumeRole"]
            accepted = sum(1 for c in assumed if c["status"] == 200)
            assert accepted >= 2, f"the daemon assumed too few roles: {assumed}"

            # The session credentials the daemon was issued: replayed, then confirmed against its simulator.
            replayed = replayed_sessions(world, tmp_path / "replay", len(assumed) + SPARE_SESSIONS)
            confirmed = [c for c in replayed if issued_by(sim, c)]
            assert replayed[:accepted] == confirmed, \
                f"{len(confirmed)} of {len(replayed)} replayed sessions were issued; {accepted} AssumeRoles were accepted"
    finally:
        notify.close()

    secrets = {f"secret key of {KEYS[a][0]}": KEYS[a][1] for a in KEYS}
    for i, (key_id, secret, token) in enumerate(replayed):
        secrets[f"session {i} ({key_id}) secret key"] = secret
        secrets[f"session {i} ({key_id}) token"] = token
    found = leaks(outputs, secrets)
    searched = sum(len(t) for t in outputs.values())
    print(f"\n{len(secrets)} secrets ({len(confirmed)} sessions confirmed issued) searched in {len(outputs)} outputs, "
          f"{searched} characters; faults {codes} in {len(calls)} calls; {time.monotonic() - started:.1f} s")
    print("  " + "\n  ".join(f"{where}: {len(text)}" for where, text in outputs.items()))
    assert outputs["daemon log"].count("\n") > 100, "the trace log is suspiciously short"
    assert not found, "secrets in outputs:\n" + "\n".join(f"- {w}: {n}: ...{c!r}..." for w, n, c in found)
