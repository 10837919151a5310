"""The application's lock and the test suite's pin the same version of every package both install:
the tests must run on what `make demo` and `make install` install. (On 7 December 2026 they did
not: pandas 3.1.1 against 2.3.3, and a full link run failed only outside the tests.)"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)")


def _pins(name: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements" / name).read_text(encoding="utf-8").splitlines():
        found = _PIN.match(line)
        if found:
            pins[found.group(1).lower().replace("_", "-")] = found.group(2)
    return pins


def test_the_application_installs_what_the_tests_run_on() -> None:
    main, dev = _pins("main.lock"), _pins("dev.lock")
    assert main, "requirements/main.lock pins nothing"
    missing = sorted(set(main) - set(dev))
    assert not missing, f"installed by the application, not by the tests: {missing}"
    differ = {p: (v, dev[p]) for p, v in main.items() if dev[p] != v}
    assert not differ, f"(application, tests) versions differ: {differ}; run make lock"
