"""The real `snapferry apply` against snapferry-sim answering 30% of RDS calls with Throttling and 5%
with InternalFailure (4 sources, each shared with 23 accounts): every source converges, with the same
end state as a fault-free run of the same fleet, read back with boto3. Before calls that exhaust their
retries on a passing error were planned again, one throttled CopyDBClusterSnapshot failed its source
and the run exited 1. The client makes 2 attempts per call here (5 by default), so that about one call
in eight exhausts them (0.35²) and a run of some 50 calls all but surely meets that case."""

import json
import os
import subprocess


from peers import sim_peer, snapferry_binary
from reliability_world import KEYS, calls, end_state, post

PROD = "111111111111"
# A secret no output may carry (docs/RELIABILITY.md, secrets).
KEY = KEYS[PROD]
CMK = f"arn:aws:kms:eu-west-1:{PROD}:key/0f9a8b7c-1111-2222-3333-444455556666"
TARGETS = [f"2{n:011d}" for n in range(1, 24)]
SOURCES = ["orders", "billing", "users", "events"]
FAULTS = {"rules": [
    {"service": "rds", "operation": "*", "error_rate": 0.30, "code": "Throttling", "status": 400},
    {"service": "rds", "operation": "*", "error_rate": 0.05, "code": "InternalFailure", "status": 500},
]}


def scenario(faults):
    return {
        "start": "2026-12-01T00:00:00Z", "regions": ["eu-west-1"], "seed": 7,
        "accounts": [{"id": PROD, "access_keys": [{"id": KEY[0], "secret": KEY[1]}]}] + [{"id": t} for t in TARGETS],
        "kms_keys": [{"arn": CMK}],
        "clusters": [{"account": PROD, "region": "eu-west-1", "id": f"{s}-prod", "kms_key": "alias/aws/rds",
                      "size_gb": 10, "backup_window": "23:00-23:30"} for s in SOURCES],
        "durations": {"snapshot_seconds_per_gb": 3, "copy_seconds_per_gb": 6},
        "faults": faults,
    }


def fleet_file(tmp_path, url):
    lines = ["version: 1", "fleet: faults", f"state: {tmp_path / 'state.sqlite'}", f'endpoints: {{ url: "{url}" }}',
             "defaults: { region: eu-west-1, poll: { initial: 0.05, max: 0.2 }, retry: { max_attempts: 2 } }", "accounts:", f'  prod: {{ id: "{PROD}" }}']
    lines += [f'  t{i}: {{ id: "{t}" }}' for i, t in enumerate(TARGETS)]
    lines.append("sources:")
    share = ", ".join(f"t{i}" for i in range(len(TARGETS)))
    lines += [f'  - {{ name: {s}, account: prod, cluster: {s}-prod, schedule: "0 2 * * *", kms_key: "{CMK}", '
              f"retention: {{ keep_last: 1 }}, share_with: [{share}] }}" for s in SOURCES]
    path = tmp_path / "fleet.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def run_apply(tmp_path, faults):
    with sim_peer(scenario(faults), tmp_path, time_scale=300) as url:
        fleet = fleet_file(tmp_path, url)
        post(url, "/_sim/advance", {"seconds": 7200})
        env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "AWS_ACCESS_KEY_ID": KEY[0],
               "AWS_SECRET_ACCESS_KEY": KEY[1], "AWS_EC2_METADATA_DISABLED": "true",
               "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"}
        result = subprocess.run([str(snapferry_binary()), "apply", "--config", str(fleet), "--at", "2026-12-01T02:00:00Z",
                                 "--yes", "--format", "json", "--verbose"], env=env, capture_output=True, text=True, timeout=300,
                                stdin=subprocess.DEVNULL)
        # The fault rules are off while boto3 reads the end state.
        post(url, "/_sim/faults", {"rules": []})
        return result, calls(url), end_state(url, accounts=[PROD])


def test_apply_under_throttling_and_5xx_converges_to_the_fault_free_end_state(tmp_path):
    (tmp_path / "clean").mkdir()
    (tmp_path / "faulty").mkdir()
    clean, _, clean_state = run_apply(tmp_path / "clean", {"rules": []})
    assert clean.returncode == 0, clean.stdout + clean.stderr
    result, record, state = run_apply(tmp_path / "faulty", FAULTS)
    outcomes = json.loads(result.stdout)
    assert result.returncode == 0, json.dumps(outcomes, indent=1) + result.stderr[-3000:]
    assert {o["source"]: o["result"] for o in outcomes} == {s: "ok" for s in SOURCES}
    faulted = [c for c in record if c["code"] in ("Throttling", "InternalFailure")]
    # The faults really happened (about a third of the calls), on calls that change things too.
    assert len(faulted) >= 0.2 * len(record), (len(faulted), len(record))
    assert {c["operation"] for c in faulted} & {"CreateDBClusterSnapshot", "CopyDBClusterSnapshot",
                                                "ModifyDBClusterSnapshotAttribute"}, faulted
    # Per source: the primary and two shareable copies (20 + 3 accounts), all available and shared.
    snapshots = {k: v for k, v in clean_state.items() if " snapshot " in k}
    assert len(snapshots) == 3 * len(SOURCES), clean_state
    assert all(v[0] == "available" for v in snapshots.values()), clean_state
    assert state == clean_state
    # The secret key reaches neither the output (with --verbose's canonical requests) nor the state database.
    stored = b"".join(p.read_bytes() for p in (tmp_path / "faulty").glob("state.sqlite*"))
    assert stored, "no state database written"
    for text in (result.stdout, result.stderr, stored.decode("latin-1")):
        assert KEY[1] not in text
