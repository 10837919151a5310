"""`kintrace evidence add | log | verify` end to end on a real data directory (synthetic data)."""

from __future__ import annotations

import os
from pathlib import Path

from typer.testing import CliRunner

from kintrace.cli.app import app
from kintrace.config import load_settings
from kintrace.registry.importer import import_file
from kintrace.store.engine import open_store
from support.seed import write_records_csv

ROWS = [("list-a", "a1", "Анна", "Мельник", "2012-03-14", "Херсон")]


def _home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    store = open_store(load_settings(home, env={}))
    try:
        import_file(store, write_records_csv(tmp_path / "l.csv", ROWS), actor="test")
    finally:
        store.close()
    return home


def _run(home: Path, *args: str):
    return CliRunner().invoke(app, ["--home", str(home), "evidence", *args], env={})


def test_add_log_verify_and_a_flipped_byte(tmp_path: Path) -> None:
    home = _home(tmp_path)
    testimony = tmp_path / "testimony.txt"
    testimony.write_text("Synthetic testimony, no real person.\n", encoding="utf-8")
    added = _run(home, "add", str(testimony), "--kind", "testimony", "--record", "list-a:a1")
    assert added.exit_code == 0, added.output
    assert "item 1" in added.output and "new item" in added.output
    again = _run(home, "add", str(testimony), "--kind", "testimony", "--record", "list-a:a1")
    assert again.exit_code == 0 and "already kept" in again.output
    log = _run(home, "log", "1")
    assert log.exit_code == 0 and "ingest" in log.output and "link" in log.output
    ok = _run(home, "verify", "--all")
    assert ok.exit_code == 0, ok.output
    assert "1 of 1 originals intact" in ok.output
    (original,) = (home / "evidence" / "originals").rglob("*/*")
    os.chmod(original, 0o644)
    data = bytearray(original.read_bytes())
    data[3] ^= 0x20
    original.write_bytes(bytes(data))
    bad = _run(home, "verify", "--all")
    assert bad.exit_code == 1
    assert "MISMATCH" in bad.output and "0 of 1 originals intact" in bad.output
    assert "verify" in _run(home, "log", "1").output


def test_bad_input_is_one_line_never_a_trace(tmp_path: Path) -> None:
    home = _home(tmp_path)
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    disguised = tmp_path / "photo.jpg"
    disguised.write_bytes(b"%PDF-1.4 synthetic")
    cases = [
        (["add", str(empty), "--kind", "photo", "--record", "list-a:a1"], "empty"),
        (["add", str(disguised), "--kind", "photo", "--record", "list-a:a1"], "disguised"),
        (["add", str(disguised), "--kind", "sculpture", "--case", "1"], "Unknown evidence kind"),
        (["add", str(disguised), "--kind", "document", "--case", "7"], "There is no case 7"),
        (["add", str(disguised), "--kind", "document"], "Link the files"),
        (["add", str(tmp_path / "missing.pdf"), "--kind", "document", "--case", "1"], "not a"),
        (["log", "42"], "no evidence item 42"),
        (["verify"], "--all"),
    ]
    for args, says in cases:
        result = _run(home, *args)
        assert result.exit_code == 1, args
        assert says in result.output, (args, result.output)
        assert "Traceback" not in result.output


def test_bundle_of_a_case_verifies_with_its_own_script(tmp_path: Path) -> None:
    import subprocess
    import sys
    import zipfile
    from datetime import UTC, datetime

    from sqlalchemy import insert

    from kintrace.cases.facets import CaseState
    from kintrace.store.review_tables import cases

    home = _home(tmp_path)
    store = open_store(load_settings(home, env={}))
    now = datetime.now(UTC)
    state = CaseState()
    try:
        with store.session(write=True) as db:
            db.execute(
                insert(cases).values(
                    subject_source="list-a",
                    subject_record_id="a1",
                    opened_at=now,
                    opened_by="test",
                    identity=state.identity.value,
                    whereabouts=state.whereabouts.value,
                    return_stage=state.return_stage.value,
                    last_progress_at=now,
                )
            )
    finally:
        store.close()
    out = tmp_path / "bundle.zip"
    empty = _run(home, "bundle", "--case", "1", "--out", str(out))
    assert empty.exit_code == 1 and "nothing to bundle" in empty.output
    assert _run(home, "bundle", "--out", str(out)).exit_code == 1  # neither --case nor --person
    testimony = tmp_path / "t.txt"
    testimony.write_text("Synthetic testimony.\n", encoding="utf-8")
    assert _run(home, "add", str(testimony), "--kind", "testimony", "--case", "1").exit_code == 0
    made = _run(home, "bundle", "--case", "1", "--out", str(out), "--purpose", "test court")
    assert made.exit_code == 0, made.output
    assert "1 items, 1 records" in made.output
    with zipfile.ZipFile(out) as archive:
        archive.extract("verify.py", tmp_path)
    checked = subprocess.run(
        [sys.executable, "-I", "-S", str(tmp_path / "verify.py"), str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0 and checked.stdout.startswith("OK:"), checked.stdout
    assert "export" in _run(home, "log", "1").output


def test_retention_and_hold_commands(tmp_path: Path) -> None:
    from sqlalchemy import text

    home = _home(tmp_path)
    testimony = tmp_path / "t.txt"
    testimony.write_text("Synthetic testimony.\n", encoding="utf-8")
    other = tmp_path / "u.txt"
    other.write_text("Another synthetic testimony.\n", encoding="utf-8")
    for path in (testimony, other):
        assert (
            _run(home, "add", str(path), "--kind", "testimony", "--record", "list-a:a1").exit_code
            == 0
        )
    retention = CliRunner().invoke(
        app, ["--home", str(home), "retention", "set", "list-a", "--keep-days", "30"], env={}
    )
    assert retention.exit_code == 0, retention.output
    held = _run(home, "hold", "--item", "1", "--reason", "synthetic court order")
    assert held.exit_code == 0 and "legal hold 1" in held.output
    assert "synthetic court order" in _run(home, "holds").output
    store = open_store(load_settings(home, env={}))
    try:  # both items were received 31 days ago
        with store.session(write=True) as db:
            db.execute(text("UPDATE evidence_items SET ingested_at = '2000-01-01T00:00:00Z'"))
    finally:
        store.close()
    root = ["--home", str(home), "retention"]
    planned = CliRunner().invoke(app, [*root, "plan"], env={})
    assert "item 1: kept, under legal hold 1" in planned.output
    assert "item 2: would be erased" in planned.output
    applied = CliRunner().invoke(app, [*root, "apply"], env={})
    assert applied.exit_code == 0 and "1 item(s) erased; 1 expired but held" in applied.output
    assert "erase" in _run(home, "log", "2").output
    refused = _run(home, "erase", "1", "--reason", "test")
    assert refused.exit_code == 1 and "legal hold 1" in refused.output
    assert _run(home, "verify", "--all").exit_code == 0
