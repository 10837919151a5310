"""`kintrace users ...` through the real command line (Typer's runner), on a fresh home."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from kintrace.cli.app import app

runner = CliRunner()


def _run(home: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--home", str(home), *args])


def test_users_add_list_disable_reset(tmp_path: Path) -> None:
    home = tmp_path / "home"
    added = _run(home, "users", "add", "synthetic.one", "--role", "reviewer")
    assert added.exit_code == 0, added.output
    assert re.search(r"Password \(shown once\): \S{12,}", added.output)
    listed = _run(home, "users", "list")
    assert "synthetic.one" in listed.output and "not yet" in listed.output
    assert "disabled" in _run(home, "users", "disable", "synthetic.one").output
    assert "active" in _run(home, "users", "disable", "synthetic.one", "--enable").output
    reset = _run(home, "users", "reset", "synthetic.one")
    assert reset.exit_code == 0 and "new password" in reset.output


def test_clear_errors_without_a_traceback(tmp_path: Path) -> None:
    home = tmp_path / "home"
    bad_role = _run(home, "users", "add", "x1", "--role", "boss")
    assert bad_role.exit_code == 1 and "expected one of" in bad_role.output
    bad_agency = _run(home, "users", "add", "x1", "--role", "analyst", "--agency", "nowhere")
    assert bad_agency.exit_code == 1 and "--agency-name" in bad_agency.output
    missing = _run(home, "users", "reset", "nobody")
    assert missing.exit_code == 1 and "users list" in missing.output
    assert "Traceback" not in bad_role.output + bad_agency.output + missing.output


def test_demo_accounts_and_codes_only_on_a_demo_registry(tmp_path: Path) -> None:
    home = tmp_path / "home"
    refused = _run(home, "users", "demo-code", "demo-admin")
    assert refused.exit_code == 1 and "demo registry" in refused.output
    demo = _run(home, "users", "demo")
    assert demo.exit_code == 0 and "demo-partner" in demo.output and "TOTP key" in demo.output
    assert _run(home, "users", "demo").exit_code == 0  # idempotent
    code = _run(home, "users", "demo-code", "demo-admin").output.strip()
    assert re.fullmatch(r"\d{6}", code)
    assert _run(home, "users", "demo-code", "someone-else").exit_code == 1
