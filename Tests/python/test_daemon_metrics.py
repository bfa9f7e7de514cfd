"""A simulated day of a 10-source × 20-account fleet with 10 refresh targets, run by `snapferry
daemon` against `snapferry-sim` at --time-scale 3600 (a day in about 25 s), and what /metrics
shows of it (issue 12, "Done when"):

- a scrape taken mid-cycle (operations in flight) passes `promtool check metrics`;
- a real Prometheus started by the test scrapes the daemon (`up{job="snapferry"} == 1`) and
  gives a snapferry series back through its HTTP API;
- at the end of the day: every source's snapshot age, every target's refresh result (1),
  refresh durations, operations by result, AWS calls and their latencies, throttles (the
  simulator answers some RDS calls with ThrottlingException, and the daemon
  retries them), the build and the config reload gauge.

The fleet and its world are generated below: account prod holds the 10 source clusters (half
under aws/rds, so they are copied under the fleet's CMK before sharing, half under the CMK);
each source is shared with the same 20 accounts; one target per source, in 3 of those accounts,
reached through roles. The daemon starts at midnight: the previous night's slots are due at once
(as after a restart), then the day's run at 01:00-01:45 (snapshots) and 04:00/04:30 (refreshes).

promtool or prometheus missing: skipped, failed under CI (CI or SNAPFERRY_CI set).
"""

import json
import subprocess
import time
import urllib.parse
import urllib.request

import daemon_peers as dp
import peers

START = "2026-12-01T00:00:00Z"
DAY_SLOT_PREFIX = "2026-12-01T0"
END_OF_DAY = "2026-12-02T00:05:00Z"
PROD = "111111111111"
CMK = "arn:aws:kms:eu-west-1:111111111111:key/0f9a8b7c-1111-2222-3333-444455556666"
SHARE_ACCOUNTS = [f"a{n:02d}" for n in range(1, 21)]
ACCOUNT_IDS = {name: f"{200000000000 + n}" for n, name in enumerate(SHARE_ACCOUNTS, start=1)}
TARGET_ACCOUNTS = SHARE_ACCOUNTS[:3]
SOURCES = [f"s{n:02d}" for n in range(1, 11)]
TARGETS = [f"{s}-dev" for s in SOURCES]
# A modest throttle: the simulator answers 5 % of RDS calls with ThrottlingException (a seeded fault
# rule). Its token bucket runs on simulated time, where the daemon's own budget (8/s) already keeps
# below it, so at 3600x it would never fire; the rule makes throttles show, and the daemon's retries
# must absorb them (a call fails only after 5 throttled attempts in a row).
THROTTLE_RULE = {"service": "rds", "operation": "*", "error_rate": 0.05, "code": "ThrottlingException", "status": 400,
                 "message": "Rate exceeded"}


def scenario():
    everyone = [f"arn:aws:iam::{PROD}:root"] + [f"arn:aws:iam::{i}:root" for i in ACCOUNT_IDS.values()]
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PROD}:root"}, "Action": "sts:AssumeRole"}]}
    return {
        "start": START,
        "regions": [dp.REGION],
        "accounts": [{"id": PROD, "access_keys": [{"id": dp.PROD_KEY[0], "secret": dp.PROD_KEY[1], "user": "snapferry"}]}]
                    + [{"id": i} for i in ACCOUNT_IDS.values()],
        "kms_keys": [{"arn": CMK, "aliases": ["alias/snapferry"], "policy": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": everyone}, "Action": "kms:*", "Resource": "*"}]}}],
        "roles": [{"arn": f"arn:aws:iam::{ACCOUNT_IDS[a]}:role/snapferry", "max_session_seconds": 43200,
                   "trust_policy": trust} for a in TARGET_ACCOUNTS],
        "db_subnet_groups": [{"account": ACCOUNT_IDS[a], "region": dp.REGION, "name": "dev-db"} for a in TARGET_ACCOUNTS],
        "security_groups": [{"account": ACCOUNT_IDS[a], "region": dp.REGION, "id": "sg-00000000000000de1"}
                            for a in TARGET_ACCOUNTS],
        "clusters": [{"account": PROD, "region": dp.REGION, "id": f"{s}-prod", "size_gb": 10 + 5 * n,
                      "kms_key": "alias/aws/rds" if n % 2 else "alias/snapferry", "instances": 1}
                     for n, s in enumerate(SOURCES)],
        "durations": {"snapshot_seconds_per_gb": 3, "copy_seconds_per_gb": 6, "restore_seconds": [900, 2700],
                      "instance_seconds": [480, 900], "rename_seconds": 120, "delete_seconds": 300},
        "throttle": None,
        "faults": {"rules": [THROTTLE_RULE]},
        "seed": 12,
    }


def fleet(state, port):
    accounts = [f'  prod: {{ id: "{PROD}" }}'] + [
        f'  {a}: {{ id: "{ACCOUNT_IDS[a]}"'
        + (f', role_arn: "arn:aws:iam::{ACCOUNT_IDS[a]}:role/snapferry", session_seconds: 43200' if a in TARGET_ACCOUNTS else "")
        + " }" for a in SHARE_ACCOUNTS]
    sources = [f'  - {{ name: {s}, account: prod, cluster: {s}-prod, schedule: "{5 * n} 1 * * *", kms_key: {CMK},\n'
               f'      retention: {{ keep_last: 3 }}, share_with: [{", ".join(SHARE_ACCOUNTS)}] }}'
               for n, s in enumerate(SOURCES)]
    targets = [f'  - {{ name: {s}-dev, source: {s}, account: {TARGET_ACCOUNTS[n % 3]}, schedule: "{30 * (n % 2)} 4 * * *",\n'
               f'      cluster: {s}-dev, instances: [{{ class: db.r6g.large }}], subnet_group: dev-db,\n'
               f'      security_groups: [sg-00000000000000de1] }}'
               for n, s in enumerate(SOURCES)]
    return "\n".join([
        "version: 1", "fleet: day", f'state: "{state}"', f'metrics: {{ listen: "127.0.0.1:{port}" }}',
        "defaults:", "  region: eu-west-1", "  poll: { initial: 30, max: 120 }",
        "accounts:", *accounts, "sources:", *sources, "targets:", *targets, ""])


def prometheus_query(base, expr):
    url = f"{base}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    with urllib.request.urlopen(url, timeout=5) as response:
        body = json.loads(response.read())
    assert body["status"] == "success", body
    return body["data"]["result"]


def start_prometheus(binary, directory, target_port):
    port = dp.free_port()
    config = directory / "prometheus.yml"
    config.write_text("global: { scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s }\n"
                      "scrape_configs:\n"
                      "  - job_name: snapferry\n"
                      f"    static_configs: [{{ targets: ['127.0.0.1:{target_port}'] }}]\n")
    log = open(directory / "prometheus.log", "w")
    process = subprocess.Popen([binary, f"--config.file={config}", f"--storage.tsdb.path={directory / 'tsdb'}",
                                f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"],
                               stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    log.close()
    return process, f"http://127.0.0.1:{port}"


def histogram(samples, name, **labels):
    """(count, sum) of a histogram's series matching `labels`."""
    return dp.value(samples, name + "_count", **labels) or 0, dp.value(samples, name + "_sum", **labels) or 0


def test_a_day_of_a_10_source_20_account_fleet_in_metrics(tmp_path):
    promtool = dp.require_tool("promtool", "prometheus")
    prometheus = dp.require_tool("prometheus", "prometheus")
    artifacts = dp.artifacts_dir()
    with peers.sim_peer(scenario(), tmp_path, time_scale=dp.TIME_SCALE) as sim_url:
        port = dp.free_port()
        fleet_file = tmp_path / "fleet.yaml"
        fleet_file.write_text(fleet(tmp_path / "state.sqlite", port))
        began = time.monotonic()
        with dp.running_daemon(fleet_file, port, START, dp.daemon_environment(sim_url), tmp_path / "daemon.log") as daemon:
            prom_process, prom = start_prometheus(prometheus, tmp_path, port)
            try:
                # Mid-cycle: long operations in flight. The scrape must pass promtool.
                def busy_scrape():
                    text = daemon.metrics_text()
                    in_flight = dp.value(dp.parse_metrics(text), "snapferry_operations_in_flight") or 0
                    return (text, in_flight) if in_flight > 0 else None
                mid, in_flight = dp.wait_until(busy_scrape, 20, "a scrape with operations in flight", interval=0.05)
                (artifacts / "daemon-metrics-midcycle.prom").write_text(mid)
                check = subprocess.run([promtool, "check", "metrics"], input=mid, capture_output=True, text=True, timeout=60)
                assert check.returncode == 0, f"promtool check metrics:\n{check.stdout}\n{check.stderr}"
                print(f"\nmid-cycle scrape: {len(mid.splitlines())} lines, {in_flight:g} operation(s) in flight; "
                      f"promtool check metrics: ok {check.stdout.strip()}{check.stderr.strip()}")

                # A real Prometheus scrapes it and gives a snapferry series back.
                up = dp.wait_until(lambda: [r for r in prometheus_query(prom, 'up{job="snapferry"}') if r["value"][1] == "1"],
                                   30, 'Prometheus: up{job="snapferry"} == 1', interval=0.25)
                requests = dp.wait_until(lambda: prometheus_query(prom, 'sum by (service) (snapferry_aws_requests_total{job="snapferry"})'),
                                         15, "snapferry_aws_requests_total in Prometheus", interval=0.25)
                print(f"Prometheus: up = {up[0]['value'][1]} for {up[0]['metric']['instance']}; "
                      f"AWS requests by service: {[(r['metric'].get('service'), r['value'][1]) for r in requests]}")
            finally:
                prom_process.terminate()
                try:
                    prom_process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    prom_process.kill()
                    prom_process.wait(timeout=5)

            # The end of the day: simulated time past midnight and every target refreshed for today's slot.
            def day_done():
                t = daemon.targets()
                return (dp.sim_now(sim_url) >= END_OF_DAY
                        and all((t[n].get("last") or {}).get("slot", "").startswith(DAY_SLOT_PREFIX) for n in TARGETS) and t)
            targets = dp.wait_until(day_done, 60, "the end of the simulated day with every target refreshed", interval=0.5)
            # The simulator's call log just before and just after the final scrape brackets what the daemon counted.
            answered_before = len(dp.sim_calls(sim_url))
            final = daemon.metrics_text()
            sources = daemon.sources()
            took = time.monotonic() - began
        (artifacts / "daemon-metrics-end-of-day.prom").write_text(final)
        sim_calls = dp.sim_calls(sim_url)
        sim_throttles = sum(1 for c in sim_calls if c.get("code") == THROTTLE_RULE["code"])
        print(f"\nsimulator: {len(sim_calls)} calls answered, {sim_throttles} throttled")

    samples = dp.parse_metrics(final)
    failures = {n: t["last"] for n, t in targets.items() if t["last"]["result"] != "ok"}
    assert not failures, f"refreshes failed: {failures}"
    for s in SOURCES:
        assert sources[s]["newest_slot"].startswith("2026-12-01T01:"), sources[s]
        assert len(sources[s]["shared_accounts"]) == 20, sources[s]

    # Snapshot ages, for every source.
    ages = dp.series(samples, "snapferry_snapshot_newest_age_seconds")
    assert {dict(k)["source"] for k in ages} == set(SOURCES), ages
    assert all(0 < v < 36 * 3600 for v in ages.values()), ages
    for s in SOURCES:
        assert dp.value(samples, "snapferry_snapshot_shared_accounts", source=s) == 20
    # Refresh results (1 for each target) and durations.
    results = dp.series(samples, "snapferry_refresh_last_result")
    assert {dict(k)["target"]: v for k, v in results.items()} == {t: 1 for t in TARGETS}
    refresh_count, refresh_sum = histogram(samples, "snapferry_operation_duration_seconds", kind="refresh")
    assert refresh_count > 0, "no refresh durations"
    # Operations, by result.
    ok = dp.series(samples, "snapferry_operations_total", result="ok")
    ok_by_kind = {dict(k)["kind"]: v for k, v in ok.items()}
    assert ok_by_kind.get("refresh", 0) >= len(TARGETS) and ok_by_kind.get("create", 0) >= len(SOURCES), ok_by_kind
    # AWS calls, their latencies, throttles.
    calls = dp.value(samples, "snapferry_aws_requests_total") or 0
    latency_count, latency_sum = histogram(samples, "snapferry_aws_request_duration_seconds")
    throttled = dp.series(samples, "snapferry_aws_throttled_total")
    assert calls > 0 and latency_count > 0
    assert answered_before <= calls <= len(sim_calls), \
        f"the daemon counted {calls:g} AWS requests; the simulator answered {answered_before}..{len(sim_calls)}"
    assert latency_count == calls, (latency_count, calls)
    assert dp.value(samples, "snapferry_operations_in_flight") == 0
    assert throttled and sum(throttled.values()) > 0, "no throttled calls counted although the simulator throttles"
    assert sum(throttled.values()) <= sim_throttles, (throttled, sim_throttles)
    throttled_codes = dp.value(samples, "snapferry_aws_requests_total", code="ThrottlingException") or 0
    assert throttled_codes == sum(v for k, v in throttled.items() if dict(k)["service"] == "rds"), (throttled_codes, throttled)
    # The build, the fleet file.
    assert dp.series(samples, "snapferry_build_info") and all(v == 1 for v in dp.series(samples, "snapferry_build_info").values())
    assert dp.value(samples, "snapferry_config_last_reload_successful") == 1

    sim_total = len(sim_calls)
    by_service = {}
    for (name, labels, v) in samples:
        if name == "snapferry_aws_requests_total":
            by_service[labels["service"]] = by_service.get(labels["service"], 0) + v
    print(f"a simulated day in {took:.1f} s real (10 sources × 20 accounts, 10 targets)")
    print(f"AWS calls: {calls:g} counted by the daemon ({by_service}), {sim_total} answered by the simulator; "
          f"{calls / (len(SOURCES) * len(SHARE_ACCOUNTS)):.1f} per source-account pair for the day "
          f"(two nights' work: the one due at start and the day's own)")
    print(f"throttled: {sum(throttled.values()):g} ({ {dict(k)['account']: v for k, v in throttled.items()} })")
    print(f"AWS request latency: mean {1000 * latency_sum / latency_count:.1f} ms over {latency_count:g} requests")
    print(f"refreshes: {refresh_count:g}, mean {refresh_sum / refresh_count / 60:.0f} simulated minutes")
    print(f"operations ok: {ok_by_kind}; failed: "
          f"{ {dict(k)['kind']: v for k, v in dp.series(samples, 'snapferry_operations_total', result='failed').items()} }")
