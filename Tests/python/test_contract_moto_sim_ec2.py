"""Contract suite, EC2 part: DescribeSecurityGroups against moto_server and snapferry-sim through the
`backend` fixture of test_contract_moto_sim.py (same accounts, keys and second-account role), asserting
the same shape and error codes.

The simulator's scenario lists the source account's group (`sim_scenario`); on moto each test creates
it, in a VPC of its own, with the source account's key.

Left out on purpose, because moto does not model them (test_sim_boto3.py covers them against the
simulator alone):
- a malformed id (moto answers InvalidGroup.NotFound; AWS and the simulator InvalidGroupId.Malformed);
- the message of InvalidGroup.NotFound (moto prints the ids as a Python set);
- the group's Description (moto keeps the one given at creation; the simulator derives one).
"""

from test_contract_moto_sim import REGION, backend, error_code  # noqa: F401 (backend is a fixture)

GROUP_NAME = "orders-db"
SIM_GROUP = "sg-00000000000000ae1"
DEFAULT_EGRESS = [{"IpProtocol": "-1", "UserIdGroupPairs": [], "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [],
                   "PrefixListIds": []}]


def security_group(backend):
    """The id of the source account's `orders-db` group: the scenario's in the simulator, a new one in moto."""
    if backend.name == "sim":
        return SIM_GROUP
    vpc = backend.ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    return backend.ec2.create_security_group(GroupName=GROUP_NAME, Description="orders", VpcId=vpc)["GroupId"]


def test_a_security_group_is_described_by_id_with_its_name_owner_vpc_and_default_egress_rule(backend):
    group_id = security_group(backend)
    groups = backend.ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"]
    assert len(groups) == 1
    group = groups[0]
    assert set(group) - {"Tags"} == {"GroupId", "GroupName", "Description", "OwnerId", "VpcId", "SecurityGroupArn",
                                     "IpPermissions", "IpPermissionsEgress"}
    assert group["GroupId"] == group_id
    assert group["GroupName"] == GROUP_NAME
    assert group["OwnerId"] == backend.source_account
    assert group["VpcId"].startswith("vpc-")
    assert group["SecurityGroupArn"] == f"arn:aws:ec2:{REGION}:{backend.source_account}:security-group/{group_id}"
    assert group["IpPermissions"] == []
    assert group["IpPermissionsEgress"] == DEFAULT_EGRESS


def test_an_unknown_security_group_is_refused_with_invalid_group_not_found(backend):
    group_id = security_group(backend)
    code = error_code(lambda: backend.ec2.describe_security_groups(GroupIds=[group_id, "sg-0123456789abcdef0"]))
    assert code == "InvalidGroup.NotFound"


def test_the_second_account_does_not_see_the_source_accounts_security_group(backend):
    group_id = security_group(backend)
    ec2 = backend.second_account_client("ec2")
    assert error_code(lambda: ec2.describe_security_groups(GroupIds=[group_id])) == "InvalidGroup.NotFound"


def test_a_wrong_secret_on_ec2_is_refused_with_auth_failure(backend):
    group_id = security_group(backend)
    wrong = backend.client("ec2", key=(backend.source_key[0], "not-the-secret"))
    assert error_code(lambda: wrong.describe_security_groups(GroupIds=[group_id])) == "AuthFailure"
