"""`kintrace figures release|list|get|verify` on a synthetic registry (no names in it)."""

from __future__ import annotations

from pathlib import Path

from figures_registry import fill
from typer.testing import CliRunner

from kintrace.cli.app import app
from kintrace.config import load_settings
from kintrace.store.engine import open_store

runner = CliRunner()


class _Ran:
    def __init__(self, result) -> None:  # type: ignore[no-untyped-def]
        self.exit_code = result.exit_code
        self.output = " ".join(result.output.split())  # Rich wraps long lines


def _run(home: Path, *args: str) -> _Ran:
    return _Ran(runner.invoke(app, ["--home", str(home), *args]))


def _registry(home: Path, records: int) -> None:
    store = open_store(load_settings(home, env={}))
    try:
        fill(store, records=records, seed=11, days=240)
    finally:
        store.close()


def test_release_list_get_and_verify(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _registry(home, 3000)
    out = tmp_path / "release"
    r = _run(home, "figures", "release", "--out", str(out), "--round", "5")
    assert r.exit_code == 0, r.output
    assert "release 1 written" in r.output and "withheld counts" in r.output
    assert (out / "manifest.json").is_file() and (out / "figures.xlsx").is_file()

    r = _run(home, "figures", "list")
    assert r.exit_code == 0 and "1 release(s)" in r.output

    key = tmp_path / "key.pem"
    assert _run(home, "signing-key", "--out", str(key)).exit_code == 0
    r = _run(home, "figures", "verify", str(out), "--key", str(key))
    assert r.exit_code == 0 and "signed by the given key" in r.output, r.output

    again = tmp_path / "again"
    assert _run(home, "figures", "get", "1", "--out", str(again)).exit_code == 0
    for path in out.rglob("*"):
        if path.is_file():
            assert (again / path.relative_to(out)).read_bytes() == path.read_bytes()

    (out / "data.json").write_text("{}", "utf-8")
    r = _run(home, "figures", "verify", str(out), "--key", str(key))
    assert r.exit_code == 1 and "changed: data.json" in r.output


def test_bad_input_is_refused_with_a_message(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _registry(home, 6)
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "something.txt").write_text("x")
    r = _run(home, "figures", "release", "--out", str(taken))
    assert r.exit_code == 1 and "not an empty directory" in r.output
    r = _run(home, "figures", "release", "--out", str(tmp_path / "r"), "--round", "3")
    assert r.exit_code == 1 and "expected 1 (no rounding), 5 or 10" in r.output
    r = _run(home, "figures", "release", "--out", str(tmp_path / "r"))
    assert r.exit_code == 1 and "too few to publish" in r.output
    assert not (tmp_path / "r").exists()
    r = _run(home, "figures", "get", "7", "--out", str(tmp_path / "g"))
    assert r.exit_code == 1 and "no release 7" in r.output
    r = _run(home, "figures", "verify", str(tmp_path / "nowhere"))
    assert r.exit_code == 1 and "cannot read the release" in r.output
