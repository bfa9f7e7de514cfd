"""snapferry-bench on its tiny fleet (2 sources, 2 share accounts, one refresh each), checked against
what the benchmark itself does not compute: the call floor worked out by hand from the fleet's shape,
the simulator's record of every call (the CSV), and the rule that nothing beats a lower bound."""

import csv
import json
import math
import subprocess
from pathlib import Path

from peers import snapferry_binary

TIMEOUT_SECONDS = 240


def run_bench(tmp_path):
    bench = Path(snapferry_binary()).parent / "snapferry-bench"
    assert bench.exists(), f"{bench} is not built"
    out = subprocess.run([str(bench), "--fleet", "tiny", "--format", "json", "--calls-to", str(tmp_path)],
                         capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    assert out.returncode == 0, out.stderr
    return {row["strategy"]: row for row in json.loads(out.stdout)}


def test_tiny_fleet_rows_hold_up(tmp_path):
    rows = run_bench(tmp_path)
    ours, second, naive = rows["snapferry, 1st night"], rows["snapferry, night 2"], rows["naive"]
    for row in (ours, second, naive):
        # Both refreshed both targets within the day, and no strategy finishes before the bound.
        assert row["refreshesMissing"] == 0
        assert row["makespan"] is not None and row["makespan"] >= row["lowerBound"] * 0.999
        # Floor by hand: 8 + 5 calls in the source accounts, 13 in each target account, and one
        # AssumeRole per account (4) per started hour of the bound.
        sessions = math.ceil(row["lowerBound"] / 3600)
        assert row["floor"] == 8 + 5 + 13 + 13 + 4 * sessions
        # The row's calls are the simulator's record of its day (snapferry's file holds both nights).
        day = ("2026-12-02T01:00:00Z", "2026-12-03T01:00:00Z") if row is second else ("", "2026-12-02T01:00:00Z")
        name = "naive" if row is naive else "snapferry"
        with open(tmp_path / f"tiny-{name}.csv") as f:
            logged = [r for r in csv.DictReader(f) if day[0] <= r["time"] < day[1]]
        assert row["calls"] == len(logged)
        assert row["throttled"] == sum(1 for r in logged if r["code"] in ("Throttling", "ThrottlingException"))
    # snapferry: its client budget keeps it under RDS's throttle, and it spends far fewer calls.
    assert ours["throttled"] == 0 and second["throttled"] == 0
    # On its second night the daemon knows how long restores, instances, renames and deletions took,
    # so it looks at the target accounts less often than on its first.
    assert second["callsByOperation"]["DescribeDBClusters"] < ours["callsByOperation"]["DescribeDBClusters"]
    assert ours["calls"] * 3 < naive["calls"]
    # The naive strategy reads each snapshot's tags one call at a time; snapferry never does.
    assert ours["callsByOperation"].get("ListTagsForResource", 0) == 0
    assert naive["callsByOperation"]["ListTagsForResource"] > 100
