"""The daemon's status page (`GET /`) in headless Chromium (issue 12, "Done when"): the fleet at a
glance, with a failed target marked failed.

The daemon runs fixtures/daemon/status-page-fleet.yaml against `snapferry-sim` at --time-scale
3600: two sources (orders, billing) and four targets, one of which (orders-broken) names a DB
subnet group that does not exist in its account, so AWS refuses its restore and the refresh ends
failed. Once the journal has every target's result, Chromium dumps the page's DOM (asserted on:
every source and target name, orders-broken failed, the others ok) and takes a screenshot, kept
under $SNAPFERRY_TEST_ARTIFACTS (default .build/test-artifacts/) as daemon-status-page.png.

Chromium missing: skipped, failed under CI (CI or SNAPFERRY_CI set).
"""

import subprocess
import time
from html.parser import HTMLParser

import daemon_peers as dp
import peers

START = "2026-12-01T03:00:00Z"
SLOT = "2026-12-01T03:00:00Z"
SOURCES = ["orders", "billing"]
OK_TARGETS = ["orders-dev", "orders-test", "billing-dev"]
FAILED_TARGET = "orders-broken"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Elements(HTMLParser):
    """Every element of a document with its attributes and its text (descendants' included)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.open = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": []}
        self.elements.append(element)
        if tag in ("br", "td", "th", "tr", "li", "p", "div"):
            self.handle_data("\n")  # a line break or a new box: words on either side stay apart
        if tag not in VOID:
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.elements.append({"tag": tag, "attrs": dict(attrs), "text": []})

    def handle_endtag(self, tag):
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i]["tag"] == tag:
                del self.open[i:]
                break

    def handle_data(self, data):
        if any(e["tag"] in ("style", "script", "title") for e in self.open):
            return
        self.text.append(data)
        for element in self.open:
            element["text"].append(data)

    def find(self, **attrs):
        return [e for e in self.elements if all(e["attrs"].get(k.replace("_", "-")) == v for k, v in attrs.items())]


def text_of(element):
    return " ".join("".join(element["text"]).split())


def chromium(binary, args, profile, timeout=60):
    argv = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--hide-scrollbars", f"--user-data-dir={profile}", *args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def test_status_page_in_headless_chromium_shows_the_fleet_and_the_failed_target(tmp_path):
    browser = dp.require_tool("chromium", "chromium")
    scenario = dp.load_scenario("refresh-scenario.json")
    scenario["durations"].update({"restore_seconds": [1800, 3600], "instance_seconds": [600, 900]})
    with peers.sim_peer(scenario, tmp_path, time_scale=dp.TIME_SCALE) as sim_url:
        port = dp.free_port()
        fleet = dp.write_fleet(dp.fleet_template("status-page-fleet.yaml"), tmp_path / "fleet.yaml",
                               tmp_path / "state.sqlite", port)
        with dp.running_daemon(fleet, port, START, dp.daemon_environment(sim_url), tmp_path / "daemon.log") as daemon:
            def every_result_in():
                t = daemon.targets()
                done = {n: (t[n].get("last") or {}) for n in OK_TARGETS + [FAILED_TARGET]}
                return all(d.get("slot") == SLOT for d in done.values()) and done
            last = dp.wait_until(every_result_in, 40, f"every target's result for slot {SLOT}")
            assert last[FAILED_TARGET]["result"] == "failed", last[FAILED_TARGET]
            assert all(last[n]["result"] == "ok" for n in OK_TARGETS), last
            print(f"\n{FAILED_TARGET}: {last[FAILED_TARGET].get('error')}")

            url = f"http://127.0.0.1:{port}/"
            started = time.monotonic()
            dom = chromium(browser, ["--dump-dom", url], tmp_path / "profile-dom")
            assert dom.returncode == 0 and "<html" in dom.stdout, f"chromium --dump-dom: {dom.returncode}\n{dom.stderr[-2000:]}"
            artifacts = dp.artifacts_dir()
            (artifacts / "daemon-status-page.html").write_text(dom.stdout)
            png = artifacts / "daemon-status-page.png"
            png.unlink(missing_ok=True)
            shot = chromium(browser, [f"--screenshot={png}", "--window-size=1280,900", url], tmp_path / "profile-shot")
            assert shot.returncode == 0, f"chromium --screenshot: {shot.returncode}\n{shot.stderr[-2000:]}"
            print(f"chromium: {time.monotonic() - started:.1f} s; screenshot {png} ({png.stat().st_size} bytes)")

    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000, "the screenshot is not a real PNG"
    page = Elements()
    page.feed(dom.stdout)
    body = " ".join("".join(page.text).split())

    # Every source and target by name, each source with its row.
    for name in SOURCES + OK_TARGETS + [FAILED_TARGET]:
        assert name in body, f"{name} is not on the page"
    for source in SOURCES:
        rows = page.find(data_source=source)
        assert rows and rows[0]["tag"] == "tr", f"no row for source {source}"
        assert rows[0]["attrs"].get("data-fresh") == "fresh", rows[0]["attrs"]
        assert f"snapferry-{source}-20261201-" in text_of(rows[0]), text_of(rows[0])

    # The failed target: marked failed in its matrix cell and in the target list, in words and attributes.
    cells = {e["attrs"]["data-target"]: e for e in page.elements if e["tag"] == "div" and "data-target" in e["attrs"]}
    assert set(cells) == set(OK_TARGETS + [FAILED_TARGET]), sorted(cells)
    broken = cells[FAILED_TARGET]
    assert broken["attrs"]["data-result"] == "failed" and broken["attrs"]["data-tone"] == "red", broken["attrs"]
    assert "failed" in text_of(broken).split(), text_of(broken)
    listed = [e for e in page.find(data_target=FAILED_TARGET) if e["tag"] == "tr"]
    assert listed and listed[0]["attrs"]["data-result"] == "failed" and "failed" in text_of(listed[0]), listed
    assert "DBSubnetGroupNotFound" in text_of(listed[0]) or "no-such-subnet-group" in text_of(listed[0]), \
        f"the failed target's row does not say why: {text_of(listed[0])}"

    # The others ok (and fresh: refreshed for tonight's slot).
    for name in OK_TARGETS:
        cell = cells[name]
        assert cell["attrs"]["data-result"] == "ok" and cell["attrs"]["data-tone"] == "green", (name, cell["attrs"])
        assert text_of(cell) == f"{name} ok", text_of(cell)
    assert page.find(id="ready")[0]["attrs"]["data-ready"] == "true"
    assert not page.find(id="config-reload")
    print(f"failed cell: {text_of(broken)!r}; target row: {text_of(listed[0])[:160]!r}")
