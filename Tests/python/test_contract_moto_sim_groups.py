"""Contract suite, continued: DescribeDBClusterParameterGroups and DescribeDBParameterGroups against
moto_server and snapferry-sim, on the backends `test_contract_moto_sim.py` seeds (its `backend` fixture).
DescribeDBSubnetGroups is compared there.

Left out on purpose, because the two backends legitimately differ (test_sim_boto3.py covers the simulator):
- AWS's `default.*` groups: moto lists none; the simulator lists those its clusters and instances use, and
  describes any `default.<family>` by name, as restores and CreateDBInstance accept any. Only the groups
  the account made are compared;
- `Description`: moto keeps what CreateDB*ParameterGroup was given; the scenario gives none, so the simulator
  makes one up. Only its presence is compared;
- DescribeDBParameterGroups with a name that does not exist: moto answers an empty list and matches names
  case-sensitively; AWS and the simulator refuse with DBParameterGroupNotFound and ignore case;
- paging with MaxRecords/Marker (moto ignores paging).

Run like the main suite:

    .venv/bin/python -m pytest -q -p no:cacheprovider Tests/python/test_contract_moto_sim_groups.py
"""

from test_contract_moto_sim import (CLUSTER_PARAMETER_GROUP, INSTANCE_PARAMETER_GROUP, REGION, backend,  # noqa: F401
                                    error_code)

CLUSTER_GROUP_KEYS = {"DBClusterParameterGroupName", "DBParameterGroupFamily", "Description", "DBClusterParameterGroupArn"}
GROUP_KEYS = {"DBParameterGroupName", "DBParameterGroupFamily", "Description", "DBParameterGroupArn"}


def own(groups, name_key):
    """The groups the account made: everything but AWS's `default.*` groups."""
    return [g for g in groups if not g[name_key].startswith("default.")]


def test_cluster_parameter_groups_are_described_by_name_and_all_and_a_missing_one_is_refused(backend):
    describe = backend.rds.describe_db_cluster_parameter_groups
    listed = own(describe()["DBClusterParameterGroups"], "DBClusterParameterGroupName")
    by_name = describe(DBClusterParameterGroupName="Orders-CPG16")["DBClusterParameterGroups"]
    assert listed == by_name
    assert [g["DBClusterParameterGroupName"] for g in by_name] == [CLUSTER_PARAMETER_GROUP]
    group = by_name[0]
    assert set(group) == CLUSTER_GROUP_KEYS
    assert group["DBParameterGroupFamily"] == "aurora-postgresql16"
    assert group["DBClusterParameterGroupArn"] == (
        f"arn:aws:rds:{REGION}:{backend.source_account}:cluster-pg:{CLUSTER_PARAMETER_GROUP}")
    assert isinstance(group["Description"], str) and group["Description"]
    # botocore's model: this operation's not-found error is DBParameterGroupNotFound, whatever the group kind.
    assert error_code(lambda: describe(DBClusterParameterGroupName="no-such-group")) == "DBParameterGroupNotFound"


def test_db_parameter_groups_are_described_by_name_and_all(backend):
    describe = backend.rds.describe_db_parameter_groups
    listed = own(describe()["DBParameterGroups"], "DBParameterGroupName")
    by_name = describe(DBParameterGroupName=INSTANCE_PARAMETER_GROUP)["DBParameterGroups"]
    assert listed == by_name
    assert [g["DBParameterGroupName"] for g in by_name] == [INSTANCE_PARAMETER_GROUP]
    group = by_name[0]
    assert set(group) == GROUP_KEYS
    assert group["DBParameterGroupFamily"] == "aurora-postgresql16"
    assert group["DBParameterGroupArn"] == f"arn:aws:rds:{REGION}:{backend.source_account}:pg:{INSTANCE_PARAMETER_GROUP}"
    assert isinstance(group["Description"], str) and group["Description"]


def test_another_accounts_cluster_parameter_group_is_not_found(backend):
    rds = backend.second_account_client("rds")
    assert own(rds.describe_db_cluster_parameter_groups()["DBClusterParameterGroups"], "DBClusterParameterGroupName") == []
    code = error_code(lambda: rds.describe_db_cluster_parameter_groups(DBClusterParameterGroupName=CLUSTER_PARAMETER_GROUP))
    assert code == "DBParameterGroupNotFound"
