"""The README's test command must pass on a fresh machine by itself (issue 11, finding 9):
`make test` makes sure the browser is there before the suite runs, not only `.ci/run`."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "ensure-browser"


def _recipe(target: str) -> list[str]:
    lines = (ROOT / "Makefile").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(rf"^{target}:", line))
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return recipe


def test_missing_chromium_make_test_installs_the_browser_before_the_suite() -> None:
    recipe = _recipe("test")
    ensure = next(i for i, line in enumerate(recipe) if "scripts/ensure-browser" in line)
    pytest_line = next(i for i, line in enumerate(recipe) if "pytest" in line)
    assert ensure < pytest_line


def test_missing_chromium_without_install_rights_prints_the_one_command_and_fails() -> None:
    env = dict(os.environ)
    env["KINTRACE_TEST_BROWSER"] = "/nonexistent/chromium-for-this-test"
    env["KINTRACE_BROWSER_INSTALL"] = "no"
    done = subprocess.run([str(SCRIPT)], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert "apt-get install chromium" in done.stderr


def test_present_browser_is_left_alone() -> None:
    env = dict(os.environ)
    env["KINTRACE_TEST_BROWSER"] = "/bin/sh"  # any executable stands in for the browser
    env["KINTRACE_BROWSER_INSTALL"] = "no"
    done = subprocess.run([str(SCRIPT)], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
