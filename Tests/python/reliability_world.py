"""The fleet the reliability tests run (rotation, sharing, pruning and refresh, three accounts), its
simulator scenario, and an outsider's reading of AWS's end state with boto3 (docs/RELIABILITY.md).

One source (`orders`, under aws/rds, so it needs a shareable CMK copy) shared with dev and test; two
targets: `orders-dev` restores the shared copy directly, `orders-test` copies it into its own account
first and keeps a final snapshot of the cluster it retires. Durations are short simulated times, so
that a night takes well under a second of real time at the scale the tests run the simulator at."""

import json
import os
import subprocess
import time
import urllib.request

import boto3
from botocore.config import Config

from peers import snapferry_binary

PROD, DEV, TEST = "111111111111", "222222222222", "333333333333"
# Secrets no output may carry (docs/RELIABILITY.md, part 5).
KEYS = {
    PROD: ("AKIAPROD000000000001", "SeededSecret0f6c1e9a7b2d4c8e0a1f3b5d7c9e1a3b5d7f9"),
    DEV: ("AKIADEVREADER0000001", "SeededDevSecret7d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6"),
    TEST: ("AKIATESTREADER000001", "SeededTestSecret3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b"),
}
CMK = f"arn:aws:kms:eu-west-1:{PROD}:key/0f9a8b7c-1111-2222-3333-444455556666"
DEV_KEY = f"arn:aws:kms:eu-west-1:{DEV}:key/0b000000-1111-2222-3333-222222222222"
TEST_KEY = f"arn:aws:kms:eu-west-1:{TEST}:key/0b000000-1111-2222-3333-333333333333"
REGION = "eu-west-1"
# The simulator runs this many simulated seconds per real second.
TIME_SCALE = 10000


def trust_policy(*accounts):
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": [f"arn:aws:iam::{a}:root" for a in accounts]}, "Action": "sts:AssumeRole"}]}


def trust(account):
    return {"arn": f"arn:aws:iam::{account}:role/snapferry", "trust_policy": trust_policy(PROD), "max_session_seconds": 43200}


def scenario(faults=None, seed=7):
    return {
        "start": "2026-12-01T00:00:00Z", "regions": [REGION], "seed": seed,
        "accounts": [{"id": a, "access_keys": [{"id": k[0], "secret": k[1], "user": "snapferry"}]} for a, k in KEYS.items()],
        "kms_keys": [
            {"arn": CMK, "policy": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": [f"arn:aws:iam::{a}:root" for a in KEYS]},
                 "Action": "kms:*", "Resource": "*"}]}},
            {"arn": DEV_KEY}, {"arn": TEST_KEY}],
        "roles": [trust(DEV), trust(TEST)],
        "db_subnet_groups": [{"account": DEV, "region": REGION, "name": "dev-db"},
                             {"account": TEST, "region": REGION, "name": "test-db"}],
        "security_groups": [{"account": DEV, "region": REGION, "id": "sg-00000000000000de1"},
                            {"account": TEST, "region": REGION, "id": "sg-00000000000000ae1"}],
        "clusters": [{"account": PROD, "region": REGION, "id": "orders-prod", "kms_key": "alias/aws/rds", "size_gb": 10,
                      "instances": 1, "backup_window": "23:00-23:30"}],
        "durations": {"snapshot_seconds_per_gb": 3, "copy_seconds_per_gb": 3, "restore_seconds": [300, 300],
                      "instance_seconds": [120, 120], "rename_seconds": 30, "delete_seconds": 60},
        "faults": faults or {"rules": []},
    }


def fleet_file(directory, url, extra_defaults="", session_seconds=3600):
    text = f"""version: 1
fleet: reliability
state: {directory / 'state.sqlite'}
endpoints: {{ url: "{url}" }}
defaults: {{ region: {REGION}, poll: {{ initial: 0.05, max: 0.2 }}{extra_defaults} }}
accounts:
  prod: {{ id: "{PROD}" }}
  dev:  {{ id: "{DEV}", role_arn: "arn:aws:iam::{DEV}:role/snapferry", session_seconds: {session_seconds} }}
  test: {{ id: "{TEST}", role_arn: "arn:aws:iam::{TEST}:role/snapferry", session_seconds: {session_seconds} }}
sources:
  - {{ name: orders, account: prod, cluster: orders-prod, schedule: "0 2 * * *", kms_key: "{CMK}",
      retention: {{ keep_last: 2 }}, share_with: [dev, test] }}
targets:
  - {{ name: orders-dev, source: orders, account: dev, schedule: "0 3 * * *", cluster: orders-dev,
      instances: [{{ class: db.r6g.large }}], subnet_group: dev-db, security_groups: [sg-00000000000000de1],
      kms_key: "{DEV_KEY}" }}
  - {{ name: orders-test, source: orders, account: test, schedule: "0 3 * * *", cluster: orders-test,
      instances: [{{ class: db.r6g.large }}], subnet_group: test-db, security_groups: [sg-00000000000000ae1],
      kms_key: "{TEST_KEY}", copy_into_account: true, retire: {{ final_snapshot: true, keep_final_snapshots: 1 }} }}
"""
    path = directory / "fleet.yaml"
    path.write_text(text)
    return path


def night(day):
    """The `--at` of night `day` (1-based): after the source's 02:00 slot and at the targets' 03:00 slot."""
    return f"2026-12-{day:02d}T03:00:00Z"


def environment(home):
    return {"PATH": os.environ.get("PATH", ""), "HOME": str(home), "AWS_ACCESS_KEY_ID": KEYS[PROD][0],
            "AWS_SECRET_ACCESS_KEY": KEYS[PROD][1], "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"}


def apply_argv(fleet, day):
    return [str(snapferry_binary()), "apply", "--config", str(fleet), "--at", night(day), "--yes", "--format", "json"]


def run_apply(fleet, day, home, timeout=120):
    return subprocess.run(apply_argv(fleet, day), env=environment(home), capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def post(url, path, body):
    request = urllib.request.Request(url + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


def calls(url):
    with urllib.request.urlopen(url + "/_sim/calls", timeout=10) as response:
        return json.loads(response.read())["calls"]


def sim_now(url):
    with urllib.request.urlopen(url + "/_sim/now", timeout=10) as response:
        return json.loads(response.read())["now"]


def advance_to(url, iso):
    """Moves the simulated clock forward to `iso` (no-op if it is already later)."""
    from datetime import datetime
    now = datetime.fromisoformat(sim_now(url).replace("Z", "+00:00"))
    then = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    if then > now:
        post(url, "/_sim/advance", {"seconds": (then - now).total_seconds()})


def client(service, url, account):
    return boto3.client(service, region_name=REGION, endpoint_url=url, aws_access_key_id=KEYS[account][0],
                        aws_secret_access_key=KEYS[account][1],
                        config=Config(retries={"max_attempts": 20, "mode": "standard"}))


def end_state(url, accounts=None):
    """What AWS holds, as boto3 reads it with each account's own keys: manual snapshots (status, key,
    restore sharing, snapferry tags), clusters (status, members, slot tag) and instances. Snapshot and
    creation times are left out: a resumed run makes the same things a little later."""
    state = {}
    for account in accounts or KEYS:
        rds = client("rds", url, account)
        for page in rds.get_paginator("describe_db_cluster_snapshots").paginate(SnapshotType="manual"):
            for s in page["DBClusterSnapshots"]:
                name = s["DBClusterSnapshotIdentifier"]
                attributes = rds.describe_db_cluster_snapshot_attributes(DBClusterSnapshotIdentifier=name)
                restore = [a for a in attributes["DBClusterSnapshotAttributesResult"]["DBClusterSnapshotAttributes"]
                           if a["AttributeName"] == "restore"]
                tags = {t["Key"]: t["Value"] for t in rds.list_tags_for_resource(ResourceName=s["DBClusterSnapshotArn"])["TagList"]}
                state[f"{account} snapshot {name}"] = (s["Status"], s.get("KmsKeyId"),
                                                       tuple(sorted(restore[0]["AttributeValues"])) if restore else (),
                                                       tuple(sorted(tags.items())))
        for page in rds.get_paginator("describe_db_clusters").paginate():
            for c in page["DBClusters"]:
                tags = {t["Key"]: t["Value"] for t in c.get("TagList", [])}
                state[f"{account} cluster {c['DBClusterIdentifier']}"] = (
                    c["Status"], len(c.get("DBClusterMembers", [])), tags.get("snapferry:slot"), tags.get("snapferry:target"))
        for page in rds.get_paginator("describe_db_instances").paginate():
            for i in page["DBInstances"]:
                state[f"{account} instance {i['DBInstanceIdentifier']}"] = (i["DBInstanceStatus"], i.get("DBClusterIdentifier"))
    return state


def serving(state, day):
    """Problems with the targets' service after night `day`: each stable name must be an available cluster with
    an instance, restored from that night's slot."""
    problems = []
    for account, name in ((DEV, "orders-dev"), (TEST, "orders-test")):
        cluster = state.get(f"{account} cluster {name}")
        if cluster is None or cluster[0] != "available" or cluster[1] < 1:
            problems.append(f"{name}: {cluster}")
        elif cluster[2] != f"2026-12-{day:02d}T03:00:00Z":
            problems.append(f"{name} serves slot {cluster[2]}")
    return problems


def wait_for(predicate, timeout, interval=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return None


def run_nights(url, directory, nights, extra_defaults="", timeout=300, session_seconds=3600):
    """Runs `apply` for nights 1..`nights` one after the other; returns, per night, the finished process and the
    calls the simulator answered during it."""
    directory.mkdir(parents=True, exist_ok=True)
    fleet = fleet_file(directory, url, extra_defaults, session_seconds)
    runs = []
    for day in range(1, nights + 1):
        advance_to(url, night(day))
        before = len(calls(url))
        result = run_apply(fleet, day, directory, timeout=timeout)
        runs.append((result, calls(url)[before:]))
    return runs
