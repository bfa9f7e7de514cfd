#!/usr/bin/env python3
"""Writes a large, valid fleet file to stdout, for timing `validate` and the daemon's start.

    python3 scripts/bench-fleet-file.py --sources 1000 --targets 1000 --accounts 100 > /tmp/big.yaml

Sources are spread over the accounts round-robin and each is shared with --shares other
accounts; target N refreshes source N % sources into one of that source's share accounts.
The output is deterministic, so two runs time the same file.
"""
import argparse
import sys

ZONES = ["Europe/Berlin", "UTC", "America/New_York", "Asia/Tokyo", "Australia/Sydney",
         "Europe/London", "America/Los_Angeles", "Asia/Kolkata"]
SOURCE_SCHEDULES = ["{m} {h} * * *", "{m} {h} * * 1-5", "{m} */6 * * *", "{m} {h} 1,15 * *", "@daily"]
TARGET_SCHEDULES = ["{m} {h} * * 1-5", "{m} {h} * * 0", "{m} {h} * * mon,wed,fri", "{m} {h} 1 * *"]
REGION = "eu-west-1"


def account_id(a):
    return f"{100000000000 + a * 1111:012d}"


def key_arn(a, n):
    return f"arn:aws:kms:{REGION}:{account_id(a)}:key/{n:08x}-1111-2222-3333-{a:012x}"


def shares(i, args):
    own = i % args.accounts
    return [(own + k) % args.accounts for k in range(1, args.shares + 1)]


def header(args, out):
    out += ["version: 1", "fleet: bench", f"state: {args.state}", "metrics:", f"  listen: {args.listen}", "",
            "defaults:", f"  region: {REGION}", "  limits:", "    max_parallel: 16",
            "    max_parallel_per_account: 4", "    max_copies_per_region: 5", "    api_rate: 8",
            "    api_burst: 40", "  retry:", "    mode: standard", "    max_attempts: 5", ""]


def accounts(args, out):
    out.append("accounts:")
    for a in range(args.accounts):
        out += [f"  acct-{a:03d}:", f'    id: "{account_id(a)}"']
        if a == 0:
            continue  # the daemon's own credentials
        out.append(f"    role_arn: arn:aws:iam::{account_id(a)}:role/snapferry-restore")
        if a % 3 == 0:
            out.append("    external_id: bench-snapferry")
        if a % 5 == 0:
            out.append("    session_seconds: 3600")
    out.append("")


def sources(args, out):
    out.append("sources:")
    for i in range(args.sources):
        own = i % args.accounts
        sched = SOURCE_SCHEDULES[i % len(SOURCE_SCHEDULES)].format(m=(i * 7) % 60, h=(i // 60) % 6)
        out += [f"  - name: src-{i:04d}", f"    account: acct-{own:03d}", f"    cluster: db-{i:04d}-prod",
                f'    schedule: "{sched}"', f"    timezone: {ZONES[i % len(ZONES)]}",
                f"    method: {'copy-automated' if i % 4 == 3 else 'snapshot'}"]
        if i % 2 == 0:
            out.append(f"    kms_key: {key_arn(own, i)}")
        if i % 3 == 0:
            out += ["    retention:", "      keep_last: 3", "      keep_daily: 7", "      keep_weekly: 4",
                    "      keep_monthly: 6"] + (["      keep_within: 36h"] if i % 10 == 0 else [])
        else:
            out.append("    retention: { keep_last: 3, keep_daily: 7 }")
        out.append(f"    share_with: [{', '.join(f'acct-{a:03d}' for a in shares(i, args))}]")
    out.append("")


def targets(args, out):
    out.append("targets:" if args.targets else "targets: []")
    for j in range(args.targets):
        i = j % args.sources
        account = shares(i, args)[(j // args.sources) % args.shares]
        sched = TARGET_SCHEDULES[j % len(TARGET_SCHEDULES)].format(m=(j * 11) % 60, h=3 + j % 4)
        out += [f"  - name: tgt-{j:04d}", f"    source: src-{i:04d}", f"    account: acct-{account:03d}",
                f'    schedule: "{sched}"', f"    timezone: {ZONES[(j + 1) % len(ZONES)]}",
                f"    cluster: db-{j:04d}-dev", "    instances:"]
        if j % 5 == 4:
            out += ["      - class: db.serverless", "        count: 2", "        promotion_tier: 1",
                    "    serverless_v2: { min_capacity: 0.5, max_capacity: 8 }"]
        else:
            out[-1] += " [{ class: db.r6g.large, count: 1 }]"
        out += [f"    subnet_group: dev-db-{account:03d}", f"    security_groups: [sg-{j:08x}, sg-{account:017x}]"]
        if j % 2 == 0:
            out += [f"    kms_key: {key_arn(account, 10_000 + j)}", "    copy_into_account: true"]
        out += ["    max_snapshot_age: 36h", f"    tags: {{ env: dev, team: team-{j % 17} }}"]
        if j % 4 == 0:
            out += ["    post_restore:", '      command: ["/usr/local/lib/snapferry/mask.sh", "--quick"]',
                    "      timeout: 30m"]
        out += ["    master_password: managed",
                f"    retire: {{ final_snapshot: {'true' if j % 3 == 0 else 'false'} }}"]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sources", type=int, default=1000)
    p.add_argument("--targets", type=int, default=1000)
    p.add_argument("--accounts", type=int, default=100)
    p.add_argument("--shares", type=int, default=4, help="accounts each source is shared with")
    p.add_argument("--state", default="/tmp/snapferry-bench-state.sqlite")
    p.add_argument("--listen", default="127.0.0.1:9471")
    args = p.parse_args()
    if args.sources < 1 or args.accounts < 2 or not 1 <= args.shares < args.accounts or args.targets < 0:
        p.error("need at least 1 source, 2 accounts, and 1 <= --shares < --accounts")
    out = []
    header(args, out)
    accounts(args, out)
    sources(args, out)
    targets(args, out)
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
