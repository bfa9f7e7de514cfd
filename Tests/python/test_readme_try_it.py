"""The README's "Try a simulated week" block, run exactly as written from the project folder after
the set-up command (which builds .build/release), must reach a converged simulated week."""

import os
import re
import subprocess

import pytest

from peers import REPO


def try_it_block():
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Try a simulated week", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "the README's try-it section has no ```sh block"
    return block.group(1)


def test_readme_try_it_reaches_a_converged_week(tmp_path):
    if not (REPO / ".build/release/snapferry").exists():
        if os.environ.get("CI"):
            pytest.fail(".build/release/snapferry is missing although scripts/setup.sh ran")
        pytest.skip("no release build here; scripts/setup.sh builds it (CI always has it)")
    script = try_it_block()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SNAPFERRY_"))}
    env["TMPDIR"] = str(tmp_path)
    run = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=600, stdin=subprocess.DEVNULL)
    assert run.returncode == 0, f"{run.stdout[-4000:]}\n{run.stderr[-4000:]}"
    out = run.stdout
    assert out.count("source orders: ok") == 7 and out.count("source billing: ok") == 7, out[-4000:]
    assert "a converged simulated week" in out
    # The last status: today's snapshots, orders re-encrypted and shared with both accounts.
    status = out.rsplit("=== snapferry status", 1)[1]
    assert "newest  snapferry-orders-20261207-0200" in status
    assert "copies  snapferry-orders-20261207-0200-s1" in status
    assert "shared  2 account(s): 222222222222, 333333333333" in status
    assert "newest  snapferry-billing-20261207-0130" in status
