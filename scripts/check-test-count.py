#!/usr/bin/env python3
"""Fails when a test run executed fewer tests than the suite declares (a run that executes none exits 0).

    check-test-count.py swift LOG    # `swift test` output: "Test run with N tests" must equal the @Test count in Tests/
    check-test-count.py pytest LOG   # pytest -q output: nothing skipped, at least one pass per test function in Tests/python
"""
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def declared(pattern, glob):
    return sum(len(re.findall(pattern, p.read_text(errors="replace"), re.M)) for p in (REPO / "Tests").rglob(glob))


def main():
    kind, log = sys.argv[1], Path(sys.argv[2]).read_text(errors="replace")
    if kind == "swift":
        expected = declared(r"^\s*@Test\b", "*.swift")
        runs = re.findall(r"Test run with (\d+) tests? in \d+ suites? passed", log)
        ran = int(runs[-1]) if runs else 0
        if ran != expected:
            sys.exit(f"swift test ran {ran} tests; Tests/ declares {expected} with @Test (compiled out, filtered or not run?)")
    elif kind == "pytest":
        expected = declared(r"^def test_\w+\(", "test_*.py")
        summary = re.findall(r"^=*\s*(\d+ passed.*?)\s*=*$", log, re.M)
        if not summary:
            sys.exit("pytest printed no summary of passed tests")
        counts = {word: int(n) for n, word in re.findall(r"(\d+) (\w+)", summary[-1])}
        if counts.get("skipped") or counts.get("deselected"):
            sys.exit(f"pytest skipped or deselected tests: {summary[-1]}")
        if counts.get("passed", 0) < expected:
            sys.exit(f"pytest passed {counts.get('passed', 0)} tests; Tests/python declares {expected} test functions")
    else:
        sys.exit(f"unknown kind {kind}")
    print(f"{kind}: ran every declared test ({expected} declared)")


if __name__ == "__main__":
    main()
