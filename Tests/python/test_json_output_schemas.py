"""`plan --format json` and `apply --format json` validate against the JSON Schemas in docs/schemas,
through the real binary against snapferry-sim: a converging day, a failing day (error code and
request id present) and a blocked source; then a target's refresh before, during and after apply."""

import json
import os
import subprocess

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from peers import REPO, sim_peer, snapferry_binary

CMK = "arn:aws:kms:eu-west-1:111111111111:key/0f9a8b7c-1111-2222-3333-444455556666"
SCENARIO = {
    "start": "2026-12-01T00:00:00Z", "regions": ["eu-west-1"],
    "accounts": [{"id": "111111111111", "access_keys": [{"id": "AKIAPROD000000000001", "secret": "prod-secret"}]},
                 {"id": "222222222222"}],
    "kms_keys": [{"arn": CMK, "aliases": ["alias/snapferry"]}],
    "clusters": [{"account": "111111111111", "region": "eu-west-1", "id": "orders-prod", "kms_key": "alias/aws/rds",
                  "size_gb": 10, "backup_window": "23:00-23:30"}],
    "durations": {"snapshot_seconds_per_gb": 3, "copy_seconds_per_gb": 6},
}


def validator(name):
    schemas = {p: json.loads((REPO / "docs" / "schemas" / p).read_text())
               for p in ["action.schema.json", "plan.schema.json", "apply.schema.json", "refresh.schema.json"]}
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas.values())
    schema = schemas[name]
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=registry)


def run(fleet, *args):
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(fleet.parent), "AWS_ACCESS_KEY_ID": "AKIAPROD000000000001",
           "AWS_SECRET_ACCESS_KEY": "prod-secret", "AWS_EC2_METADATA_DISABLED": "true",
           "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"}
    result = subprocess.run([str(snapferry_binary()), *args, "--config", str(fleet), "--format", "json"],
                            env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    return result.returncode, json.loads(result.stdout)


def post(url, path, body):
    import urllib.request
    request = urllib.request.Request(url + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


def test_plan_and_apply_json_match_their_schemas(tmp_path):
    plan_schema, apply_schema = validator("plan.schema.json"), validator("apply.schema.json")
    with sim_peer(SCENARIO, tmp_path, time_scale=300) as url:
        fleet = tmp_path / "fleet.yaml"
        fleet.write_text("\n".join([
            "version: 1", "fleet: schemas", f"state: {tmp_path / 'state.sqlite'}", f'endpoints: {{ url: "{url}" }}',
            "defaults: { region: eu-west-1, poll: { initial: 0.05, max: 0.2 } }", "accounts:",
            '  prod: { id: "111111111111" }', '  dev: { id: "222222222222" }', "sources:",
            f'  - {{ name: orders, account: prod, cluster: orders-prod, schedule: "0 2 * * *", kms_key: "{CMK}", '
            "retention: { keep_last: 1 }, share_with: [dev] }",
            '  - { name: ghost, account: prod, cluster: no-such-cluster, schedule: "0 2 * * *", '
            "retention: { keep_last: 1 }, share_with: [dev] }", ""]))
        post(url, "/_sim/advance", {"seconds": 7200})

        status, plans = run(fleet, "plan", "--at", "2026-12-01T03:00:00Z")
        assert status == 1, "the ghost source is blocked"
        plan_schema.validate(plans)
        by_source = {p["source"]: p for p in plans}
        assert [a["action"] for a in by_source["orders"]["actions"]] == ["create", "copy", "share"]
        assert "no-such-cluster" in by_source["ghost"]["blocked"]

        status, outcomes = run(fleet, "apply", "--at", "2026-12-01T03:00:00Z", "--yes")
        assert status == 1
        apply_schema.validate(outcomes)
        assert {o["source"]: o["result"] for o in outcomes} == {"orders": "ok", "ghost": "failed"}, outcomes

        # A failing AWS call: its code and request id are in the record.
        post(url, "/_sim/faults", {"rules": [{"service": "rds", "operation": "CreateDBClusterSnapshot", "error_rate": 1,
                                              "code": "AccessDenied", "status": 403,
                                              "message": "User is not authorized to perform: rds:CreateDBClusterSnapshot"}]})
        post(url, "/_sim/advance", {"seconds": 86400})
        status, outcomes = run(fleet, "apply", "--at", "2026-12-02T03:00:00Z", "--yes", "--source", "orders")
        assert status == 1
        apply_schema.validate(outcomes)
        assert outcomes[0]["error_code"] == "AccessDenied" and outcomes[0]["request_id"]


DEV_KEY = "arn:aws:kms:eu-west-1:222222222222:key/0b000000-1111-2222-3333-222222222222"
REFRESH_SCENARIO = dict(SCENARIO, **{
    "kms_keys": [{"arn": CMK, "policy": {"Version": "2012-10-17", "Statement": [
                     {"Effect": "Allow", "Action": "kms:*", "Resource": "*",
                      "Principal": {"AWS": ["arn:aws:iam::111111111111:root", "arn:aws:iam::222222222222:root"]}}]}},
                 {"arn": DEV_KEY}],
    "roles": [{"arn": "arn:aws:iam::222222222222:role/snapferry", "trust_policy": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "sts:AssumeRole"}]}}],
    "db_subnet_groups": [{"account": "222222222222", "region": "eu-west-1", "name": "dev-db"}],
    "security_groups": [{"account": "222222222222", "region": "eu-west-1", "id": "sg-00000000000000de1"}],
    "durations": {"snapshot_seconds_per_gb": 3, "copy_seconds_per_gb": 6, "restore_seconds": [600, 900],
                  "instance_seconds": [300, 600], "rename_seconds": 60, "delete_seconds": 120},
})


def test_refresh_items_in_plan_and_apply_json_match_their_schema(tmp_path):
    plan_schema, apply_schema = validator("plan.schema.json"), validator("apply.schema.json")
    with sim_peer(REFRESH_SCENARIO, tmp_path, time_scale=600) as url:
        fleet = tmp_path / "fleet.yaml"
        fleet.write_text("\n".join([
            "version: 1", "fleet: schemas", f"state: {tmp_path / 'state.sqlite'}", f'endpoints: {{ url: "{url}" }}',
            "defaults: { region: eu-west-1, poll: { initial: 0.05, max: 0.2 } }", "accounts:",
            '  prod: { id: "111111111111" }', '  dev: { id: "222222222222", role_arn: "arn:aws:iam::222222222222:role/snapferry" }',
            "sources:",
            f'  - {{ name: orders, account: prod, cluster: orders-prod, schedule: "0 2 * * *", kms_key: "{CMK}", '
            "retention: { keep_last: 1 }, share_with: [dev] }",
            "targets:",
            '  - { name: orders-dev, source: orders, account: dev, schedule: "0 3 * * *", cluster: orders-dev, '
            "instances: [{ class: db.r6g.large }], subnet_group: dev-db, security_groups: [sg-00000000000000de1], "
            f'kms_key: "{DEV_KEY}" }}', ""]))
        post(url, "/_sim/advance", {"seconds": 7200})

        # Before the night's snapshot exists, the target has nothing to refresh from.
        status, plans = run(fleet, "plan", "--at", "2026-12-01T03:00:00Z")
        plan_schema.validate(plans)
        targets = [p for p in plans if "target" in p]
        assert [(t["target"], t["slot"], t["result"]) for t in targets] == [("orders-dev", "2026-12-01T03:00:00Z", "skipped")], plans
        assert "no available snapshot of source orders is shared with account dev" in targets[0]["reason"]
        assert [p["source"] for p in plans if "source" in p] == ["orders"]

        status, outcomes = run(fleet, "apply", "--at", "2026-12-01T03:00:00Z", "--yes")
        assert status == 0, outcomes
        apply_schema.validate(outcomes)
        target = [o for o in outcomes if "target" in o][0]
        assert (target["result"], target["snapshot"]) == ("ok", "snapferry-orders-20261201-0200-s1"), target
        actions = [s["action"] for s in target["steps"]]
        assert actions[0].startswith("restore orders-dev-new-202612010300 from ") and actions[0].endswith("(re-keyed)"), actions
        assert "rename cluster orders-dev-new-202612010300 to orders-dev" in actions, actions
        assert "rename instance orders-dev-new-202612010300-1 to orders-dev-1" in actions, actions

        status, plans = run(fleet, "plan", "--at", "2026-12-01T03:30:00Z")
        assert status == 0
        plan_schema.validate(plans)
        target = [p for p in plans if "target" in p][0]
        assert target["result"] == "already-done", target

        # status, from the journal alone: the target's last refresh.
        status, rows = run(fleet, "status", "--at", "2026-12-01T03:30:00Z")
        assert status == 0
        target = [r for r in rows if "target" in r][0]
        assert (target["cluster"], target["account"], target["source"]) == ("orders-dev", "dev", "orders")
        assert (target["last"]["slot"], target["last"]["result"], target["last"]["snapshot"]) == \
            ("2026-12-01T03:00:00Z", "ok", "snapferry-orders-20261201-0200-s1"), target
        assert target["in_flight"] == []
        assert [r["source"] for r in rows if "target" not in r] == ["orders"]

        # The next night, before rotation: the whole transaction from yesterday's snapshot, every step with its reason.
        post(url, "/_sim/advance", {"seconds": 86400})
        status, plans = run(fleet, "plan", "--at", "2026-12-02T03:00:00Z")
        plan_schema.validate(plans)
        target = [p for p in plans if "target" in p][0]
        assert target["result"] == "act", target
        actions = [s["action"] for s in target["steps"]]
        assert actions[0].startswith("restore orders-dev-new-202612020300 from ") and "snapferry-orders-20261201-0200-s1" in actions[0], actions
        for expected in ["create instance orders-dev-new-202612020300-1", "rename cluster orders-dev to orders-dev-old-202612020300",
                         "rename cluster orders-dev-new-202612020300 to orders-dev", "delete instance orders-dev-old-202612020300-1"]:
            assert any(a.startswith(expected) for a in actions), (expected, actions)
        assert actions[-1].startswith("delete cluster orders-dev-old-202612020300"), actions
        assert all(s.get("reason") for s in target["steps"]), target["steps"]
