#!/usr/bin/env python3
"""Which credentials botocore resolves for an environment: prints the access key id, `none`, or
`error: <ExceptionType>`. The environment is replaced by the JSON object given as argv[1].

usage: botocore_credentials.py '{"HOME": "/tmp/x", "AWS_PROFILE": "p"}'
"""
import json, os, sys

os.environ.clear()
os.environ.update(json.loads(sys.argv[1]))
import botocore.session  # noqa: E402  (after the environment is set)

try:
    credentials = botocore.session.Session().get_credentials()
    print(credentials.access_key if credentials else "none")
except Exception as error:  # botocore raises its own exception types; the name is what is compared
    print(f"error: {type(error).__name__}")
