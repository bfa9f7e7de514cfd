#!/usr/bin/env python3
"""moto_server with one small patch, for the tests that need it.

AWS accepts `sts:AssumeRoleWithWebIdentity` unsigned (botocore's STS model gives it
`"authtype": "none"`: the web identity token is the proof), but moto, once signature checking is
on, rejects every request without a signature. The patch lets that one action through moto's
authenticator; everything else is checked as before. moto still does not verify the token.

usage: moto_server.py [moto_server options]   (the same as moto_server's)
"""
import sys

from moto.core import authorization

UNSIGNED_ACTIONS = {"AssumeRoleWithWebIdentity"}
_check = authorization.ActionAuthenticatorMixin._authenticate_and_authorize_action


def _authenticate_unless_unsigned(self, iam_request_cls, resource="*"):
    if self._get_action() in UNSIGNED_ACTIONS:
        return None
    return _check(self, iam_request_cls, resource)


authorization.ActionAuthenticatorMixin._authenticate_and_authorize_action = _authenticate_unless_unsigned

if __name__ == "__main__":
    from moto.server import main
    sys.exit(main(sys.argv[1:]))
