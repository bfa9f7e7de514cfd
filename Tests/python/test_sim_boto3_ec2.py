"""boto3 against snapferry-sim for EC2: DescribeSecurityGroups as a target account's role sees it
(split from test_sim_boto3.py, whose scenario and `sim` fixture it shares)."""

import pytest
from botocore.exceptions import ClientError

from test_sim_boto3 import DEV_KEY, DEV_SECURITY_GROUP, NO_RETRIES, PROD, PROD_KEY, REGION, SECURITY_GROUP, sim  # noqa: F401


def ec2_error(call):
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response


def test_ec2_describes_the_callers_security_group_by_id_in_the_vpc_of_its_subnet_groups(sim):
    groups = sim.client("ec2").describe_security_groups(GroupIds=[SECURITY_GROUP])["SecurityGroups"]
    assert [(g["GroupId"], g["GroupName"], g["OwnerId"]) for g in groups] == [(SECURITY_GROUP, "orders-db", PROD)]
    group = groups[0]
    assert group["SecurityGroupArn"] == f"arn:aws:ec2:{REGION}:{PROD}:security-group/{SECURITY_GROUP}"
    assert group["IpPermissions"] == []
    assert group["IpPermissionsEgress"] == [{"IpProtocol": "-1", "UserIdGroupPairs": [], "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                                             "Ipv6Ranges": [], "PrefixListIds": []}]
    subnets = sim.client("rds").describe_db_subnet_groups(DBSubnetGroupName="orders-net")["DBSubnetGroups"]
    assert group["VpcId"] == subnets[0]["VpcId"]
    dev = sim.client("ec2", key=DEV_KEY).describe_security_groups(GroupIds=[DEV_SECURITY_GROUP])["SecurityGroups"]
    assert dev[0]["GroupName"] == f"sim-{DEV_SECURITY_GROUP}"


def test_ec2_refuses_an_unknown_id_with_invalid_group_not_found_naming_it(sim):
    response = ec2_error(lambda: sim.client("ec2").describe_security_groups(GroupIds=[SECURITY_GROUP, "sg-0123456789abcdef0"]))
    assert response["Error"]["Code"] == "InvalidGroup.NotFound"
    assert response["Error"]["Message"] == "The security group 'sg-0123456789abcdef0' does not exist"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["ResponseMetadata"]["RequestId"]
    other_account = ec2_error(lambda: sim.client("ec2").describe_security_groups(GroupIds=[DEV_SECURITY_GROUP]))
    assert other_account["Error"]["Code"] == "InvalidGroup.NotFound"


def test_ec2_refuses_a_malformed_id_and_a_wrong_secret_as_ec2_does(sim):
    response = ec2_error(lambda: sim.client("ec2").describe_security_groups(GroupIds=["orders-db"]))
    assert response["Error"]["Code"] == "InvalidGroupId.Malformed"
    assert response["Error"]["Message"] == 'Invalid id: "orders-db" (expecting "sg-...")'
    wrong = sim.client("ec2", key=(PROD_KEY[0], "not-the-secret"))
    refused = ec2_error(lambda: wrong.describe_security_groups(GroupIds=[SECURITY_GROUP]))
    assert refused["Error"]["Code"] == "AuthFailure"
    assert refused["ResponseMetadata"]["HTTPStatusCode"] == 401
