"""The monitoring files: config/prometheus/snapferry.rules.yml passes `promtool check rules` and its
unit tests (snapferry.rules.test.yml, `promtool test rules`), prometheus.example.yml passes
`promtool check config` and scrapes where the daemon listens by default, and
config/grafana/snapferry.json is a dashboard whose queries parse.

Every `snapferry_*` metric named in these files must be one the daemon exports: METRICS below is
that contract (PRODUCT.md's list plus the gauges the rules and dashboard rely on). A rename in the
daemon must change it here too, and then the rules and dashboard with it.

promtool comes with Debian's `prometheus` package (scripts/setup.sh installs it). Without it the
promtool tests are skipped, and fail under CI (CI or SNAPFERRY_CI set)."""

import json
import os
import re
import shutil
import subprocess

import pytest
import yaml

from peers import REPO

PROMETHEUS_DIR = REPO / "config" / "prometheus"
RULES = PROMETHEUS_DIR / "snapferry.rules.yml"
RULES_TEST = PROMETHEUS_DIR / "snapferry.rules.test.yml"
EXAMPLE_CONFIG = PROMETHEUS_DIR / "prometheus.example.yml"
DASHBOARD = REPO / "config" / "grafana" / "snapferry.json"
FLEET_EXAMPLE = REPO / "config" / "fleet.example.yaml"

# The daemon's metrics: name -> (type, labels).
METRICS = {
    "snapferry_snapshot_last_success_timestamp_seconds": ("gauge", {"source"}),
    "snapferry_snapshot_newest_age_seconds": ("gauge", {"source"}),
    "snapferry_snapshot_max_age_seconds": ("gauge", {"source"}),
    "snapferry_snapshots_managed": ("gauge", {"source"}),
    "snapferry_snapshot_shared_accounts": ("gauge", {"source"}),
    "snapferry_refresh_last_success_timestamp_seconds": ("gauge", {"target"}),
    "snapferry_refresh_due_slot_timestamp_seconds": ("gauge", {"target"}),
    "snapferry_refresh_last_result": ("gauge", {"target"}),
    "snapferry_operations_total": ("counter", {"kind", "result"}),
    "snapferry_operation_duration_seconds": ("histogram", {"kind"}),
    "snapferry_operations_in_flight": ("gauge", {"kind"}),
    "snapferry_aws_requests_total": ("counter", {"service", "operation", "code"}),
    "snapferry_aws_request_duration_seconds": ("histogram", {"service", "operation"}),
    "snapferry_aws_throttled_total": ("counter", {"service", "account"}),
    "snapferry_config_last_reload_successful": ("gauge", set()),
    "snapferry_config_last_reload_success_timestamp_seconds": ("gauge", set()),
    "snapferry_build_info": ("gauge", {"version"}),
    "snapferry_schedule_next_fire_timestamp_seconds": ("gauge", {"kind", "name"}),
}
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")

REQUIRED_ALERTS = {"SnapferrySnapshotStale", "SnapferryTargetNotRefreshed", "SnapferryRefreshFailed",
                   "SnapferryThrottlingSustained", "SnapferryConfigReloadFailed", "SnapferryDown"}


def promtool():
    found = shutil.which("promtool")
    if found:
        return found
    if os.environ.get("CI") or os.environ.get("SNAPFERRY_CI"):
        pytest.fail("promtool is missing although this is CI: scripts/setup.sh installs it (package prometheus)")
    pytest.skip("promtool is not installed (Debian package prometheus; scripts/setup.sh installs it)")


def run_promtool(*args, cwd=PROMETHEUS_DIR):
    result = subprocess.run([promtool(), *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                            stdin=subprocess.DEVNULL)
    output = result.stdout + result.stderr
    print(f"promtool {' '.join(args)}: rc={result.returncode}\n{output}")
    return result.returncode, output


def metric_names(text):
    """Every snapferry_* metric name in `text`, a histogram's series mapped to the histogram."""
    names = set()
    for name in re.findall(r"\bsnapferry_[a-z0-9_]*[a-z0-9]", text):
        for suffix in HISTOGRAM_SUFFIXES:
            base = name[: -len(suffix)]
            if name.endswith(suffix) and METRICS.get(base, ("",))[0] == "histogram":
                name = base
        names.add(name)
    return names


def dashboard_queries(dashboard):
    """Every PromQL expression in the dashboard: panel targets (rows included), variables, annotations."""
    def walk(panels):
        for panel in panels:
            yield from ((panel, t["expr"]) for t in panel.get("targets", []) if "expr" in t)
            yield from walk(panel.get("panels", []))
    queries = [expr for _, expr in walk(dashboard["panels"])]
    queries += [a["expr"] for a in dashboard.get("annotations", {}).get("list", []) if "expr" in a]
    for variable in dashboard.get("templating", {}).get("list", []):
        query = variable.get("query")
        query = query.get("query") if isinstance(query, dict) else query
        inner = re.fullmatch(r"label_values\((.*),\s*\w+\)", query or "")
        if inner:
            queries.append(inner.group(1))
    return queries


def test_rules_pass_promtool_check():
    rc, output = run_promtool("check", "rules", RULES.name)
    assert rc == 0, output
    assert f"SUCCESS: {len(REQUIRED_ALERTS)} rules found" in output, output


def test_rules_unit_tests_pass():
    rc, output = run_promtool("test", "rules", RULES_TEST.name)
    assert rc == 0 and "SUCCESS" in output, output


def test_rules_unit_tests_cover_freshness_refresh_and_reload():
    tests = yaml.safe_load(RULES_TEST.read_text())["tests"]
    cases = [case for test in tests for case in test.get("alert_rule_test", [])]
    firing = {c["alertname"] for c in cases if c.get("exp_alerts")}
    quiet = {c["alertname"] for c in cases if not c.get("exp_alerts")}
    for alert in ("SnapferrySnapshotStale", "SnapferryRefreshFailed", "SnapferryConfigReloadFailed"):
        assert alert in firing and alert in quiet, f"{alert}: tested firing {alert in firing}, quiet {alert in quiet}"


def test_every_alert_has_for_severity_and_what_to_do():
    groups = yaml.safe_load(RULES.read_text())["groups"]
    assert [g["name"] for g in groups] == ["snapferry"]
    alerts = {r["alert"]: r for r in groups[0]["rules"] if "alert" in r}
    assert set(alerts) >= REQUIRED_ALERTS, REQUIRED_ALERTS - set(alerts)
    for name, rule in alerts.items():
        assert rule.get("for"), f"{name} has no `for:`"
        assert rule.get("labels", {}).get("severity") in ("warning", "critical"), name
        annotations = rule.get("annotations", {})
        assert annotations.get("summary") and len(annotations.get("description", "")) > 80, name
    assert 'up{job="snapferry"} == 0' in alerts["SnapferryDown"]["expr"]
    assert 'absent(up{job="snapferry"})' in alerts["SnapferryDown"]["expr"]


def test_example_config_passes_promtool_and_scrapes_the_default_listen_address():
    rc, output = run_promtool("check", "config", EXAMPLE_CONFIG.name)
    assert rc == 0, output
    config = yaml.safe_load(EXAMPLE_CONFIG.read_text())
    assert config["rule_files"] == [RULES.name]
    [job] = config["scrape_configs"]
    assert job["job_name"] == "snapferry"
    listen = yaml.safe_load(FLEET_EXAMPLE.read_text())["metrics"]["listen"]
    assert job["static_configs"][0]["targets"] == [listen], "scrape where the example fleet file serves /metrics"


def test_dashboard_is_an_importable_grafana_dashboard():
    dashboard = json.loads(DASHBOARD.read_text())
    assert 36 <= dashboard["schemaVersion"] <= 41
    assert [i["name"] for i in dashboard["__inputs"]] == ["DS_PROMETHEUS"]
    assert dashboard["__inputs"][0]["pluginId"] == "prometheus"
    ids = []

    def check(panels):
        for panel in panels:
            ids.append(panel["id"])
            assert {"x", "y", "w", "h"} <= set(panel["gridPos"]), panel["title"]
            for target in panel.get("targets", []):
                assert target["datasource"] == {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}, panel["title"]
            check(panel.get("panels", []))
    check(dashboard["panels"])
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    queries = " ".join(dashboard_queries(dashboard))
    # What the dashboard must show.
    for needle in ("snapferry_snapshot_newest_age_seconds", "snapferry_snapshot_max_age_seconds",
                   "snapferry_refresh_last_result", "snapferry_refresh_last_success_timestamp_seconds",
                   "rate(snapferry_operations_total", "snapferry_operations_in_flight",
                   "histogram_quantile(0.5, sum by (le, kind) (rate(snapferry_operation_duration_seconds_bucket",
                   "histogram_quantile(0.95, sum by (le, kind) (rate(snapferry_operation_duration_seconds_bucket",
                   "sum by (service, operation, code) (rate(snapferry_aws_requests_total",
                   "histogram_quantile(0.95, sum by (le, service, operation) (rate(snapferry_aws_request_duration_seconds_bucket",
                   "rate(snapferry_aws_throttled_total", "snapferry_config_last_reload_successful"):
        assert needle in queries, needle


def test_dashboard_queries_parse(tmp_path):
    # promtool has no "parse this expression" command, so check them as recording rules, with
    # Grafana's variables replaced by what Grafana would put there.
    dashboard = json.loads(DASHBOARD.read_text())
    substitutions = {"$__rate_interval": "5m", "$__interval": "1m", "$instance": ".*", "$source": ".*",
                     "$target": ".*"}
    rules = []
    for n, query in enumerate(dashboard_queries(dashboard)):
        for variable, value in substitutions.items():
            query = query.replace(variable, value)
        assert "$" not in query, f"unknown variable in {query}"
        rules.append({"record": f"dashboard:query_{n}", "expr": query})
    (tmp_path / "dashboard.rules.yml").write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    rc, output = run_promtool("check", "rules", "dashboard.rules.yml", cwd=tmp_path)
    assert rc == 0, output


@pytest.mark.parametrize("path", [RULES, RULES_TEST, DASHBOARD], ids=lambda p: p.name)
def test_only_metrics_the_daemon_exports(path):
    used = metric_names(path.read_text())
    assert used, f"{path} names no snapferry metric"
    unknown = used - set(METRICS)
    assert not unknown, f"{path.name} uses metrics the daemon does not export: {sorted(unknown)}"


def test_rules_use_only_the_labels_the_metrics_have():
    # Labels every scraped series carries besides its own.
    scrape_labels = {"job", "instance", "le"}
    groups = yaml.safe_load(RULES.read_text())["groups"]
    all_labels = set().union(*(labels for _, labels in METRICS.values())) | scrape_labels
    for rule in groups[0]["rules"]:
        text = rule["expr"] + json.dumps(rule.get("annotations", {}))
        used = set(re.findall(r"\$labels\.(\w+)", text))
        for clause in re.findall(r"\b(?:by|on)\s*\(([^)]*)\)", rule["expr"]):
            used |= {label.strip() for label in clause.split(",") if label.strip()}
        assert used <= all_labels, f"{rule['alert']}: unknown labels {sorted(used - all_labels)}"
