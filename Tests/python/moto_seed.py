#!/usr/bin/env python3
"""Seeds a fresh moto_server for snapferry's integration tests, then turns
moto's signature and IAM checking on. Prints one JSON object:
{"access_key_id", "secret_access_key", "account", "roles": {account: arn}}.

usage: moto_seed.py ENDPOINT
"""
import json, sys, urllib.request
import boto3

ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
DEFAULT_ACCOUNT = "123456789012"
ROLE_ACCOUNTS = ["222222222222", "333333333333"]

def main(endpoint):
    region = "eu-west-1"
    anon = dict(endpoint_url=endpoint, region_name=region,
                aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="seed")
    iam = boto3.client("iam", **anon)
    iam.create_user(UserName="snapferry")
    iam.put_user_policy(UserName="snapferry", PolicyName="all", PolicyDocument=ALLOW_ALL)
    key = iam.create_access_key(UserName="snapferry")["AccessKey"]
    roles = {}
    for account in ROLE_ACCOUNTS:
        arn = f"arn:aws:iam::{account}:role/snapferry-restore"
        c = boto3.client("sts", **anon).assume_role(RoleArn=arn, RoleSessionName="seed")["Credentials"]
        scoped = dict(endpoint_url=endpoint, region_name=region, aws_access_key_id=c["AccessKeyId"],
                      aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                 "Principal": {"AWS": f"arn:aws:iam::{DEFAULT_ACCOUNT}:root"}}]}
        boto3.client("iam", **scoped).create_role(RoleName="snapferry-restore", AssumeRolePolicyDocument=json.dumps(trust))
        boto3.client("iam", **scoped).put_role_policy(RoleName="snapferry-restore", PolicyName="all", PolicyDocument=ALLOW_ALL)
        roles[account] = arn
    # Source clusters the tests snapshot: one under a CMK-less default key, as moto models it.
    rds = boto3.client("rds", **anon)
    rds.create_db_cluster(DBClusterIdentifier="orders-prod", Engine="aurora-postgresql", MasterUsername="orders",
                          MasterUserPassword="not-a-real-password", StorageEncrypted=True,
                          Tags=[{"Key": "team", "Value": "orders"}])
    req = urllib.request.Request(endpoint + "/moto-api/reset-auth", data=b"0",
                                 headers={"Content-Type": "text/plain"}, method="POST")
    urllib.request.urlopen(req, timeout=10).read()
    print(json.dumps({"access_key_id": key["AccessKeyId"], "secret_access_key": key["SecretAccessKey"],
                      "account": DEFAULT_ACCOUNT, "roles": roles}))

if __name__ == "__main__":
    main(sys.argv[1])
