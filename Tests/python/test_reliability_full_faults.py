"""Every fault at full strength over nights of rotation, sharing, refresh, retirement and pruning
(docs/RELIABILITY.md, part 1): the real `snapferry apply` against `snapferry-sim` with 30% of RDS calls
throttled, 5% answered 500, 1% of all calls reset before they are handled, 1% cut short after they were
applied, and 2% delayed 200 ms to 5 s (seed in SEED). Each night must exit 0 and the end state, read
with boto3, must equal a fault-free run's. From the simulator's call record (the client's
`amz-sdk-request` attempt numbers and the server's arrival times): no call is tried more than
`max_attempts` times, and no account × region × service ever gets requests faster than the fleet's
`api_rate` and `api_burst` allow (at most burst + rate × t requests in any span of t seconds, checked
over every span of the record).

The retry quota is not emptied here (about a third of some 300 calls fail, far from 500 / 5 retries
in one process); `RetryQuotaTests` and `WithRetriesTests` empty it with exact counts."""

import os

import reliability_world as w
from peers import sim_peer

SEED = int(os.environ.get("SNAPFERRY_FAULT_SEED", "11"))
# Two nights in the test command (rotation, sharing, refresh, retirement); SNAPFERRY_FAULT_NIGHTS=3 adds pruning.
NIGHTS = int(os.environ.get("SNAPFERRY_FAULT_NIGHTS", "2"))
MAX_ATTEMPTS = 4
RATE, BURST = 20, 10
FAULTS = {"rules": [
    {"service": "rds", "operation": "*", "error_rate": 0.30, "code": "Throttling", "status": 400},
    {"service": "rds", "operation": "*", "error_rate": 0.05, "code": "InternalFailure", "status": 500},
    {"service": "*", "operation": "*", "reset_rate": 0.01, "truncate_rate": 0.01},
    {"service": "*", "operation": "*", "latency_ms": [200, 5000], "latency_rate": 0.02},
    # At rates of 1-2% a short run may draw none of a kind; one of each is certain.
    {"service": "rds", "operation": "DescribeDBClusters", "reset_rate": 1, "times": 1},
    {"service": "rds", "operation": "CreateDBClusterSnapshot", "truncate_rate": 1, "times": 1},
    {"service": "rds", "operation": "DescribeDBClusterSnapshots", "latency_ms": [3000, 3000], "times": 1},
]}
SETTINGS = f", retry: {{ max_attempts: {MAX_ATTEMPTS} }}, limits: {{ api_rate: {RATE}, api_burst: {BURST} }}"


# Simulated time runs 3,000 times faster than the client's backoff and the injected latency: a 5 s spike is
# 4 simulated hours. Sessions of 12 simulated hours (14 s real) keep a session from expiring between two
# attempts of one call, which real time never does to a 1-hour session.
TIME_SCALE = 3000
SESSION_SECONDS = 43200


def nights(tmp_path, faults):
    with sim_peer(w.scenario(faults, seed=SEED), tmp_path, time_scale=TIME_SCALE) as url:
        runs = w.run_nights(url, tmp_path / "run", NIGHTS, SETTINGS, session_seconds=SESSION_SECONDS)
        w.post(url, "/_sim/faults", {"rules": []})
        return runs, w.end_state(url)


def rate_violations(record):
    """Spans of the record in which one account × region × service got more requests than the token bucket
    allows; one request of slack for the client stamping its token a moment before the server sees it."""
    streams = {}
    for call in record:
        streams.setdefault((call["account"], call["region"], call["service"]), []).append(call["received"])
    violations = []
    for key, times in streams.items():
        times.sort()
        for i in range(len(times)):
            for j in range(i + BURST, len(times)):
                allowed = BURST + RATE * (times[j] - times[i]) + 1
                if j - i + 1 > allowed:
                    violations.append((key, j - i + 1, round(times[j] - times[i], 3)))
                    break
    return violations


def test_the_record_reads_the_clients_attempt_numbers(tmp_path):
    """boto3 (standard retries) is the independent client: its `amz-sdk-request` header must come back as the
    record's `attempt`, and the throttled first attempt as a recorded fault."""
    faults = {"rules": [{"service": "rds", "operation": "DescribeDBClusters", "error_rate": 1, "code": "Throttling",
                         "status": 400, "times": 2}]}
    with sim_peer(w.scenario(faults), tmp_path, time_scale=0) as url:
        w.client("rds", url, w.PROD).describe_db_clusters()
        record = [c for c in w.calls(url) if c["operation"] == "DescribeDBClusters"]
    assert [(c["attempt"], c["code"]) for c in record] == [(1, "Throttling"), (2, "Throttling"), (3, None)], record
    assert all(isinstance(c["received"], float) for c in record) and record[0]["received"] <= record[2]["received"]


def test_nights_under_every_fault_end_like_a_fault_free_run(tmp_path):
    (tmp_path / "clean").mkdir()
    (tmp_path / "faulty").mkdir()
    clean_runs, clean = nights(tmp_path / "clean", None)
    assert all(r.returncode == 0 for r, _ in clean_runs), [r.stderr[-2000:] for r, _ in clean_runs]
    assert w.serving(clean, NIGHTS) == [], clean

    runs, state = nights(tmp_path / "faulty", FAULTS)
    for day, (result, _) in enumerate(runs, 1):
        assert result.returncode == 0, f"night {day}: exit {result.returncode}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    missing = {k: v for k, v in clean.items() if state.get(k) != v}
    extra = {k: v for k, v in state.items() if k not in clean}
    assert not missing and not extra, f"expected {missing}\nextra {extra}"

    record = [c for _, calls in runs for c in calls]
    count = lambda predicate: sum(1 for c in record if predicate(c))
    faults = {"Throttling": count(lambda c: c["code"] == "Throttling"),
              "InternalFailure": count(lambda c: c["code"] == "InternalFailure"),
              "ConnectionReset": count(lambda c: c["code"] == "ConnectionReset"),
              "truncate": count(lambda c: c["fault"] == "truncate"),
              "latency": count(lambda c: c["latency_ms"] >= 200)}
    # Each kind of fault really happened (seeded: the counts are the same on every run of this seed).
    assert all(faults.values()), faults
    assert max(c["attempt"] for c in record) <= MAX_ATTEMPTS
    retried = count(lambda c: c["attempt"] > 1)
    assert retried >= faults["Throttling"] // 2, (retried, faults)
    assert rate_violations(record) == []
    print(f"\n{len(record)} calls, {retried} retries, faults {faults}; "
          f"{len(clean)} resources in the end state, 0 mismatches")
