#!/usr/bin/env python3
"""The endpoint URLs botocore sends to: argv[1] is a JSON list of cases
`{"env": {...}, "service": "rds", "region": "us-east-1"}`; each case replaces the environment,
uses a new botocore session, and makes one read-only call whose request is caught before it is
sent (the URL of the request, which comes from the endpoint rule set, not `meta.endpoint_url`,
which for some partitions differs). Prints a JSON list of URLs without the trailing `/`
(or `error: <ExceptionType>`), in order.
"""
import json, os, sys

import botocore.session
from botocore.awsrequest import AWSResponse

CALLS = {"rds": "describe_db_clusters", "sts": "get_caller_identity", "kms": "list_keys",
         "ec2": "describe_security_groups"}

out = []
for case in json.loads(sys.argv[1]):
    os.environ.clear()
    os.environ.update(case["env"])
    try:
        client = botocore.session.Session().create_client(
            case["service"], region_name=case["region"], aws_access_key_id="AKIDENDPOINT", aws_secret_access_key="s")
        sent = []

        def catch(request, **_):
            sent.append(request.url)
            return AWSResponse(request.url, 400, {}, None)

        client.meta.events.register("before-send", catch)
        try:
            getattr(client, CALLS[case["service"]])()
        except Exception:
            pass  # the caught request has no real answer
        out.append(sent[0].rstrip("/") if sent else "error: nothing sent")
    except Exception as error:
        out.append(f"error: {type(error).__name__}")
print(json.dumps(out))
