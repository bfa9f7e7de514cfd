#!/usr/bin/env python3
"""Independent reference for the retention goldens (not part of the build).

Re-implements restic's ApplyPolicy (restic/restic: internal/data/snapshot_policy.go)
with Python's own ISO-8601 parser, zoneinfo and isocalendar(), so the Swift
implementation is checked against different date code. Writes golden/<name>.txt in
the text format of RetentionReport.text. Run from this folder only when a
deliberate change of semantics needs new goldens:  python3 reference_policy.py
"""
import datetime as dt
import os
import re
from zoneinfo import ZoneInfo

UNITS = [("w", 604800), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1)]
BUCKETS = ["last", "hourly", "daily", "weekly", "monthly", "yearly"]


def parse_duration(text):
    total = 0
    for number, unit in re.findall(r"(\d+)([wdhms])", text):
        total += int(number) * dict(UNITS)[unit]
    return total


def format_duration(seconds):
    out = ""
    for unit, size in UNITS[1:]:
        if seconds >= size:
            out += f"{seconds // size}{unit}"
            seconds %= size
    return out or "0s"


def fmt(t):
    t = t.astimezone(dt.timezone.utc)
    if t.microsecond:
        return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def bucket_key(kind, t, nr, zone):
    local = t.astimezone(zone)
    if kind == "last":
        return nr
    if kind == "hourly":
        return local.year * 1000000 + local.month * 10000 + local.day * 100 + local.hour
    if kind == "daily":
        return local.year * 10000 + local.month * 100 + local.day
    if kind == "weekly":
        year, week, _ = local.isocalendar()
        return year * 100 + week
    if kind == "monthly":
        return local.year * 100 + local.month
    return local.year


def apply(snaps, rules, now, zone):
    order = sorted(range(len(snaps)), key=lambda i: (-snaps[i][1].timestamp(), snaps[i][0], i))
    snaps = [snaps[i] for i in order]
    future = [s for s in snaps if s[1] > now]
    rest = [s for s in snaps if s[1] <= now]
    result = [(s, ["newer than now"]) for s in future]
    counts = {k: rules[k] for k in BUCKETS if k in rules}
    last = {k: None for k in counts}
    within = rules.get("within")
    for nr, snap in enumerate(rest):
        reasons = []
        if within and snap[1].timestamp() > rest[0][1].timestamp() - within:
            reasons.append(f"within {format_duration(within)}")
        for kind in BUCKETS:
            if kind not in counts or not (counts[kind] > 0 or counts[kind] == -1):
                continue
            val = bucket_key(kind, snap[1], nr, zone)
            if val != last[kind] or nr == len(rest) - 1:
                reason = f"{kind} snapshot" if kind != "last" else "last snapshot"
                if val == last[kind]:
                    reason = "oldest " + reason
                reasons.append(reason)
                last[kind] = val
                if counts[kind] > 0:
                    counts[kind] -= 1
        result.append((snap, reasons))
    return result


def main():
    snaps = []
    for line in open("snapshots.txt"):
        text = line.split("#", 1)[0].strip()
        if text:
            snaps.append((text, dt.datetime.fromisoformat(text)))
    os.makedirs("golden", exist_ok=True)
    for line in open("policies.txt"):
        if not line.strip() or line.startswith("#"):
            continue
        name, zone, now, spec = [part.strip() for part in line.split("|")]
        rules = {}
        for item in spec.split():
            key, value = item.split("=")
            rules[key] = parse_duration(value) if key == "within" else (-1 if value == "unlimited" else int(value))
        decided = apply(snaps, rules, dt.datetime.fromisoformat(now), ZoneInfo(zone))
        lines = []
        for (_, t), reasons in decided:
            lines.append(f"keep    {fmt(t)}  {', '.join(reasons)}" if reasons else f"remove  {fmt(t)}")
        kept = sum(1 for _, r in decided if r)
        lines.append(f"keep {kept}, remove {len(decided) - kept}")
        with open(f"golden/{name}.txt", "w") as out:
            out.write("\n".join(lines) + "\n")


main()
