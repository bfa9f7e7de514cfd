"""boto3 against the built `snapferry-sim` binary: the issue's "Done when" list.

Builds nothing. Run after `swift build --product snapferry-sim`:

    SNAPFERRY_SIM_BIN=.build/debug/snapferry-sim .venv/bin/python -m pytest Tests/python/test_sim_boto3.py

The simulator has no CreateDBCluster, so the encrypted source cluster is seeded
in the scenario (`clusters`), as are the 150 snapshots that are paged through.
"""

import json
import urllib.error
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import peers

REGION = "eu-west-1"
PROD, DEV = "111111111111", "222222222222"
PROD_KEY = ("AKIAPROD000000000001", "prod-secret")
DEV_KEY = ("AKIADEV0000000000001", "dev-secret")
CMK = "arn:aws:kms:eu-west-1:111111111111:key/0f9a8b7c-1111-2222-3333-444455556666"
ROLE = "arn:aws:iam::222222222222:role/snapferry-restore"
SECURITY_GROUP, DEV_SECURITY_GROUP = "sg-00000000000000ae1", "sg-00000000000000de1"
NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})


def owner_only_policy():
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PROD}:root"}, "Action": "kms:*", "Resource": "*"}]}


def shared_policy():
    policy = owner_only_policy()
    policy["Statement"] += [{
        "Effect": "Allow", "Principal": {"AWS": [f"arn:aws:iam::{DEV}:root"]},
        "Action": ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                   "kms:CreateGrant"],
        "Resource": "*"}, {
        "Effect": "Allow", "Principal": {"AWS": [f"arn:aws:iam::{DEV}:root"]},
        "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"], "Resource": "*",
        "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}}}]
    return policy


def scenario(throttle=None):
    reports = [{"account": PROD, "region": REGION, "id": f"report-{n:03d}", "cluster": "reports-prod",
                "created": f"2026-11-{1 + n % 28:02d}T02:{n % 60:02d}:00Z", "tags": {}} for n in range(1, 151)]
    return {
        "start": "2026-12-01T00:00:00Z",
        "regions": [REGION],
        "accounts": [
            {"id": PROD, "access_keys": [{"id": PROD_KEY[0], "secret": PROD_KEY[1]}],
             "quotas": {"manual_cluster_snapshots": 400}},
            {"id": DEV, "access_keys": [{"id": DEV_KEY[0], "secret": DEV_KEY[1]}]},
        ],
        "kms_keys": [{"arn": CMK, "aliases": ["alias/snapferry"], "policy": owner_only_policy()}],
        "roles": [{"arn": ROLE, "max_session_seconds": 3600, "trust_policy": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PROD}:root"}, "Action": "sts:AssumeRole"}]}}],
        "clusters": [
            {"account": PROD, "region": REGION, "id": "orders-prod", "engine": "aurora-postgresql",
             "engine_version": "16.4", "kms_key": "alias/snapferry", "size_gb": 10, "instances": 2},
            {"account": PROD, "region": REGION, "id": "legacy-prod", "kms_key": "alias/aws/rds", "size_gb": 10,
             "instances": 1},
            {"account": PROD, "region": REGION, "id": "reports-prod", "kms_key": "alias/snapferry", "size_gb": 5,
             "instances": 1},
        ],
        "cluster_snapshots": reports + [
            {"account": PROD, "region": REGION, "id": "legacy-manual", "cluster": "legacy-prod",
             "created": "2026-11-20T02:00:00Z"},
            {"account": PROD, "region": REGION, "id": "orders-manual", "cluster": "orders-prod",
             "created": "2026-11-20T02:00:00Z"},
        ],
        "db_subnet_groups": [{"account": PROD, "region": REGION, "name": "orders-net"}],
        "db_cluster_parameter_groups": [{"account": PROD, "region": REGION, "name": "Orders-CPG16"}] + [
            {"account": DEV, "region": REGION, "name": f"team-{n:02d}", "family": "aurora-mysql8.0"} for n in range(25)],
        "db_parameter_groups": [{"account": PROD, "region": REGION, "name": "orders-instance",
                                 "family": "aurora-postgresql16"}],
        "security_groups": [{"account": PROD, "region": REGION, "id": SECURITY_GROUP, "name": "orders-db"},
                            {"account": DEV, "region": REGION, "id": DEV_SECURITY_GROUP}],
        "durations": {"snapshot_seconds_per_gb": 3, "restore_seconds": [900, 900], "instance_seconds": [600, 600]},
        "throttle": throttle,
    }


class Sim:
    """A running snapferry-sim process and clients for it."""

    def __init__(self, url):
        self.url = url

    def client(self, service, key=PROD_KEY, token=None):
        return boto3.client(service, endpoint_url=self.url, region_name=REGION, aws_access_key_id=key[0],
                            aws_secret_access_key=key[1], aws_session_token=token, config=NO_RETRIES)

    def admin(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def advance(self, seconds):
        status, body = self.admin("POST", "/_sim/advance", {"seconds": seconds})
        assert status == 200, body
        return body["now"]


@pytest.fixture
def sim(tmp_path):
    with peers.sim_peer(scenario(), tmp_path) as url:
        yield Sim(url)


def error_code(call):
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response["Error"]["Code"]


def test_encrypted_cluster_snapshot_goes_creating_then_available_as_time_advances(sim):
    rds = sim.client("rds")
    cluster = rds.describe_db_clusters(DBClusterIdentifier="orders-prod")["DBClusters"][0]
    assert cluster["StorageEncrypted"] is True
    assert cluster["KmsKeyId"] == CMK

    created = rds.create_db_cluster_snapshot(DBClusterSnapshotIdentifier="nightly-1",
                                             DBClusterIdentifier="orders-prod")["DBClusterSnapshot"]
    assert created["Status"] == "creating"
    assert created["KmsKeyId"] == CMK

    def status():
        return rds.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier="nightly-1")["DBClusterSnapshots"][0]["Status"]

    sim.advance(10)  # 10 GB at 3 s/GB takes 30 s
    assert status() == "creating"
    sim.advance(25)
    assert status() == "available"


def test_paginator_pages_150_snapshots_20_at_a_time(sim):
    paginator = sim.client("rds").get_paginator("describe_db_cluster_snapshots")
    pages = list(paginator.paginate(DBClusterIdentifier="reports-prod", SnapshotType="manual",
                                    PaginationConfig={"PageSize": 20}))
    sizes = [len(page["DBClusterSnapshots"]) for page in pages]
    assert sizes == [20] * 7 + [10]
    ids = [s["DBClusterSnapshotIdentifier"] for page in pages for s in page["DBClusterSnapshots"]]
    assert sorted(ids) == [f"report-{n:03d}" for n in range(1, 151)]


def test_sharing_an_aws_rds_encrypted_snapshot_is_refused(sim):
    rds = sim.client("rds")
    code = error_code(lambda: rds.modify_db_cluster_snapshot_attribute(
        DBClusterSnapshotIdentifier="legacy-manual", AttributeName="restore", ValuesToAdd=[DEV]))
    assert code == "InvalidParameterValue"


def test_sharing_with_a_21st_account_is_refused(sim):
    rds = sim.client("rds")
    accounts = [f"3000000000{n:02d}" for n in range(21)]
    result = rds.modify_db_cluster_snapshot_attribute(
        DBClusterSnapshotIdentifier="orders-manual", AttributeName="restore", ValuesToAdd=accounts[:20])
    values = result["DBClusterSnapshotAttributesResult"]["DBClusterSnapshotAttributes"][0]["AttributeValues"]
    assert sorted(values) == accounts[:20]
    code = error_code(lambda: rds.modify_db_cluster_snapshot_attribute(
        DBClusterSnapshotIdentifier="orders-manual", AttributeName="restore", ValuesToAdd=[accounts[20]]))
    assert code == "SharedSnapshotQuotaExceeded"


def test_restore_in_second_account_needs_the_key_policy_to_name_it(sim):
    prod, dev = sim.client("rds"), sim.client("rds", key=DEV_KEY)
    prod.modify_db_cluster_snapshot_attribute(
        DBClusterSnapshotIdentifier="orders-manual", AttributeName="restore", ValuesToAdd=[DEV])
    snapshot = prod.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier="orders-manual")["DBClusterSnapshots"][0]
    arn = snapshot["DBClusterSnapshotArn"]
    assert snapshot["KmsKeyId"] == CMK

    def restore():
        return dev.restore_db_cluster_from_snapshot(DBClusterIdentifier="orders-restore", SnapshotIdentifier=arn,
                                                    Engine="aurora-postgresql")

    assert error_code(restore) == "KMSKeyNotAccessibleFault"
    status, body = sim.admin("POST", "/_sim/key-policy", {"key_arn": CMK, "policy": shared_policy()})
    assert status == 200, body
    cluster = restore()["DBCluster"]
    assert cluster["DBClusterIdentifier"] == "orders-restore"
    assert cluster["Status"] == "creating"
    assert cluster["KmsKeyId"] == CMK
    sim.advance(901)
    described = dev.describe_db_clusters(DBClusterIdentifier="orders-restore")["DBClusters"][0]
    assert described["Status"] == "available"
    assert described["DBClusterArn"].startswith(f"arn:aws:rds:{REGION}:{DEV}:cluster:")


def test_assume_role_into_second_account_and_get_caller_identity(sim):
    assert sim.client("sts").get_caller_identity()["Account"] == PROD
    credentials = sim.client("sts").assume_role(RoleArn=ROLE, RoleSessionName="snapferry")["Credentials"]
    assumed = sim.client("sts", key=(credentials["AccessKeyId"], credentials["SecretAccessKey"]),
                         token=credentials["SessionToken"])
    identity = assumed.get_caller_identity()
    assert identity["Account"] == DEV
    assert identity["Arn"] == "arn:aws:sts::222222222222:assumed-role/snapferry-restore/snapferry"


def test_exceeding_the_rate_gets_throttling_exception(sim):
    status, body = sim.admin("POST", "/_sim/scenario", scenario(throttle={"burst": 3, "rate_per_second": 0.01}))
    assert status == 200, body
    rds = sim.client("rds")
    for _ in range(3):
        rds.describe_db_clusters()
    assert error_code(rds.describe_db_clusters) == "ThrottlingException"
    _, calls = sim.admin("GET", "/_sim/calls")
    assert [c["code"] for c in calls["calls"]] == [None, None, None, "ThrottlingException"]
    assert calls["counts"] == {"rds:DescribeDBClusters": 4}


def test_kms_describe_key_by_alias(sim):
    metadata = sim.client("kms").describe_key(KeyId="alias/snapferry")["KeyMetadata"]
    assert metadata["Arn"] == CMK
    assert metadata["KeyManager"] == "CUSTOMER"
    assert metadata["Enabled"] is True
    assert error_code(lambda: sim.client("kms").describe_key(KeyId="alias/missing")) == "NotFoundException"


def test_wrong_secret_and_unknown_key_are_refused_as_aws_does(sim):
    wrong = sim.client("sts", key=(PROD_KEY[0], "not-the-secret"))
    assert error_code(wrong.get_caller_identity) == "SignatureDoesNotMatch"
    stranger = sim.client("rds", key=("AKIAUNKNOWN000000000", "whatever"))
    assert error_code(stranger.describe_db_clusters) == "InvalidClientTokenId"


def test_invalid_scenario_is_refused_with_its_location(sim):
    status, body = sim.admin("POST", "/_sim/scenario", {"start": "2026-12-01T00:00:00Z", "accounts": [{"id": 7}]})
    assert status == 400
    assert "accounts[0].id" in body["error"]


def restored_cluster(sim, name, **settings):
    """Restores `legacy-manual` (aws/rds, in PROD) as `name` and waits until it is available."""
    rds = sim.client("rds")
    rds.restore_db_cluster_from_snapshot(DBClusterIdentifier=name, SnapshotIdentifier="legacy-manual",
                                         Engine="aurora-postgresql", **settings)
    sim.advance(901)
    return rds


def test_the_default_subnet_group_is_not_described_and_max_records_is_bounded(sim):
    rds = sim.client("rds")
    assert error_code(lambda: rds.describe_db_subnet_groups(DBSubnetGroupName="default")) == "DBSubnetGroupNotFoundFault"
    assert error_code(lambda: rds.describe_db_subnet_groups(MaxRecords=19)) == "InvalidParameterValue"
    assert [g["DBSubnetGroupName"] for g in rds.describe_db_subnet_groups(MaxRecords=20)["DBSubnetGroups"]] == ["orders-net"]


def error_of(call):
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response["Error"]["Code"], caught.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_a_subnet_group_is_described_in_botocores_shape_and_a_missing_one_is_a_404_fault(sim):
    rds = sim.client("rds")
    group = rds.describe_db_subnet_groups(DBSubnetGroupName="ORDERS-NET")["DBSubnetGroups"][0]
    assert set(group) == {"DBSubnetGroupName", "DBSubnetGroupDescription", "VpcId", "SubnetGroupStatus", "Subnets",
                          "DBSubnetGroupArn"}
    assert group["DBSubnetGroupArn"] == f"arn:aws:rds:{REGION}:{PROD}:subgrp:orders-net"
    assert [(s["SubnetAvailabilityZone"]["Name"], s["SubnetStatus"]) for s in group["Subnets"]] == [
        (f"{REGION}a", "Active"), (f"{REGION}b", "Active")]
    assert error_of(lambda: rds.describe_db_subnet_groups(DBSubnetGroupName="no-such-net")) == ("DBSubnetGroupNotFoundFault", 404)


def test_cluster_parameter_groups_are_the_accounts_own_and_the_defaults_its_clusters_use(sim):
    rds = sim.client("rds")
    groups = rds.describe_db_cluster_parameter_groups()["DBClusterParameterGroups"]
    assert [(g["DBClusterParameterGroupName"], g["DBParameterGroupFamily"]) for g in groups] == [
        ("default.aurora-postgresql16", "aurora-postgresql16"), ("orders-cpg16", "aurora-postgresql16")]
    assert set(groups[0]) == {"DBClusterParameterGroupName", "DBParameterGroupFamily", "Description",
                              "DBClusterParameterGroupArn"}
    assert groups[0]["Description"] == "Default cluster parameter group for aurora-postgresql16"
    assert groups[1]["DBClusterParameterGroupArn"] == f"arn:aws:rds:{REGION}:{PROD}:cluster-pg:orders-cpg16"
    by_name = rds.describe_db_cluster_parameter_groups(DBClusterParameterGroupName="ORDERS-cpg16")
    assert by_name["DBClusterParameterGroups"] == [groups[1]]
    default = rds.describe_db_cluster_parameter_groups(DBClusterParameterGroupName="default.aurora-mysql8.0")
    assert default["DBClusterParameterGroups"][0]["DBParameterGroupFamily"] == "aurora-mysql8.0"
    # botocore's model gives this operation DBParameterGroupNotFound, not DBClusterParameterGroupNotFound.
    assert error_of(lambda: rds.describe_db_cluster_parameter_groups(
        DBClusterParameterGroupName="no-such-group")) == ("DBParameterGroupNotFound", 404)
    assert error_code(lambda: rds.describe_db_cluster_parameter_groups(MaxRecords=101)) == "InvalidParameterValue"


def test_the_paginator_walks_25_cluster_parameter_groups_20_at_a_time(sim):
    paginator = sim.client("rds", key=DEV_KEY).get_paginator("describe_db_cluster_parameter_groups")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 20}))
    assert [len(p["DBClusterParameterGroups"]) for p in pages] == [20, 5]
    names = [g["DBClusterParameterGroupName"] for p in pages for g in p["DBClusterParameterGroups"]]
    assert names == [f"team-{n:02d}" for n in range(25)]
    assert {g["DBParameterGroupFamily"] for p in pages for g in p["DBClusterParameterGroups"]} == {"aurora-mysql8.0"}


def test_db_parameter_groups_are_the_accounts_own_and_the_defaults_its_instances_use(sim):
    rds = sim.client("rds")
    groups = rds.describe_db_parameter_groups()["DBParameterGroups"]
    assert groups == [
        {"DBParameterGroupName": "default.aurora-postgresql16", "DBParameterGroupFamily": "aurora-postgresql16",
         "Description": "Default parameter group for aurora-postgresql16",
         "DBParameterGroupArn": f"arn:aws:rds:{REGION}:{PROD}:pg:default.aurora-postgresql16"},
        {"DBParameterGroupName": "orders-instance", "DBParameterGroupFamily": "aurora-postgresql16",
         "Description": "DB parameter group orders-instance",
         "DBParameterGroupArn": f"arn:aws:rds:{REGION}:{PROD}:pg:orders-instance"}]
    assert rds.describe_db_parameter_groups(DBParameterGroupName="Orders-Instance")["DBParameterGroups"] == [groups[1]]
    assert error_of(lambda: rds.describe_db_parameter_groups(DBParameterGroupName="no-such-group")) == (
        "DBParameterGroupNotFound", 404)
    dev = sim.client("rds", key=DEV_KEY)
    assert dev.describe_db_parameter_groups()["DBParameterGroups"] == []
    assert error_code(lambda: dev.describe_db_parameter_groups(DBParameterGroupName="orders-instance")) == "DBParameterGroupNotFound"


def test_removing_tags_from_a_missing_cluster_is_refused(sim):
    rds = sim.client("rds")
    code = error_code(lambda: rds.remove_tags_from_resource(
        ResourceName=f"arn:aws:rds:{REGION}:{PROD}:cluster:no-such-cluster", TagKeys=["team"]))
    assert code == "DBClusterNotFoundFault"


def test_a_restore_naming_a_missing_cluster_parameter_group_is_refused_and_creates_nothing(sim):
    rds = sim.client("rds")
    code = error_code(lambda: rds.restore_db_cluster_from_snapshot(
        DBClusterIdentifier="orders-restore", SnapshotIdentifier="legacy-manual", Engine="aurora-postgresql",
        DBClusterParameterGroupName="no-such-group"))
    assert code == "DBClusterParameterGroupNotFound"
    assert error_code(lambda: rds.describe_db_clusters(DBClusterIdentifier="orders-restore")) == "DBClusterNotFoundFault"


def test_create_instance_refuses_a_malformed_class_and_serverless_without_scaling(sim):
    rds = restored_cluster(sim, "provisioned")
    create = lambda name, cls, cluster="provisioned": rds.create_db_instance(
        DBInstanceIdentifier=name, DBClusterIdentifier=cluster, Engine="aurora-postgresql", DBInstanceClass=cls)
    assert error_code(lambda: create("bad-1", "r6g.large")) == "InvalidParameterValue"
    assert error_code(lambda: create("bad-2", "db.large")) == "InvalidParameterValue"
    assert error_code(lambda: create("sv2-1", "db.serverless")) == "InvalidDBClusterStateFault"
    restored_cluster(sim, "elastic", ServerlessV2ScalingConfiguration={"MinCapacity": 0.5, "MaxCapacity": 4})
    assert create("sv2-2", "db.serverless", cluster="elastic")["DBInstance"]["DBInstanceClass"] == "db.serverless"
    assert [i["DBInstanceIdentifier"] for i in rds.describe_db_instances(
        Filters=[{"Name": "db-cluster-id", "Values": ["provisioned", "elastic"]}])["DBInstances"]] == ["sv2-2"]


def test_an_instance_endpoint_appears_once_it_is_created(sim):
    rds = restored_cluster(sim, "orders-restore")
    created = rds.create_db_instance(DBInstanceIdentifier="orders-restore-1", DBClusterIdentifier="orders-restore",
                                     Engine="aurora-postgresql", DBInstanceClass="db.r6g.large")["DBInstance"]
    assert created["DBInstanceStatus"] == "creating"
    assert "Endpoint" not in created
    sim.advance(600)
    instance = rds.describe_db_instances(DBInstanceIdentifier="orders-restore-1")["DBInstances"][0]
    cluster = rds.describe_db_clusters(DBClusterIdentifier="orders-restore")["DBClusters"][0]
    token = cluster["Endpoint"].split(".")[1][len("cluster-"):]
    assert instance["DBInstanceStatus"] == "available"
    assert instance["Endpoint"]["Address"] == f"orders-restore-1.{token}.{REGION}.rds.amazonaws.com"
    assert instance["Endpoint"]["Port"] == 5432 == cluster["Port"]
    assert instance["Endpoint"]["HostedZoneId"].startswith("Z")


def test_modify_cluster_refuses_a_password_with_a_managed_password(sim):
    rds = sim.client("rds")
    code = error_code(lambda: rds.modify_db_cluster(DBClusterIdentifier="orders-prod", ApplyImmediately=True,
                                                    MasterUserPassword="s3cret-password", ManageMasterUserPassword=True))
    assert code == "InvalidParameterCombination"
    cluster = rds.describe_db_clusters(DBClusterIdentifier="orders-prod")["DBClusters"][0]
    assert "MasterUserSecret" not in cluster
