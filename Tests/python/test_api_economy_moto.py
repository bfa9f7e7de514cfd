"""API economy of rotation, measured through the real `snapferry` binary against moto_server.

The fleet: 10 sources in one account, each shared with one other account, `keep_last: 7`,
14 daily `apply` runs. Calls are counted by moto's own request recorder (MOTO_ENABLE_RECORDING),
not by snapferry, so the oracle is independent of the code under test. PRODUCT.md's budget is
at most 5 calls per source-target pair per day; the end state is read back with boto3.
"""

import base64
import json
import os
import subprocess
import urllib.parse
import urllib.request
from collections import Counter

import boto3

from peers import moto_peer, moto_reset_auth, snapferry_binary

SOURCES = 10
DAYS = 14
KEEP = 7
TARGET_ACCOUNT = "222222222222"
ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def recorded_calls(url):
    """Every AWS call moto recorded since the last reset, as (service, operation)."""
    with urllib.request.urlopen(url + "/moto-api/recorder/download-recording", timeout=10) as response:
        lines = response.read().decode().splitlines()
    calls = []
    for line in lines:
        entry = json.loads(line)
        headers = {k.lower(): v for k, v in entry["headers"].items()}
        if "x-amz-target" in headers:
            calls.append(("kms", headers["x-amz-target"].split(".")[-1]))
            continue
        body = entry.get("body") or ""
        if entry.get("body_encoded"):
            body = base64.b64decode(body).decode()
        action = urllib.parse.parse_qs(body).get("Action", ["?"])[0]
        scope = headers.get("authorization", "").split("Credential=")[-1].split("/")
        calls.append((scope[3] if len(scope) > 3 else "?", action))
    return calls


def post(url, path):
    request = urllib.request.Request(url + path, data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


def test_rotation_costs_at_most_5_calls_per_pair_per_day(tmp_path):
    recording = tmp_path / "recording.jsonl"
    env = {"MOTO_ENABLE_RECORDING": "True", "MOTO_RECORDER_FILEPATH": str(recording)}
    with moto_peer(tmp_path, env) as url:
        anon = dict(endpoint_url=url, region_name="eu-west-1", aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                    aws_secret_access_key="seed")
        iam = boto3.client("iam", **anon)
        iam.create_user(UserName="snapferry")
        iam.put_user_policy(UserName="snapferry", PolicyName="all", PolicyDocument=ALLOW_ALL)
        key = iam.create_access_key(UserName="snapferry")["AccessKey"]
        # Clusters under a customer-managed key, so each snapshot is shared directly (no re-encryption copy).
        cmk = boto3.client("kms", **anon).create_key(Description="snapferry economy")["KeyMetadata"]["Arn"]
        rds = boto3.client("rds", **anon)
        for i in range(SOURCES):
            rds.create_db_cluster(DBClusterIdentifier=f"app{i}-prod", Engine="aurora-postgresql", MasterUsername="app",
                                  MasterUserPassword="not-a-real-password", StorageEncrypted=True, KmsKeyId=cmk)
        moto_reset_auth(url)
        post(url, "/moto-api/recorder/reset-recording")

        lines = ["version: 1", "fleet: economy", f"state: {tmp_path / 'state.sqlite'}", f'endpoints: {{ url: "{url}" }}',
                 "defaults: { region: eu-west-1, poll: { initial: 0.1, max: 0.5 } }", "accounts:",
                 '  prod: { id: "123456789012" }', f'  dev: {{ id: "{TARGET_ACCOUNT}" }}', "sources:"]
        for i in range(SOURCES):
            lines.append(f'  - {{ name: app{i}, account: prod, cluster: app{i}-prod, schedule: "0 2 * * *", '
                         f'kms_key: "{cmk}", retention: {{ keep_last: {KEEP} }}, share_with: [dev] }}')
        fleet = tmp_path / "fleet.yaml"
        fleet.write_text("\n".join(lines) + "\n")
        child_env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "AWS_ACCESS_KEY_ID": key["AccessKeyId"],
                     "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"], "AWS_EC2_METADATA_DISABLED": "true",
                     "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"}
        for day in range(1, DAYS + 1):
            run = subprocess.run([str(snapferry_binary()), "apply", "--config", str(fleet), "--yes",
                                  "--at", f"2026-12-{day:02d}T03:00:00Z"],
                                 env=child_env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
            assert run.returncode == 0, f"day {day}: {run.stdout}\n{run.stderr}"

        calls = recorded_calls(url)
        counts = Counter(op for _, op in calls)
        per_pair_day = len(calls) / (SOURCES * DAYS)
        print(f"\n{len(calls)} calls over {DAYS} days for {SOURCES} pairs = {per_pair_day:.2f} per pair per day; {dict(counts)}")
        assert per_pair_day <= 5, f"{per_pair_day:.2f} calls per pair per day: {dict(counts)}"
        # Hand-computed floor: each day one create and one share per source, and from day 8 one delete.
        assert counts["CreateDBClusterSnapshot"] == SOURCES * DAYS
        assert counts["ModifyDBClusterSnapshotAttribute"] == SOURCES * DAYS
        assert counts["DeleteDBClusterSnapshot"] == SOURCES * (DAYS - KEEP)
        assert counts["ListTagsForResource"] == 0, "tags come with Describe responses"
        # Observation is per account, not per source: no read grows with the number of sources. Per day:
        # one cluster read (first pass only), one key policy, the quota once (moto answers 500: 3 tries),
        # and one snapshot listing per pass (create, share, prune, converged).
        assert counts["DescribeDBClusters"] == DAYS, dict(counts)
        assert counts["GetKeyPolicy"] == DAYS, dict(counts)
        assert counts["DescribeAccountAttributes"] <= 3 * DAYS, dict(counts)
        assert counts["DescribeDBClusterSnapshots"] <= 4 * DAYS, dict(counts)

        # End state, read with boto3: each source keeps its 7 newest slots, each shared with dev.
        own = dict(endpoint_url=url, region_name="eu-west-1", aws_access_key_id=key["AccessKeyId"],
                   aws_secret_access_key=key["SecretAccessKey"])
        rds = boto3.client("rds", **own)
        for i in range(SOURCES):
            snapshots = rds.describe_db_cluster_snapshots(DBClusterIdentifier=f"app{i}-prod",
                                                          SnapshotType="manual")["DBClusterSnapshots"]
            ids = sorted(s["DBClusterSnapshotIdentifier"] for s in snapshots)
            assert ids == [f"snapferry-app{i}-202612{d:02d}-0200" for d in range(DAYS - KEEP + 1, DAYS + 1)]
            for snapshot_id in ids:
                attributes = rds.describe_db_cluster_snapshot_attributes(DBClusterSnapshotIdentifier=snapshot_id)
                values = [a["AttributeValues"] for a in attributes["DBClusterSnapshotAttributesResult"]["DBClusterSnapshotAttributes"]
                          if a["AttributeName"] == "restore"]
                assert values == [[TARGET_ACCOUNT]], f"{snapshot_id}: {values}"
