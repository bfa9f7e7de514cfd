"""Contract suite: the same scenarios run against moto_server and snapferry-sim, asserting the same results.

Each test runs once per backend (`moto`, `sim`) through the `backend` fixture and checks fields and
error codes that must agree, and that AWS-ERRORS.md fixes. If the two disagree, the test fails
on the backend that deviates.

Run from /work/main after the simulator is built:

    .venv/bin/python -m pytest -q -p no:cacheprovider Tests/python/test_contract_moto_sim.py

Left out on purpose, because moto does not model them (FIELD-NOTES.md) and the two backends then
legitimately differ; test_sim_boto3.py covers them against the simulator alone:
- refusing to share an `aws/rds`-encrypted snapshot (moto shares it);
- paging with MaxRecords/Marker and the 20-100 MaxRecords range (moto ignores paging);
- `creating` -> `available` timing of snapshots, copies and restores (moto is available at once;
  here `settle()` hides the difference, and the status is compared only after it);
- key policies: KMSKeyNotAccessibleFault on copy/restore with a key the caller may not use,
  ExternalId, session expiry (moto enforces none of them);
- copy or restore from another account's shared snapshot ARN, and a renamed cluster's instances
  following the new name: stock moto gets both wrong; the moto_server.py patches fix them, and the
  tests below hold both backends to AWS's behaviour;
- throttling and fault injection (moto has neither);
- RemoveTagsFromResource on a resource that does not exist (moto answers success; AWS and the simulator
  DBClusterNotFoundFault);
- an unknown DBClusterParameterGroupName on RestoreDBClusterFromSnapshot (moto stores any name; AWS and the
  simulator refuse with DBClusterParameterGroupNotFound);
- CreateDBInstance with a malformed DBInstanceClass (moto accepts any string) or `db.serverless` in a cluster
  without ServerlessV2ScalingConfiguration (moto accepts it; AWS and the simulator answer InvalidDBClusterStateFault);
- an instance's Endpoint while it is `creating` (AWS and the simulator leave it out; moto is available at once);
- ModifyDBCluster with MasterUserPassword and ManageMasterUserPassword=true (moto accepts both; AWS and the
  simulator refuse with InvalidParameterCombination);
- the `default` DB subnet group (moto describes only the groups created; the simulator only the scenario's,
  though a restore may name `default`).
- the HTTP status of errors, apart from the codes: only the code string is compared.

test_contract_moto_sim_groups.py runs the parameter group describes on the same backends.
"""

import json
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import peers

REGION = "eu-west-1"
SOURCE, SECOND = "123456789012", "222222222222"
ROLE = f"arn:aws:iam::{SECOND}:role/snapferry-restore"
CLUSTER = "orders-prod"
SUBNET_GROUP = "orders-net"
CLUSTER_PARAMETER_GROUP = "orders-cpg16"
INSTANCE_PARAMETER_GROUP = "orders-pg16"
NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})
SETTLE_SECONDS = 6 * 3600
ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def key_policy():
    """Owner has everything; the second account may use the key for copies and restores."""
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{SOURCE}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{SECOND}:root"},
         "Action": ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                    "kms:CreateGrant"],
         "Resource": "*"},
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{SECOND}:root"},
         "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"], "Resource": "*",
         "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}}}]}


def trust_policy():
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{SOURCE}:root"}, "Action": "sts:AssumeRole"}]}


class Backend:
    """One running peer seen the same way whichever it is: clients for the source account, a way
    into the second account, and the ids the scenario seeded."""

    def __init__(self, name, url, source_key, cmk_arn):
        self.name = name
        self.url = url
        self.source_key = source_key
        self.source_account = SOURCE
        self.second_account = SECOND
        self.role_arn = ROLE
        self.cluster_id = CLUSTER
        self.cmk_arn = cmk_arn
        self.rds = self.client("rds")
        self.sts = self.client("sts")
        self.kms = self.client("kms")
        self.ec2 = self.client("ec2")

    def client(self, service, key=None, token=None):
        """A boto3 client for `service`, signed with `key` (the source account's by default)."""
        key_id, secret = key or self.source_key
        return boto3.client(service, endpoint_url=self.url, region_name=REGION, aws_access_key_id=key_id,
                            aws_secret_access_key=secret, aws_session_token=token, config=NO_RETRIES)

    def second_account_client(self, service):
        """A client acting in the second account through AssumeRole on the role it trusts us with."""
        credentials = self.sts.assume_role(RoleArn=self.role_arn, RoleSessionName="contract")["Credentials"]
        return self.client(service, key=(credentials["AccessKeyId"], credentials["SecretAccessKey"]),
                           token=credentials["SessionToken"])

    def settle(self):
        """Lets pending snapshot work finish: simulated time moves on in the sim; moto is done at once."""
        if self.name != "sim":
            return
        body = json.dumps({"seconds": SETTLE_SECONDS}).encode()
        request = urllib.request.Request(self.url + "/_sim/advance", data=body,
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200


def sim_scenario(source_key, second_key, cmk_arn):
    return {
        "start": "2026-12-01T00:00:00Z",
        "regions": [REGION],
        "accounts": [
            {"id": SOURCE, "access_keys": [{"id": source_key[0], "secret": source_key[1]}]},
            {"id": SECOND, "access_keys": [{"id": second_key[0], "secret": second_key[1]}]},
        ],
        "kms_keys": [{"arn": cmk_arn, "aliases": ["alias/snapferry"], "policy": key_policy()}],
        "roles": [{"arn": ROLE, "max_session_seconds": 3600, "trust_policy": trust_policy()}],
        "db_subnet_groups": [{"account": SOURCE, "region": REGION, "name": SUBNET_GROUP}],
        "db_cluster_parameter_groups": [{"account": SOURCE, "region": REGION, "name": CLUSTER_PARAMETER_GROUP}],
        "db_parameter_groups": [{"account": SOURCE, "region": REGION, "name": INSTANCE_PARAMETER_GROUP,
                                 "family": "aurora-postgresql16"}],
        # test_contract_moto_sim_ec2.py describes it; on moto it creates the group itself.
        "security_groups": [{"account": SOURCE, "region": REGION, "id": "sg-00000000000000ae1", "name": "orders-db"}],
        "clusters": [{"account": SOURCE, "region": REGION, "id": CLUSTER, "engine": "aurora-postgresql",
                      "engine_version": "16.4", "kms_key": cmk_arn, "size_gb": 10, "instances": 1}],
        "durations": {"snapshot_seconds_per_gb": 3, "copy_seconds_per_gb": 6},
    }


def seed_moto(url):
    """Seeds moto with signature checking still off, then turns it on. Returns (source key, CMK ARN)."""
    anon = dict(endpoint_url=url, region_name=REGION, aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                aws_secret_access_key="seed", config=NO_RETRIES)
    iam = boto3.client("iam", **anon)
    iam.create_user(UserName="snapferry")
    iam.put_user_policy(UserName="snapferry", PolicyName="all", PolicyDocument=ALLOW_ALL)
    access_key = iam.create_access_key(UserName="snapferry")["AccessKey"]
    # A role can only be made in another account by acting in it: assume it before it exists.
    seed = boto3.client("sts", **anon).assume_role(RoleArn=ROLE, RoleSessionName="seed")["Credentials"]
    scoped = dict(anon, aws_access_key_id=seed["AccessKeyId"], aws_secret_access_key=seed["SecretAccessKey"],
                  aws_session_token=seed["SessionToken"])
    second_iam = boto3.client("iam", **scoped)
    second_iam.create_role(RoleName="snapferry-restore", AssumeRolePolicyDocument=json.dumps(trust_policy()))
    second_iam.put_role_policy(RoleName="snapferry-restore", PolicyName="all", PolicyDocument=ALLOW_ALL)
    cmk_arn = boto3.client("kms", **anon).create_key(Policy=json.dumps(key_policy()))["KeyMetadata"]["Arn"]
    ec2 = boto3.client("ec2", **anon)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{n}.0/24", AvailabilityZone=f"{REGION}{zone}")["Subnet"]["SubnetId"]
               for n, zone in ((1, "a"), (2, "b"))]
    rds = boto3.client("rds", **anon)
    rds.create_db_subnet_group(DBSubnetGroupName=SUBNET_GROUP, DBSubnetGroupDescription="orders", SubnetIds=subnets)
    rds.create_db_cluster_parameter_group(DBClusterParameterGroupName=CLUSTER_PARAMETER_GROUP,
                                          DBParameterGroupFamily="aurora-postgresql16", Description="orders")
    rds.create_db_parameter_group(DBParameterGroupName=INSTANCE_PARAMETER_GROUP, DBParameterGroupFamily="aurora-postgresql16",
                                  Description="orders instances")
    rds.create_db_cluster(
        DBClusterIdentifier=CLUSTER, Engine="aurora-postgresql", EngineVersion="16.4", MasterUsername="orders",
        MasterUserPassword="not-a-real-password", StorageEncrypted=True, KmsKeyId=cmk_arn)
    peers.moto_reset_auth(url)
    return (access_key["AccessKeyId"], access_key["SecretAccessKey"]), cmk_arn


@pytest.fixture(params=["moto", "sim"])
def backend(request, tmp_path):
    if request.param == "moto":
        with peers.moto_peer(tmp_path, {"MAX_SHARED_ACCOUNTS": "20"}) as url:
            source_key, cmk_arn = seed_moto(url)
            yield Backend("moto", url, source_key, cmk_arn)
    else:
        source_key, second_key = ("AKIASOURCE0000000001", "source-secret"), ("AKIASECOND0000000001", "second-secret")
        cmk_arn = f"arn:aws:kms:{REGION}:{SOURCE}:key/0f9a8b7c-1111-2222-3333-444455556666"
        with peers.sim_peer(sim_scenario(source_key, second_key, cmk_arn), tmp_path) as url:
            yield Backend("sim", url, source_key, cmk_arn)


def error_code(call):
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response["Error"]["Code"]


def create_snapshot(backend, snapshot_id, tags=()):
    return backend.rds.create_db_cluster_snapshot(
        DBClusterSnapshotIdentifier=snapshot_id, DBClusterIdentifier=backend.cluster_id,
        Tags=[{"Key": k, "Value": v} for k, v in tags])["DBClusterSnapshot"]


def describe_snapshot(backend, snapshot_id):
    snapshots = backend.rds.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=snapshot_id)["DBClusterSnapshots"]
    assert len(snapshots) == 1
    return snapshots[0]


def restore_values(result):
    attributes = result["DBClusterSnapshotAttributesResult"]["DBClusterSnapshotAttributes"]
    return sorted(v for a in attributes if a["AttributeName"] == "restore" for v in a.get("AttributeValues", []))


def test_source_cluster_is_encrypted_under_the_cmk_and_available(backend):
    cluster = backend.rds.describe_db_clusters(DBClusterIdentifier=backend.cluster_id)["DBClusters"][0]
    assert cluster["DBClusterIdentifier"] == backend.cluster_id
    assert cluster["Status"] == "available"
    assert cluster["StorageEncrypted"] is True
    assert cluster["KmsKeyId"] == backend.cmk_arn
    assert backend.kms.describe_key(KeyId=backend.cmk_arn)["KeyMetadata"]["Arn"] == backend.cmk_arn


def test_create_snapshot_lowercases_the_identifier_and_returns_its_tags(backend):
    created = create_snapshot(backend, "Contract-Snap-A", tags=[("team", "orders"), ("owner", "snapferry")])
    assert created["DBClusterSnapshotIdentifier"] == "contract-snap-a"
    assert created["DBClusterIdentifier"] == backend.cluster_id
    assert created["SnapshotType"] == "manual"
    assert created["StorageEncrypted"] is True
    assert created["KmsKeyId"] == backend.cmk_arn
    assert created["Engine"] == "aurora-postgresql"
    expected_arn = f"arn:aws:rds:{REGION}:{backend.source_account}:cluster-snapshot:contract-snap-a"
    assert created["DBClusterSnapshotArn"] == expected_arn
    assert sorted((t["Key"], t["Value"]) for t in created["TagList"]) == [("owner", "snapferry"), ("team", "orders")]
    backend.settle()
    assert describe_snapshot(backend, "CONTRACT-SNAP-A")["Status"] == "available"


def test_describe_snapshot_by_id_by_cluster_and_by_filter_finds_the_same_snapshot(backend):
    create_snapshot(backend, "contract-snap-b")
    backend.settle()
    by_id = describe_snapshot(backend, "contract-snap-b")
    assert by_id["DBClusterSnapshotIdentifier"] == "contract-snap-b"
    by_cluster = backend.rds.describe_db_cluster_snapshots(
        DBClusterIdentifier=backend.cluster_id, SnapshotType="manual")["DBClusterSnapshots"]
    assert [s["DBClusterSnapshotIdentifier"] for s in by_cluster] == ["contract-snap-b"]
    by_filter = backend.rds.describe_db_cluster_snapshots(
        Filters=[{"Name": "db-cluster-id", "Values": [backend.cluster_id]}])["DBClusterSnapshots"]
    assert [s["DBClusterSnapshotIdentifier"] for s in by_filter if s["SnapshotType"] == "manual"] == ["contract-snap-b"]
    by_id_filter = backend.rds.describe_db_cluster_snapshots(
        Filters=[{"Name": "db-cluster-snapshot-id", "Values": ["contract-snap-b"]}])["DBClusterSnapshots"]
    assert [s["DBClusterSnapshotArn"] for s in by_id_filter] == [by_id["DBClusterSnapshotArn"]]


def test_creating_a_snapshot_with_an_existing_identifier_is_refused(backend):
    create_snapshot(backend, "contract-snap-c")
    assert error_code(lambda: create_snapshot(backend, "Contract-Snap-C")) == "DBClusterSnapshotAlreadyExistsFault"


def test_snapshot_of_a_missing_cluster_is_refused_with_cluster_not_found(backend):
    code = error_code(lambda: backend.rds.create_db_cluster_snapshot(
        DBClusterSnapshotIdentifier="contract-orphan", DBClusterIdentifier="no-such-cluster"))
    assert code == "DBClusterNotFoundFault"


def test_copy_with_kms_key_gives_a_describable_encrypted_copy(backend):
    create_snapshot(backend, "contract-source")
    backend.settle()
    copy = backend.rds.copy_db_cluster_snapshot(
        SourceDBClusterSnapshotIdentifier="contract-source", TargetDBClusterSnapshotIdentifier="contract-copy",
        KmsKeyId=backend.cmk_arn)["DBClusterSnapshot"]
    assert copy["DBClusterSnapshotIdentifier"] == "contract-copy"
    assert copy["KmsKeyId"] == backend.cmk_arn
    backend.settle()
    described = describe_snapshot(backend, "contract-copy")
    assert described["DBClusterSnapshotIdentifier"] == "contract-copy"
    assert described["DBClusterIdentifier"] == backend.cluster_id
    assert described["KmsKeyId"] == backend.cmk_arn
    assert described["StorageEncrypted"] is True
    assert described["Status"] == "available"


def test_copy_onto_an_existing_identifier_is_refused(backend):
    create_snapshot(backend, "contract-source")
    create_snapshot(backend, "contract-taken")
    backend.settle()
    code = error_code(lambda: backend.rds.copy_db_cluster_snapshot(
        SourceDBClusterSnapshotIdentifier="contract-source", TargetDBClusterSnapshotIdentifier="contract-taken",
        KmsKeyId=backend.cmk_arn))
    assert code == "DBClusterSnapshotAlreadyExistsFault"


def test_copy_of_a_missing_source_is_refused_with_snapshot_not_found(backend):
    code = error_code(lambda: backend.rds.copy_db_cluster_snapshot(
        SourceDBClusterSnapshotIdentifier="no-such-snapshot", TargetDBClusterSnapshotIdentifier="contract-copy",
        KmsKeyId=backend.cmk_arn))
    assert code == "DBClusterSnapshotNotFoundFault"


def test_deleted_snapshot_is_gone_from_describe(backend):
    create_snapshot(backend, "contract-doomed")
    backend.settle()
    deleted = backend.rds.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier="contract-doomed")["DBClusterSnapshot"]
    assert deleted["DBClusterSnapshotIdentifier"] == "contract-doomed"
    backend.settle()
    code = error_code(lambda: backend.rds.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier="contract-doomed"))
    assert code == "DBClusterSnapshotNotFoundFault"


def test_deleting_a_missing_snapshot_is_refused_with_snapshot_not_found(backend):
    code = error_code(lambda: backend.rds.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier="no-such-snapshot"))
    assert code == "DBClusterSnapshotNotFoundFault"


def test_added_tags_are_listed_with_the_creation_tags(backend):
    arn = create_snapshot(backend, "contract-tagged", tags=[("team", "orders")])["DBClusterSnapshotArn"]
    backend.settle()
    backend.rds.add_tags_to_resource(ResourceName=arn, Tags=[{"Key": "snapferry:managed", "Value": "true"},
                                                             {"Key": "team", "Value": "payments"}])
    tags = backend.rds.list_tags_for_resource(ResourceName=arn)["TagList"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("snapferry:managed", "true"), ("team", "payments")]
    described = describe_snapshot(backend, "contract-tagged")
    assert sorted((t["Key"], t["Value"]) for t in described["TagList"]) == sorted((t["Key"], t["Value"]) for t in tags)


def test_share_attribute_add_and_remove_are_reflected_in_describe_attributes(backend):
    create_snapshot(backend, "contract-shared")
    backend.settle()
    other = "333333333333"
    added = backend.rds.modify_db_cluster_snapshot_attribute(
        DBClusterSnapshotIdentifier="contract-shared", AttributeName="restore",
        ValuesToAdd=[backend.second_account, other])
    assert restore_values(added) == sorted([backend.second_account, other])
    assert added["DBClusterSnapshotAttributesResult"]["DBClusterSnapshotIdentifier"] == "contract-shared"
    described = backend.rds.describe_db_cluster_snapshot_attributes(DBClusterSnapshotIdentifier="contract-shared")
    assert restore_values(described) == sorted([backend.second_account, other])
    removed = backend.rds.modify_db_cluster_snapshot_attribute(
        DBClusterSnapshotIdentifier="contract-shared", AttributeName="restore", ValuesToRemove=[other])
    assert restore_values(removed) == [backend.second_account]
    described = backend.rds.describe_db_cluster_snapshot_attributes(DBClusterSnapshotIdentifier="contract-shared")
    assert restore_values(described) == [backend.second_account]


def test_sharing_with_a_21st_account_is_refused_with_shared_snapshot_quota_exceeded(backend):
    create_snapshot(backend, "contract-popular")
    backend.settle()
    accounts = [f"3000000000{n:02d}" for n in range(21)]
    result = backend.rds.modify_db_cluster_snapshot_attribute(
        DBClusterSnapshotIdentifier="contract-popular", AttributeName="restore", ValuesToAdd=accounts[:20])
    assert restore_values(result) == accounts[:20]
    code = error_code(lambda: backend.rds.modify_db_cluster_snapshot_attribute(
        DBClusterSnapshotIdentifier="contract-popular", AttributeName="restore", ValuesToAdd=[accounts[20]]))
    assert code == "SharedSnapshotQuotaExceeded"  # AWS-ERRORS.md row 2: the wire code drops "Fault"
    described = backend.rds.describe_db_cluster_snapshot_attributes(DBClusterSnapshotIdentifier="contract-popular")
    assert restore_values(described) == accounts[:20]


def test_describing_a_missing_cluster_is_refused_with_cluster_not_found(backend):
    code = error_code(lambda: backend.rds.describe_db_clusters(DBClusterIdentifier="no-such-cluster"))
    assert code == "DBClusterNotFoundFault"


def test_describing_a_missing_snapshot_is_refused_with_snapshot_not_found(backend):
    code = error_code(lambda: backend.rds.describe_db_cluster_snapshots(
        DBClusterSnapshotIdentifier="no-such-snapshot"))
    assert code == "DBClusterSnapshotNotFoundFault"


def test_assume_role_switches_get_caller_identity_to_the_second_account(backend):
    assert backend.sts.get_caller_identity()["Account"] == backend.source_account
    identity = backend.second_account_client("sts").get_caller_identity()
    assert identity["Account"] == backend.second_account
    assert identity["Arn"] == f"arn:aws:sts::{backend.second_account}:assumed-role/snapferry-restore/contract"


def test_second_account_sees_its_own_empty_world_not_the_source_cluster(backend):
    rds = backend.second_account_client("rds")
    code = error_code(lambda: rds.describe_db_clusters(DBClusterIdentifier=backend.cluster_id))
    assert code == "DBClusterNotFoundFault"


def test_wrong_secret_is_refused_with_signature_does_not_match(backend):
    wrong = backend.client("sts", key=(backend.source_key[0], "not-the-secret"))
    assert error_code(wrong.get_caller_identity) == "SignatureDoesNotMatch"
    wrong_rds = backend.client("rds", key=(backend.source_key[0], "not-the-secret"))
    assert error_code(wrong_rds.describe_db_clusters) == "SignatureDoesNotMatch"


def share_a_snapshot_with_the_second_account(backend, snapshot_id):
    arn = create_snapshot(backend, snapshot_id)["DBClusterSnapshotArn"]
    backend.settle()
    # A new session for each call: settle() moves the simulator's clock past a session's hour.
    rds = lambda: backend.second_account_client("rds")
    restore = lambda name: rds().restore_db_cluster_from_snapshot(DBClusterIdentifier=name, SnapshotIdentifier=arn,
                                                                  Engine="aurora-postgresql")["DBCluster"]
    return rds, arn, restore


def test_a_snapshot_of_another_account_is_restored_by_its_arn_only_once_shared(backend):
    rds, arn, restore = share_a_snapshot_with_the_second_account(backend, "contract-shared")
    assert error_code(lambda: restore("restored")) == "DBClusterSnapshotNotFoundFault"
    backend.rds.modify_db_cluster_snapshot_attribute(DBClusterSnapshotIdentifier="contract-shared", AttributeName="restore",
                                                     ValuesToAdd=[backend.second_account])
    cluster = restore("restored")
    assert cluster["DBClusterArn"] == f"arn:aws:rds:{REGION}:{backend.second_account}:cluster:restored"
    backend.settle()
    assert [c["DBClusterIdentifier"] for c in rds().describe_db_clusters()["DBClusters"]] == ["restored"]
    assert error_code(lambda: backend.rds.describe_db_clusters(DBClusterIdentifier="restored")) == "DBClusterNotFoundFault"


def test_a_renamed_cluster_takes_its_instances_along_and_a_taken_name_is_refused(backend):
    rds, arn, restore = share_a_snapshot_with_the_second_account(backend, "contract-rename")
    backend.rds.modify_db_cluster_snapshot_attribute(DBClusterSnapshotIdentifier="contract-rename", AttributeName="restore",
                                                     ValuesToAdd=[backend.second_account])
    restore("team-new")
    restore("team-other")
    backend.settle()
    rds().create_db_instance(DBInstanceIdentifier="team-new-1", DBClusterIdentifier="team-new", Engine="aurora-postgresql",
                           DBInstanceClass="db.r6g.large")
    backend.settle()
    rds().modify_db_cluster(DBClusterIdentifier="team-new", NewDBClusterIdentifier="team", ApplyImmediately=True)
    backend.settle()
    instance = rds().describe_db_instances(DBInstanceIdentifier="team-new-1")["DBInstances"][0]
    assert instance["DBClusterIdentifier"] == "team"
    members = rds().describe_db_clusters(DBClusterIdentifier="team")["DBClusters"][0]["DBClusterMembers"]
    assert [m["DBInstanceIdentifier"] for m in members] == ["team-new-1"]
    code = error_code(lambda: rds().modify_db_cluster(DBClusterIdentifier="team", NewDBClusterIdentifier="team-other",
                                                    ApplyImmediately=True))
    assert code == "DBClusterAlreadyExistsFault"


def test_subnet_groups_are_described_by_name_and_all_and_a_missing_one_is_refused(backend):
    by_name = backend.rds.describe_db_subnet_groups(DBSubnetGroupName="Orders-Net")["DBSubnetGroups"]
    assert [g["DBSubnetGroupName"] for g in by_name] == [SUBNET_GROUP]
    group = by_name[0]
    assert group["DBSubnetGroupArn"] == f"arn:aws:rds:{REGION}:{backend.source_account}:subgrp:{SUBNET_GROUP}"
    assert group["SubnetGroupStatus"] == "Complete"
    assert sorted(s["SubnetAvailabilityZone"]["Name"] for s in group["Subnets"]) == [f"{REGION}a", f"{REGION}b"]
    assert [g["DBSubnetGroupName"] for g in backend.rds.describe_db_subnet_groups()["DBSubnetGroups"]] == [SUBNET_GROUP]
    code = error_code(lambda: backend.rds.describe_db_subnet_groups(DBSubnetGroupName="no-such-group"))
    assert code == "DBSubnetGroupNotFoundFault"


def test_removed_tags_are_gone_and_keys_the_resource_lacks_are_ignored(backend):
    arn = create_snapshot(backend, "contract-untag", tags=[("team", "orders"), ("owner", "ops"), ("tier", "1")])["DBClusterSnapshotArn"]
    backend.settle()
    backend.rds.remove_tags_from_resource(ResourceName=arn, TagKeys=["team", "tier", "never-set"])
    assert backend.rds.list_tags_for_resource(ResourceName=arn)["TagList"] == [{"Key": "owner", "Value": "ops"}]


def restore_in_source_account(backend, name, **settings):
    create_snapshot(backend, f"{name}-snap")
    backend.settle()
    restored = backend.rds.restore_db_cluster_from_snapshot(DBClusterIdentifier=name, SnapshotIdentifier=f"{name}-snap",
                                                            Engine="aurora-postgresql", **settings)["DBCluster"]
    backend.settle()
    return restored


def test_a_restore_keeps_its_cluster_parameter_group_and_serverless_v2_scaling(backend):
    restore_in_source_account(backend, "contract-sv2", DBClusterParameterGroupName=CLUSTER_PARAMETER_GROUP,
                              ServerlessV2ScalingConfiguration={"MinCapacity": 0.5, "MaxCapacity": 8})
    restore_in_source_account(backend, "contract-default", DBClusterParameterGroupName="default.aurora-postgresql16")
    clusters = {c["DBClusterIdentifier"]: c for c in backend.rds.describe_db_clusters()["DBClusters"]}
    scaled, default = clusters["contract-sv2"], clusters["contract-default"]
    assert scaled["DBClusterParameterGroup"] == CLUSTER_PARAMETER_GROUP
    assert scaled["ServerlessV2ScalingConfiguration"] == {"MinCapacity": 0.5, "MaxCapacity": 8.0}
    assert scaled["Port"] == 5432
    assert scaled["Endpoint"].startswith("contract-sv2.cluster-")
    assert scaled["ReaderEndpoint"].startswith("contract-sv2.cluster-ro-")
    assert default["DBClusterParameterGroup"] == "default.aurora-postgresql16"
    assert "ServerlessV2ScalingConfiguration" not in default


def test_an_instance_with_another_engine_or_a_missing_parameter_group_is_refused(backend):
    restore_in_source_account(backend, "contract-rules")
    create = lambda **changes: backend.rds.create_db_instance(**{
        "DBInstanceIdentifier": "contract-rules-1", "DBClusterIdentifier": "contract-rules", "Engine": "aurora-postgresql",
        "DBInstanceClass": "db.r6g.large", **changes})
    assert error_code(lambda: create(Engine="aurora-mysql")) == "InvalidParameterCombination"
    assert error_code(lambda: create(DBParameterGroupName="no-such-group")) == "DBParameterGroupNotFound"
    instances = backend.rds.describe_db_instances(Filters=[{"Name": "db-cluster-id", "Values": ["contract-rules"]}])
    assert instances["DBInstances"] == []


def test_a_created_instance_has_an_endpoint_on_the_postgres_port_and_the_default_parameter_group(backend):
    restore_in_source_account(backend, "contract-ep")
    backend.rds.create_db_instance(DBInstanceIdentifier="contract-ep-1", DBClusterIdentifier="contract-ep",
                                   Engine="aurora-postgresql", DBInstanceClass="db.r6g.large")
    backend.settle()
    instance = backend.rds.describe_db_instances(DBInstanceIdentifier="contract-ep-1")["DBInstances"][0]
    assert instance["DBInstanceStatus"] == "available"
    assert instance["Endpoint"]["Address"].startswith("contract-ep-1.")
    assert instance["Endpoint"]["Address"].endswith(f".{REGION}.rds.amazonaws.com")
    assert instance["Endpoint"]["Port"] == 5432
    assert [g["DBParameterGroupName"] for g in instance["DBParameterGroups"]] == ["default.aurora-postgresql16"]
