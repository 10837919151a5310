"""The registry's commands, end to end through the CLI (in-process), on SQLite and PostgreSQL.
Synthetic data only."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from kintrace.cli.app import app
from kintrace.config import Settings
from kintrace.store.engine import open_store

HEADER = ["source", "record_id", "given_name", "family_name", "sex", "birth_date", "notes"]
ROWS = [
    ["family-reports", "1", "Олександр", "Коваленко", "M", "2014-03-05", "SYNTHETIC"],
    ["family-reports", "2", "Марія", "Коваленко", "F", "2016", "SYNTHETIC"],
    ["family-reports", "3", "Іван", "Бондар", "M", "2014-02-30", "SYNTHETIC"],
]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def invoke(settings: Settings, *args: str) -> tuple[int, str]:
    env = {"KINTRACE_DATABASE_URL": "" if settings.is_sqlite else settings.database_url}
    env["COLUMNS"] = "220"
    result = CliRunner().invoke(app, ["--home", str(settings.home), *args], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_import_list_search_show_quarantine_and_verify(settings: Settings, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "reports.csv", ROWS)
    code, output = invoke(settings, "import", str(path))
    assert code == 0, output
    assert "2 new" in output and "1 rejected" in output and "quarantine list" in output
    assert "Коваленко" not in output  # the summary holds counts, not personal data

    code, output = invoke(settings, "import", str(path))
    assert code == 0 and "already imported" in output and "nothing changed" in output

    code, output = invoke(settings, "sources")
    assert code == 0 and "family-reports" in output and "2 records" in output

    code, output = invoke(settings, "records", "search", "коваленко")
    assert code == 0 and "family-reports:1" in output and "family-reports:2" in output

    code, output = invoke(settings, "records", "show", "family-reports:1")
    assert code == 0 and "version 1" in output and "2014-03-05" in output

    code, output = invoke(settings, "records", "show", "family-reports:404")
    assert code == 1 and "no record" in output

    code, output = invoke(settings, "quarantine", "list")
    assert code == 0 and "not a real date" in output and "birth_date" in output

    export = tmp_path / "held.csv"
    code, output = invoke(settings, "quarantine", "export", "--out", str(export))
    assert code == 0 and "1 quarantined row(s)" in output
    rows = list(csv.DictReader(export.open(encoding="utf-8")))
    rows[0]["birth_date"] = "2014-02-28"
    with export.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    code, output = invoke(settings, "import", str(export))
    assert code == 0 and "1 new" in output and "1 quarantined rows resolved" in output

    code, output = invoke(settings, "audit", "verify")
    assert code == 0 and "intact" in output


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("missing.csv", None, "no such file"),
        ("empty.csv", b"", "empty"),
        ("latin.csv", "source;record_id;given_name\nf;1;Hélène\n".encode("cp1252"), "encoding"),
        ("book.xlsx", b"source,record_id,given_name\n", "not one"),
        ("noname.csv", b"source,record_id,nickname\nf,1,Olena\n", "no name column"),
        ("header.csv", b"source,record_id,given_name\n", "no rows"),
    ],
)
def test_bad_files_get_one_clear_message_and_no_traceback(
    sqlite_settings: Settings, tmp_path: Path, name: str, content: bytes | None, words: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    code, output = invoke(sqlite_settings, "import", str(path))
    assert code == 1
    assert words in output and name in output
    assert "Traceback" not in output


def test_a_read_only_home_gets_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "ro"
    home.mkdir()
    home.chmod(0o555)
    if os.geteuid() == 0:  # root ignores permission bits; act as a read-only mount would
        real_access = os.access
        monkeypatch.setattr(
            os,
            "access",
            lambda p, m: False if Path(p) == home and m & os.W_OK else real_access(p, m),
        )
    try:
        result = CliRunner().invoke(app, ["--home", str(home), "sources"], env={})
    finally:
        home.chmod(0o755)
    assert result.exit_code == 1, result.output
    assert "read-only" in result.output and "--home" in result.output
    assert "Traceback" not in result.output


def test_a_newer_schema_is_refused_by_every_command(settings: Settings) -> None:
    store = open_store(settings)
    with store.session() as session:
        session.execute(text("INSERT INTO alembic_version (version_num) VALUES ('9999_future')"))
    store.close()
    for command in (["sources"], ["audit", "verify"], ["records", "search", "x"]):
        code, output = invoke(settings, *command)
        assert code == 1 and "newer Kintrace" in output, command


@pytest.mark.parametrize(
    ("command", "words"),
    [
        (["import", "--help"], "quarantine"),
        (["records", "--help"], "search"),
        (["quarantine", "export", "--help"], "quarantine_reason"),
        (["audit", "verify", "--help"], "first broken entry"),
        (["sources", "--help"], "kind"),
    ],
)
def test_help_reads_well(command: list[str], words: str) -> None:
    result = CliRunner().invoke(app, command, env={"COLUMNS": "200"})
    assert result.exit_code == 0 and words in result.output


def test_import_with_a_manifest_registers_each_source_with_its_kind(
    settings: Settings, tmp_path: Path
) -> None:
    rows = [["", r[1], *r[2:]] for r in ROWS[:2]]
    write_csv(tmp_path / "reports.csv", rows)
    manifest = tmp_path / "sources.json"
    manifest.write_text(
        '{"sources": [{"name": "family_hotline", "file": "reports.csv", "kind": "family",'
        ' "description": "SYNTHETIC test list"}]}',
        encoding="utf-8",
    )
    code, output = invoke(settings, "import", "--manifest", str(manifest))
    assert code == 0, output
    assert "2 new" in output
    code, output = invoke(settings, "sources")
    assert "family_hotline" in output and "family" in output.split("family_hotline", 1)[1]
    code, output = invoke(settings, "import", "--manifest", str(manifest))
    assert "already imported" in output
    code, output = invoke(settings, "import")
    assert code == 1 and "nothing to import" in output


def test_finding_7_audit_checkpoint_and_verify_find_truncation(
    settings: Settings, tmp_path: Path
) -> None:
    """`kintrace audit checkpoint --out FILE`, then the last entries deleted: the chain alone
    passed this before issue 11; `audit verify` (stored checkpoint) and `audit verify
    --checkpoint FILE` (a copy kept elsewhere, after the stored ones are deleted too) fail."""
    code, output = invoke(settings, "import", "--no-link", str(write_csv(tmp_path / "r.csv", ROWS)))
    assert code == 0, output
    copy = tmp_path / "elsewhere.json"
    code, output = invoke(settings, "audit", "checkpoint", "--out", str(copy))
    assert code == 0 and "entries" in output and copy.exists(), output
    code, output = invoke(settings, "audit", "verify")
    assert code == 0 and "intact" in output and "checkpoint" in output, output

    store = open_store(settings)
    with store.session() as session:
        last = session.execute(text("SELECT max(id) FROM audit_log")).scalar_one()
        session.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": last})
    code, output = invoke(settings, "audit", "verify")
    assert code == 1 and "truncation" in output, output
    with store.session() as session:
        session.execute(text("DELETE FROM audit_checkpoints"))
    store.close()
    code, output = invoke(settings, "audit", "verify", "--checkpoint", str(copy))
    assert code == 1 and "truncation" in output and "Traceback" not in output, output
    (tmp_path / "junk.json").write_text("{}", encoding="utf-8")
    code, output = invoke(settings, "audit", "verify", "--checkpoint", str(tmp_path / "junk.json"))
    assert code == 1 and "not an audit checkpoint" in output, output
