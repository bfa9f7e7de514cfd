#!/usr/bin/env python3
"""Loopback stand-ins for the credential endpoints the chain talks to, for the botocore parity
table: EC2 instance metadata, a container credentials endpoint, STS (AssumeRole,
AssumeRoleWithWebIdentity, GetCallerIdentity) and the IAM Identity Center portal. Each fixture
selects a behaviour through the URL path, so one server serves every fixture; the access key
ids it hands out name the path, so a test can tell which source a client used.

  /imds/<mode>/latest/...   modes: v2 (token required), v1 (token refused with 403; GETs need
                            none), slowtoken (token request answers after 4 s), norole (no
                            role), expired (credentials expired an hour ago), flaky-<id> (the
                            first role-name GET of each id answers 500)
  /container/<mode>         open; auth (wants `Authorization: secret-token`); broken (500);
                            or a name registered with POST /container-set/<name> and the body
                            {"credentials": {...}, "authorization": "..."}: those credentials,
                            for that Authorization header only
  /sts                      AssumeRole must be signed; AssumeRoleWithWebIdentity must not be
                            and wants WebIdentityToken `web-token`
  /sso/federation/credentials  wants `x-amz-sso_bearer_token: sso-token`

Prints `listening on 127.0.0.1:PORT`, then serves until killed. With --tls-cert CERT --tls-key KEY
it also serves the same routes over TLS and prints `tls on 127.0.0.1:PORT`.
"""
import json, re, sys, threading, time, urllib.parse
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FUTURE = "2099-01-01T00:00:00Z"
seen_flaky = set()
registered = {}
lock = threading.Lock()


def key(*parts):
    return "ASIA" + "".join(re.sub(r"[^A-Za-z0-9]", "", p).upper() for p in parts)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body="", content_type="text/plain"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_PUT(self):
        m = re.match(r"^/imds/([^/]+)/latest/api/token$", self.path)
        if not m:
            return self.reply(404)
        mode = m.group(1)
        if mode == "v1":
            return self.reply(403)
        if mode == "slowtoken":
            time.sleep(4)
        return self.reply(200, "imds-token-" + mode)

    def do_GET(self):
        path = urllib.parse.urlparse(self.path)
        m = re.match(r"^/imds/([^/]+)/latest/meta-data/iam/security-credentials/(.*)$", path.path)
        if m:
            return self.imds(m.group(1), m.group(2))
        m = re.match(r"^/container/([^/]+)$", path.path)
        if m:
            return self.container(m.group(1))
        if path.path == "/sso/federation/credentials":
            return self.sso(urllib.parse.parse_qs(path.query))
        return self.reply(404)

    def imds(self, mode, role):
        token = self.headers.get("x-aws-ec2-metadata-token")
        if mode not in ("v1", "slowtoken") and token != "imds-token-" + mode:
            return self.reply(401)
        if mode == "norole":
            return self.reply(404)
        if role == "":
            if mode.startswith("flaky-"):
                # Counted per client (botocore or not), so that both sides of a parity fixture see the 500 first.
                client = (mode, self.headers.get("User-Agent", "").lower().startswith("botocore"))
                with lock:
                    first = client not in seen_flaky
                    seen_flaky.add(client)
                if first:
                    return self.reply(500)
            return self.reply(200, "host-role\n")
        if role != "host-role":
            return self.reply(404)
        expiration = FUTURE
        if mode == "expired":
            expiration = (datetime.now(timezone.utc) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        name = "flaky" if mode.startswith("flaky-") else mode
        return self.reply(200, json.dumps({"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": key("IMDS", name),
                                           "SecretAccessKey": "s", "Token": "t", "Expiration": expiration}))

    def container(self, mode):
        with lock:
            entry = registered.get(mode)
        if entry is not None:
            if self.headers.get("Authorization") != entry.get("authorization"):
                return self.reply(401, "unauthorized")
            return self.reply(200, json.dumps(entry["credentials"]), "application/json")
        if mode == "broken":
            return self.reply(500, "broken")
        if mode == "auth" and self.headers.get("Authorization") != "secret-token":
            return self.reply(401, "unauthorized")
        return self.reply(200, json.dumps({"AccessKeyId": key("CONTAINER", mode), "SecretAccessKey": "s",
                                           "Token": "t", "Expiration": FUTURE}), "application/json")

    def sso(self, query):
        if self.headers.get("x-amz-sso_bearer_token") != "sso-token":
            return self.reply(401, json.dumps({"message": "Session token not found or invalid"}), "application/json")
        role = query.get("role_name", [""])[0]
        return self.reply(200, json.dumps({"roleCredentials": {
            "accessKeyId": key("SSO", role), "secretAccessKey": "s", "sessionToken": "t",
            "expiration": 4070908800000}}), "application/json")

    def do_POST(self):
        if self.path.startswith("/container-set/"):
            length = int(self.headers.get("Content-Length", "0"))
            with lock:
                registered[self.path[len("/container-set/"):]] = json.loads(self.rfile.read(length))
            return self.reply(204)
        if not self.path.startswith("/sts"):
            return self.reply(404)
        length = int(self.headers.get("Content-Length", "0"))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        action = form.get("Action", [""])[0]
        signed = "Authorization" in self.headers
        role_arn = form.get("RoleArn", [""])[0]
        role = role_arn.rsplit("/", 1)[-1]
        if action == "AssumeRole":
            if not signed:
                return self.sts_error(403, "MissingAuthenticationToken", "Request is missing Authentication Token")
            return self.assumed(action, key("ROLE", role), role_arn)
        if action == "AssumeRoleWithWebIdentity":
            if signed:
                return self.sts_error(400, "InvalidParameterValue", "AssumeRoleWithWebIdentity is sent unsigned")
            if form.get("WebIdentityToken", [""])[0] != "web-token":
                return self.sts_error(400, "InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider")
            return self.assumed(action, key("WEB", role), role_arn)
        if action == "GetCallerIdentity":
            body = ("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>"
                    "<Arn>arn:aws:iam::111122223333:user/fake</Arn><UserId>AIDAFAKE</UserId><Account>111122223333</Account>"
                    "</GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>")
            return self.reply(200, body, "text/xml")
        return self.sts_error(400, "InvalidAction", action)

    def assumed(self, action, access_key, role_arn):
        body = (f"<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><{action}Result><Credentials>"
                f"<AccessKeyId>{access_key}</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken>"
                f"<Expiration>{FUTURE}</Expiration></Credentials><AssumedRoleUser><Arn>{role_arn}/session</Arn>"
                f"<AssumedRoleId>AROAFAKE:session</AssumedRoleId></AssumedRoleUser></{action}Result>"
                f"<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{action}Response>")
        return self.reply(200, body, "text/xml")

    def sts_error(self, status, code, message):
        body = (f"<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
                f"<Code>{code}</Code><Message>{message}</Message></Error><RequestId>r</RequestId></ErrorResponse>")
        return self.reply(status, body, "text/xml")


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"listening on 127.0.0.1:{server.server_address[1]}", flush=True)
    if "--tls-cert" in sys.argv:
        import ssl
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[sys.argv.index("--tls-cert") + 1], sys.argv[sys.argv.index("--tls-key") + 1])
        tls = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        tls.socket = context.wrap_socket(tls.socket, server_side=True)
        threading.Thread(target=tls.serve_forever, daemon=True).start()
        print(f"tls on 127.0.0.1:{tls.server_address[1]}", flush=True)
    server.serve_forever()
