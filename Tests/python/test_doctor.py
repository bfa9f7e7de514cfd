"""`snapferry doctor` against snapferry-sim: a fleet with four planted mistakes — a share account
missing from a source key policy, a role asked with the wrong ExternalId, a target subnet group
that does not exist, a source under aws/rds without `kms_key` — is reported with exactly those four
failures, each with its fix. The fixes are then applied as doctor printed them (the key-policy
statements are taken from its output verbatim) and doctor passes and `apply` succeeds."""

import copy
import json
import subprocess
from pathlib import Path

import peers

PROD, DEV, TEST = "111111111111", "222222222222", "333333333333"
CMK = f"arn:aws:kms:eu-west-1:{PROD}:key/0f9a8b7c-1111-2222-3333-444455556666"
ENV_KEYS = {"AWS_ACCESS_KEY_ID": "AKIAPROD000000000001", "AWS_SECRET_ACCESS_KEY": "prod-secret"}


def role(account, external_id=None):
    statement = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PROD}:root"}, "Action": "sts:AssumeRole"}
    if external_id:
        statement["Condition"] = {"StringEquals": {"sts:ExternalId": external_id}}
    return {"arn": f"arn:aws:iam::{account}:role/snapferry", "trust_policy": {"Version": "2012-10-17", "Statement": [statement]}}


# The source key's policy names the daemon's account and dev, but not test (mistake 1).
BROKEN = {
    "start": "2026-12-01T03:00:00Z",
    "regions": ["eu-west-1"],
    "accounts": [{"id": PROD, "access_keys": [{"id": ENV_KEYS["AWS_ACCESS_KEY_ID"], "secret": "prod-secret", "user": "snapferry"}]},
                 {"id": DEV}, {"id": TEST}],
    "kms_keys": [
        {"arn": CMK, "policy": {"Version": "2012-10-17", "Statement": [
            {"Sid": "Owner", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PROD}:root"}, "Action": "kms:*", "Resource": "*"},
            {"Sid": "Dev", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{DEV}:root"}, "Action": "kms:*", "Resource": "*"}]}},
        {"arn": f"arn:aws:kms:eu-west-1:{DEV}:key/0b000000-1111-2222-3333-{DEV}"},
        {"arn": f"arn:aws:kms:eu-west-1:{TEST}:key/0b000000-1111-2222-3333-{TEST}"},
    ],
    "roles": [role(DEV, external_id="right-id"), role(TEST)],
    # test's subnet group is missing (mistake 3).
    "db_subnet_groups": [{"account": DEV, "region": "eu-west-1", "name": "db"}],
    "security_groups": [{"account": DEV, "region": "eu-west-1", "id": "sg-00000000000000de1"},
                        {"account": TEST, "region": "eu-west-1", "id": "sg-00000000000000ae1"}],
    "clusters": [
        {"account": PROD, "region": "eu-west-1", "id": "orders-prod", "kms_key": "alias/aws/rds", "size_gb": 5, "instances": 1},
        {"account": PROD, "region": "eu-west-1", "id": "billing-prod", "kms_key": "alias/aws/rds", "size_gb": 5, "instances": 1},
    ],
}

FLEET = """
version: 1
fleet: doctor
state: "{state}"
defaults: {{ region: eu-west-1, poll: {{ initial: 0.2, max: 1 }} }}
accounts:
  prod: {{ id: "{prod}" }}
  dev:  {{ id: "{dev}", role_arn: "arn:aws:iam::{dev}:role/snapferry", external_id: {external_id} }}
  test: {{ id: "{test}", role_arn: "arn:aws:iam::{test}:role/snapferry" }}
sources:
  - {{ name: orders, account: prod, cluster: orders-prod, schedule: "0 2 * * *", kms_key: "{cmk}",
      retention: {{ keep_last: 2 }}, share_with: [dev, test] }}
  - {{ name: billing, account: prod, cluster: billing-prod, schedule: "0 2 * * *",{billing_key}
      retention: {{ keep_last: 2 }}, share_with: [dev] }}
targets:
  - {{ name: orders-dev, source: orders, account: dev, cluster: orders-dev, schedule: "0 3 * * *",
      instances: [{{ class: db.r6g.large }}], subnet_group: db, security_groups: [sg-00000000000000de1],
      kms_key: "arn:aws:kms:eu-west-1:{dev}:key/0b000000-1111-2222-3333-{dev}" }}
  - {{ name: orders-test, source: orders, account: test, cluster: orders-test, schedule: "0 3 * * *",
      instances: [{{ class: db.r6g.large }}], subnet_group: test-db, security_groups: [sg-00000000000000ae1],
      kms_key: "arn:aws:kms:eu-west-1:{test}:key/0b000000-1111-2222-3333-{test}" }}
"""


def fleet_file(directory, external_id, billing_key):
    path = Path(directory) / "fleet.yaml"
    path.write_text(FLEET.format(state=Path(directory) / "state.sqlite", prod=PROD, dev=DEV, test=TEST, cmk=CMK,
                                 external_id=external_id, billing_key=f' kms_key: "{CMK}",' if billing_key else ""))
    return path


def snapferry(url, *args):
    env = {"AWS_ENDPOINT_URL": url, "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": "/nonexistent",
           "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "PATH": "/usr/bin:/bin", **ENV_KEYS}
    return subprocess.run([peers.snapferry_binary(), *args], capture_output=True, text=True, timeout=300, env=env)


def test_doctor_names_the_four_mistakes_with_fixes_that_work(tmp_path):
    broken_dir, fixed_dir = tmp_path / "broken", tmp_path / "fixed"
    broken_dir.mkdir(), fixed_dir.mkdir()
    with peers.sim_peer(BROKEN, broken_dir) as url:
        fleet = fleet_file(broken_dir, external_id="wrong-id", billing_key=False)
        run = snapferry(url, "doctor", "--config", str(fleet), "--format", "json")
        text = snapferry(url, "doctor", "--config", str(fleet))
    assert run.returncode == 1, run.stderr
    assert text.returncode == 1 and "4 failed" in text.stdout, text.stdout
    checks = json.loads(run.stdout)
    failed = {(c["check"], c["subject"]): c for c in checks if c["status"] == "fail"}
    assert set(failed) == {("key-policy", "source orders"), ("role", "account dev"),
                           ("subnet-group", "target orders-test"), ("key", "source billing")}, json.dumps(checks, indent=1)
    assert all(c["fix"] for c in failed.values())
    key_policy = failed[("key-policy", "source orders")]
    assert TEST in key_policy["message"] and DEV not in key_policy["message"], key_policy
    assert "ExternalId" in failed[("role", "account dev")]["fix"]
    assert "subnet_group" in failed[("subnet-group", "target orders-test")]["fix"]
    assert "kms_key" in failed[("key", "source billing")]["fix"]
    # The dev target is not read through a role that cannot be assumed: one warning, no second failure.
    assert any(c["subject"] == "target orders-dev" and c["check"] == "skipped" for c in checks)

    # The fixes, as printed: the statements go into the key policy verbatim; the ExternalId and kms_key
    # into the fleet file; the subnet group into test's account.
    fixed = copy.deepcopy(BROKEN)
    statements = json.loads("[" + key_policy["fix"].split("Statement list: ", 1)[1] + "]")
    assert {s["Sid"] for s in statements} == {"SnapferryShareAccountsUseKey", "SnapferryShareAccountsAttachGrants"}
    fixed["kms_keys"][0]["policy"]["Statement"] += statements
    fixed["db_subnet_groups"].append({"account": TEST, "region": "eu-west-1", "name": "test-db"})
    with peers.sim_peer(fixed, fixed_dir, time_scale=3600) as url:
        fleet = fleet_file(fixed_dir, external_id="right-id", billing_key=True)
        run = snapferry(url, "doctor", "--config", str(fleet))
        assert run.returncode == 0, run.stdout + run.stderr
        assert "0 failed" in run.stdout
        apply = snapferry(url, "apply", "--config", str(fleet), "--at", "2026-12-01T03:00:00Z", "--yes")
        assert apply.returncode == 0, apply.stdout + apply.stderr


def test_policy_diff_prints_only_what_the_live_key_policy_lacks(tmp_path):
    with peers.sim_peer(BROKEN, tmp_path) as url:
        fleet = fleet_file(tmp_path, external_id="right-id", billing_key=False)
        diff = snapferry(url, "policy", "--config", str(fleet), "--diff", "--source", "orders", "--format", "json")
        assert diff.returncode == 1, diff.stderr
        (key,) = json.loads(diff.stdout)
        # test (333…) is missing from the key policy; dev (222…) is named with kms:*.
        assert set(key["missing"]) == {TEST}, key
        principals = {p for s in key["add"] for p in s["Principal"]["AWS"]}
        assert principals == {f"arn:aws:iam::{TEST}:root"}, key["add"]
        # billing's cluster is under aws/rds: nothing to diff, and it says why.
        billing = snapferry(url, "policy", "--config", str(fleet), "--diff", "--source", "billing")
        assert billing.returncode == 1 and "aws/rds" in billing.stdout, billing.stdout
