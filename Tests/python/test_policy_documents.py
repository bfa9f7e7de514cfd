"""`snapferry policy` writes documents AWS accepts: every document is valid JSON with Sids
without spaces, and parliament (an independent IAM policy linter with AWS's own action and
resource definitions) finds no unknown action, malformed ARN or malformed principal in them.
Run on config/fleet.example.yaml and on a fixture that takes every branch of the generator."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from peers import REPO, snapferry_binary

from parliament import analyze_policy_string

FLEETS = [REPO / "config" / "fleet.example.yaml", REPO / "Tests" / "python" / "fixtures" / "policy" / "rich-fleet.yaml"]

# Findings parliament reports for correct documents of these kinds: key policies name Resource "*"
# (a key policy's only valid resource), Describe calls cannot be scoped; trust policies have no Resource.
ACCEPTED = {
    "key-policy-statements": {"RESOURCE_STAR"},
    "permission-policy": {"RESOURCE_STAR"},
    "trust-policy": {"RESOURCE_STAR", "MALFORMED:Statement contains neither Resource nor NotResource"},
}


def documents(fleet, *extra):
    run = subprocess.run([snapferry_binary(), "policy", "--config", str(fleet), "--format", "json", *extra],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.mark.parametrize("fleet", FLEETS, ids=lambda p: p.name)
def test_every_document_passes_parliament(fleet):
    docs = documents(fleet)
    kinds = {d["kind"] for d in docs}
    assert {"key-policy-statements", "trust-policy", "permission-policy"} <= kinds, kinds
    for d in docs:
        text = json.dumps(d["document"])
        policy = analyze_policy_string(text)
        found = set()
        for f in policy.findings:
            found.add(f.issue if f.issue != "MALFORMED" else f"MALFORMED:{f.detail}")
        unexpected = found - ACCEPTED[d["kind"]]
        assert not unexpected, f"{d['title']}: {unexpected}\n{json.dumps(d['document'], indent=2)}"


@pytest.mark.parametrize("fleet", FLEETS, ids=lambda p: p.name)
def test_documents_are_json_with_plain_sids_and_well_formed_principals(fleet):
    run = subprocess.run([snapferry_binary(), "policy", "--config", str(fleet)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    # The text form: a heading per document, then one JSON value.
    blocks = re.split(r"\n(?=# )", run.stdout.strip())
    parsed = 0
    for block in blocks:
        body = "\n".join(line for line in block.splitlines() if not line.startswith("# "))
        if body.strip():
            json.loads(body)
            parsed += 1
    assert parsed == len(documents(fleet))
    for d in documents(fleet):
        for statement in d["document"]["Statement"]:
            assert re.fullmatch(r"[A-Za-z0-9]+", statement["Sid"]), statement["Sid"]
            for arn in (statement.get("Principal") or {}).get("AWS", []) if isinstance((statement.get("Principal") or {}).get("AWS"), list) \
                    else [(statement.get("Principal") or {}).get("AWS")] if statement.get("Principal") else []:
                assert re.fullmatch(r"arn:aws(-[a-z-]+)?:iam::\d{12}:(root|role/[\w+=,.@/-]+|user/[\w+=,.@/-]+)", arn), arn


def test_the_example_fleets_key_policy_names_each_share_account_for_use_and_grants():
    docs = documents(FLEETS[0])
    keys = [d for d in docs if d["kind"] == "key-policy-statements"]
    assert keys, "no key policy statements"
    use, grants = keys[0]["document"]["Statement"]
    # Hand-written from the project brief: what a share account needs on the source CMK.
    # kms:CreateGrant only with kms:GrantIsForAWSResource: RDS's grants are for AWS resources.
    assert set(use["Action"]) == {"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"}
    assert set(grants["Action"]) == {"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"}
    assert grants["Condition"] == {"Bool": {"kms:GrantIsForAWSResource": "true"}}
    assert set(use["Principal"]["AWS"]) == {"arn:aws:iam::222222222222:root", "arn:aws:iam::333333333333:root"}


def test_the_rich_fleet_takes_every_branch():
    docs = {d["title"]: d for d in documents(FLEETS[1])}
    restore = docs["permission policy of arn:aws:iam::222222222222:role/snapferry-restore"]["document"]["Statement"]
    sids = {s["Sid"] for s in restore}
    assert {"SnapferryManagedMasterPassword", "SnapferryRDSServiceLinkedRole", "SnapferryRefreshUseKeys"} <= sids, sids
    keys = next(s for s in restore if s["Sid"] == "SnapferryRefreshUseKeys")
    assert "kms:RetireGrant" in keys["Action"]
    # Both keys a restore uses: the source CMK and the target's own; the keyless source's account keys.
    assert {"arn:aws:kms:eu-west-1:111111111111:key/0f9a8b7c-1111-2222-3333-444455556666",
            "arn:aws:kms:eu-west-1:222222222222:key/1a2b3c4d-1111-2222-3333-444455556666",
            "arn:aws:kms:eu-west-1:100000000000:key/*"} == set(keys["Resource"])
    trust = docs["trust policy of arn:aws:iam::222222222222:role/snapferry-restore"]["document"]["Statement"][0]
    assert trust["Condition"] == {"StringEquals": {"sts:ExternalId": "ext-dev"}}
    assert trust["Principal"] == {"AWS": "arn:aws:iam::100000000000:root"}
    daemon = docs["permission policy of the daemon's own identity"]["document"]["Statement"]
    assume = next(s for s in daemon if s["Sid"] == "SnapferryAssumeFleetRoles")
    assert set(assume["Resource"]) == {"arn:aws:iam::111111111111:role/snapferry-source", "arn:aws:iam::222222222222:role/snapferry-restore"}
    source = docs["permission policy of arn:aws:iam::111111111111:role/snapferry-source"]["document"]["Statement"]
    write = next(s for s in source if s["Sid"] == "SnapferryRotationWrite")
    assert "arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:rds:orders-prod-*" in write["Resource"]
    # Narrowed to one target: only its own role's documents and its source's key.
    only = documents(FLEETS[1], "--target", "billing-dev")
    assert all("snapferry-source" not in d["title"] for d in only), [d["title"] for d in only]


def test_the_daemon_principal_is_trusted_when_given_and_a_malformed_one_is_refused():
    docs = documents(FLEETS[1], "--daemon-principal", "arn:aws:iam::100000000000:role/snapferry-daemon")
    trust = next(d for d in docs if d["kind"] == "trust-policy")
    assert trust["document"]["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::100000000000:role/snapferry-daemon"}
    bad = subprocess.run([snapferry_binary(), "policy", "--config", str(FLEETS[1]), "--daemon-principal", "snapferry-daemon"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "--daemon-principal" in bad.stderr, bad.stderr
