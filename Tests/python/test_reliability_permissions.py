"""Permissions that change under a running fleet (issue 15 part 3; docs/RELIABILITY.md): a target role's
trust taken away, the source key's policy losing a target account in the middle of a run, then both
put back. Each time the operation that meets the change fails with an error naming what changed, the
target keeps serving its previous night's cluster, nothing is left half-made in AWS (read with boto3),
the state database journals what was begun, and the next night recovers by itself.

Session expiry during long waits is the daemon's part (test_session_expiry_…): its clock is the
simulator's, so sessions of 900 simulated seconds expire many times during a 3-hour restore."""

import json
import sqlite3
import subprocess

import daemon_peers as dp
import reliability_world as w
from peers import sim_peer

OTHER = "999999999999"


def outcomes(result):
    return {o.get("source") or o.get("target"): o for o in json.loads(result.stdout)}


def journal(directory, target):
    with sqlite3.connect(f"file:{directory / 'state.sqlite'}?mode=ro", uri=True) as db:
        return db.execute("SELECT id, state, error FROM operations WHERE kind = 'refresh' AND source = ? ORDER BY created_at",
                          (target,)).fetchall()


def test_a_role_that_stops_trusting_us_fails_its_target_alone_and_the_next_night_recovers(tmp_path):
    with sim_peer(w.scenario(), tmp_path, time_scale=w.TIME_SCALE) as url:
        fleet = w.fleet_file(tmp_path, url)
        w.advance_to(url, w.night(1))
        assert w.run_apply(fleet, 1, tmp_path).returncode == 0

        role = f"arn:aws:iam::{w.DEV}:role/snapferry"
        w.post(url, "/_sim/trust-policy", {"role_arn": role, "policy": w.trust_policy(OTHER)})
        w.advance_to(url, w.night(2))
        result = w.run_apply(fleet, 2, tmp_path)
        assert result.returncode == 1, result.stdout[-2000:] + result.stderr[-2000:]
        by_name = outcomes(result)
        assert by_name["orders"]["result"] == "ok" and by_name["orders-test"]["result"] == "ok", by_name
        failed = by_name["orders-dev"]
        assert failed["result"] == "failed", failed
        why = json.dumps(failed)
        # What changed, in AWS's words and ours: the role, the call that was refused, and the trust to check.
        assert role in why and "AssumeRole" in why and "trust" in why.lower(), why
        state = w.end_state(url)
        assert state[f"{w.DEV} cluster orders-dev"][2] == "2026-12-01T03:00:00Z", "orders-dev no longer serves night 1"
        assert not [k for k in state if k.startswith(w.DEV) and "orders-dev-" in k.split()[-1] and "orders-dev-1" != k.split()[-1]], state

        w.post(url, "/_sim/trust-policy", {"role_arn": role, "policy": w.trust_policy(w.PROD)})
        w.advance_to(url, w.night(3))
        result = w.run_apply(fleet, 3, tmp_path)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
        state = w.end_state(url)
        assert w.serving(state, 3) == [], state
        print(f"\norders-dev on night 2: {failed.get('error') or failed}")


def test_a_key_policy_that_loses_a_target_mid_run_fails_that_refresh_cleanly_and_the_next_night_recovers(tmp_path):
    with sim_peer(w.scenario(), tmp_path, time_scale=w.TIME_SCALE) as url:
        fleet = w.fleet_file(tmp_path, url)
        w.advance_to(url, w.night(1))
        assert w.run_apply(fleet, 1, tmp_path).returncode == 0
        granted = w.scenario()["kms_keys"][0]["policy"]
        revoked = {"Version": "2012-10-17", "Statement": [dict(granted["Statement"][0], Principal={"AWS": [
            f"arn:aws:iam::{a}:root" for a in (w.PROD, w.DEV)]})]}

        # Night 2: the share's answer is held 1.5 s; while it is, the key policy loses the test account. The
        # rotation ran with the account in the policy; the refresh that follows meets it gone.
        w.post(url, "/_sim/faults", {"rules": [{"operation": "ModifyDBClusterSnapshotAttribute", "times": 1,
                                                "latency_ms": [1500]}]})
        w.advance_to(url, w.night(2))
        process = subprocess.Popen(w.apply_argv(fleet, 2), env=w.environment(tmp_path), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        held = w.wait_for(lambda: [c for c in w.calls(url) if c["operation"] == "ModifyDBClusterSnapshotAttribute"
                                   and c["latency_ms"] >= 1500], timeout=30)
        assert held, "the share was never asked for"
        w.post(url, "/_sim/key-policy", {"key_arn": w.CMK, "policy": revoked})
        out, err = process.communicate(timeout=120)
        assert process.returncode == 1, out[-2000:] + err[-2000:]
        by_name = {o.get("source") or o.get("target"): o for o in json.loads(out)}
        assert by_name["orders"]["result"] == "ok" and by_name["orders-dev"]["result"] == "ok", by_name
        failed = by_name["orders-test"]
        assert failed["result"] == "failed", failed
        why = json.dumps(failed)
        # The key, AWS's refusal, and what to change: the key policy statement that lets the account use it.
        assert w.CMK in why and "KMSKeyNotAccessibleFault" in why and "SnapferryShareKeyWithTargets" in why, why
        state = w.end_state(url)
        assert state[f"{w.TEST} cluster orders-test"][2] == "2026-12-01T03:00:00Z", "orders-test no longer serves night 1"
        made = [k for k in state if k.startswith(w.TEST) and "20261202" in k]
        assert made == [], f"left half-made in the test account: {made}"
        ops = journal(tmp_path, "orders-test")
        assert ops and ops[-1][1] == "failed" and "2026-12-02T03:00:00Z" in ops[-1][0], ops

        w.post(url, "/_sim/key-policy", {"key_arn": w.CMK, "policy": granted})
        w.advance_to(url, w.night(3))
        result = w.run_apply(fleet, 3, tmp_path)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
        assert w.serving(w.end_state(url), 3) == []
        print(f"\norders-test on night 2: {failed.get('error') or failed}; journal: {ops[-1]}")


def test_sessions_expiring_many_times_during_a_long_restore_are_renewed_before_they_expire(tmp_path):
    scenario = dp.load_scenario("refresh-scenario.json")
    for role in scenario["roles"]:
        role["max_session_seconds"] = 3600
    scenario["durations"].update({"restore_seconds": [10800, 10800], "instance_seconds": [3600, 3600]})
    template = dp.fleet_template("refresh-fleet.yaml").replace('role_arn: "arn:aws:iam::222222222222:role/snapferry" }',
                                                                 'role_arn: "arn:aws:iam::222222222222:role/snapferry", session_seconds: 900 }')
    assert "session_seconds: 900" in template
    with sim_peer(scenario, tmp_path, time_scale=dp.TIME_SCALE) as url:
        port = dp.free_port()
        fleet = dp.write_fleet(template, tmp_path / "fleet.yaml", tmp_path / "state.sqlite", port)
        with dp.running_daemon(fleet, port, "2026-12-01T03:00:00Z", dp.daemon_environment(url), tmp_path / "daemon.log") as daemon:
            done = dp.wait_until(lambda: (t := daemon.targets().get("orders-dev", {}).get("last") or {}).get("result") and t,
                                 60, "orders-dev's refresh to end")
            assert done["result"] == "ok", done
        record = dp.sim_calls(url)
    sessions = [c for c in record if c["operation"] == "AssumeRole" and c["code"] is None]
    expired = [c for c in record if (c["code"] or "").startswith("ExpiredToken")]
    # 4 simulated hours of restore and instance creation in dev, sessions of 15 minutes: at least 16 for dev alone.
    assert len(sessions) >= 16, len(sessions)
    # Renewed before they expire, never mid-request: AWS never had to refuse one.
    assert expired == [], expired[:5]
    print(f"\n{len(sessions)} sessions, 0 refused as expired")
