"""Importing records files into the registry, on SQLite and PostgreSQL. Synthetic data only."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import text

from kintrace.accounts.actors import Actor
from kintrace.registry.errors import ImportRefused
from kintrace.registry.integrity import verify_registry_audit
from kintrace.registry.quarantine import export_quarantine, list_quarantine
from kintrace.registry.records import show_record
from kintrace.registry.sources import SourceDetails, list_sources
from kintrace.services.records import SearchQuery
from kintrace.services.records import search as search_service
from kintrace.store.engine import Store

from .helpers import HEADER, child, counts, run_import, write_csv


def test_new_rows_then_the_same_file_again_changes_nothing(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "fam.csv", [child(n) for n in range(1, 6)])
    first = run_import(store, path)
    assert (first.new, first.unchanged, first.new_versions, first.rejected) == (5, 0, 0, 0)
    before = counts(store)
    again = run_import(store, path)
    assert again.already_imported and again.batch_id == first.batch_id
    assert counts(store) == before
    with store.session() as session:
        assert verify_registry_audit(session).ok


def test_a_changed_row_becomes_a_new_version_and_the_old_one_is_kept(
    store: Store, tmp_path: Path
) -> None:
    run_import(store, write_csv(tmp_path / "v1.csv", [child(1), child(2), child(3)]))
    changed = [child(1), child(2, notes="SYNTHETIC moved to Podolsk"), child(3), child(4)]
    second = run_import(store, write_csv(tmp_path / "v2.csv", changed))
    assert (second.new, second.unchanged, second.new_versions) == (1, 2, 1)
    with store.session() as session:
        view = show_record(session, "fam", "2")
        assert view.current_version == 2
        assert [v.fields["notes"] for v in view.versions] == [
            "SYNTHETIC",
            "SYNTHETIC moved to Podolsk",
        ]
        assert [v.file_name for v in view.versions] == ["v1.csv", "v2.csv"]
        assert verify_registry_audit(session).ok
    # Reformatting alone (header case, trailing spaces, column order) is not a change.
    reformatted = write_csv(
        tmp_path / "v3.csv",
        [[r[1], r[0], r[2] + " ", *r[3:]] for r in changed],
        header=["Record_ID", "SOURCE", *HEADER[2:]],
    )
    third = run_import(store, reformatted)
    assert (third.new, third.unchanged, third.new_versions) == (0, 4, 0)


def test_valid_rows_go_in_and_bad_rows_are_quarantined_with_reasons(
    store: Store, tmp_path: Path
) -> None:
    rows = [
        child(1),
        ["fam", "2", "Олена", "Іваненко", "F", "2014-02-30", "SYNTHETIC"],
        ["fam", "", "Іван", "Іваненко", "M", "2014", "SYNTHETIC"],
        ["fam", "4", "", "", "M", "2014", "SYNTHETIC"],
        ["fam", "5", "Петро", "Бондар", "M", "2099-01-01", "SYNTHETIC"],
        child(6),
    ]
    summary = run_import(store, write_csv(tmp_path / "mixed.csv", rows))
    assert (summary.new, summary.rejected) == (2, 4)
    with store.session() as session:
        held = list(list_quarantine(session))
    assert [(q.row_number, q.column) for q in held] == [
        (3, "birth_date"),
        (4, "record_id"),
        (5, "given_name"),
        (6, "birth_date"),
    ]
    assert all(q.file_name == "mixed.csv" and q.reason for q in held)
    assert "not a real date" in held[0].reason and "in the future" in held[3].reason
    assert held[0].raw["birth_date"] == "2014-02-30"  # the verbatim row is kept


def test_a_corrected_file_resolves_the_quarantined_rows(store: Store, tmp_path: Path) -> None:
    bad = ["fam", "2", "Олена", "Іваненко", "F", "2014-02-30", "SYNTHETIC"]
    run_import(store, write_csv(tmp_path / "list.csv", [child(1), bad]))
    corrected = [child(1), ["fam", "2", "Олена", "Іваненко", "F", "2014-02-28", "SYNTHETIC"]]
    summary = run_import(store, write_csv(tmp_path / "list-fixed.csv", corrected))
    assert (summary.new, summary.unchanged, summary.resolved) == (1, 1, 1)
    with store.session() as session:
        assert list(list_quarantine(session)) == []
        resolved = list(list_quarantine(session, include_resolved=True))
    assert resolved[0].resolved_by_batch_id == summary.batch_id


def test_the_quarantine_export_can_be_corrected_and_imported_back(
    store: Store, tmp_path: Path
) -> None:
    rows = [child(1), ["fam", "", "Іван", "Іваненко", "M", "2014", "SYNTHETIC"]]
    run_import(store, write_csv(tmp_path / "list.csv", rows))
    with store.session() as session:
        entries = list(list_quarantine(session))
    buffer = io.StringIO()
    assert export_quarantine(entries, buffer) == 1
    header, row = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert header[-5:] == ["quarantine_id", *header[-4:]] and header[-1] == "quarantine_reason"
    assert row[header.index("record_id")] == ""  # the key column is there even when empty
    row[header.index("record_id")] = "77"
    fixed = write_csv(tmp_path / "fixed.csv", [row], header=header)
    summary = run_import(store, fixed)
    assert (summary.new, summary.resolved, summary.rejected) == (1, 1, 0)
    with store.session() as session:
        assert list(list_quarantine(session)) == []
        raw = show_record(session, "fam", "77").versions[0].raw
    assert not any(k.startswith("quarantine_") for k in raw)


def test_duplicate_keys_with_different_content_are_all_held_back(
    store: Store, tmp_path: Path
) -> None:
    rows = [child(1), child(2), child(1, notes="SYNTHETIC other"), child(3), child(3)]
    summary = run_import(store, write_csv(tmp_path / "dups.csv", rows))
    assert (summary.new, summary.unchanged, summary.rejected) == (2, 1, 2)
    with store.session(write=True) as session:
        ids = {h.record_id for h in _search(session, "коваленко")}
        held = sorted((q.row_number, q.record_id) for q in list_quarantine(session))
        assert verify_registry_audit(session).ok
    assert ids == {"2", "3"}  # record 1 is not in the registry: nobody can tell which row is right
    assert held == [(2, "1"), (4, "1")]


def test_a_contradicting_duplicate_takes_back_a_new_version(store: Store, tmp_path: Path) -> None:
    run_import(store, write_csv(tmp_path / "v1.csv", [child(1)]))
    rows = [child(1, notes="SYNTHETIC a"), child(1, notes="SYNTHETIC b")]
    summary = run_import(store, write_csv(tmp_path / "v2.csv", rows))
    assert (summary.new_versions, summary.rejected) == (0, 2)
    with store.session() as session:
        view = show_record(session, "fam", "1")
        assert view.current_version == 1 and len(view.versions) == 1
        assert verify_registry_audit(session).ok


@pytest.mark.parametrize(
    ("header", "rows", "words"),
    [
        (HEADER, [], "header but no rows"),
        (["record_id", "given_name"], [["1", "Олена"]], "no source column"),
        (["source", "record_id", "nickname"], [["fam", "1", "Олена"]], "no name column"),
        (["record_id", "given_name"], [["1", "Олена"]], "not a short id"),
    ],
    ids=["header-only", "no-source", "no-name-column", "bad-source-option"],
)
def test_files_that_cannot_give_a_record_are_refused_and_nothing_is_written(
    store: Store, tmp_path: Path, header: list[str], rows: list[list[str]], words: str
) -> None:
    before = counts(store)
    source = "camp list" if words == "not a short id" else None
    with pytest.raises(ImportRefused, match=words):
        run_import(store, write_csv(tmp_path / "x.csv", rows, header=header), source=source)
    assert counts(store) == before


def test_source_option_and_details(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "camp.csv", [["1", "Александр", "Белоус"]], header=HEADER[1:4])
    details = SourceDetails(kind="camp", description="SYNTHETIC camp list")
    summary = run_import(store, path, source="camp-7", details=details)
    assert summary.new == 1 and summary.sources == ["camp-7"]
    with store.session() as session:
        (row,) = list_sources(session)
    assert (row.name, row.kind, row.records, row.batches) == ("camp-7", "camp", 1, 1)
    assert row.file_sha256 is not None and len(row.file_sha256) == 64


def test_xlsx_and_jsonl_files_import(store: Store, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(child(1))
    sheet.append(["adopt", "9", "Анна", "Петрова", "F", "2013-03-05", "SYNTHETIC"])
    workbook.save(tmp_path / "list.xlsx")
    lines = [json.dumps(dict(zip(HEADER, child(n), strict=True))) for n in (1, 2)]
    (tmp_path / "list.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    xlsx = run_import(store, tmp_path / "list.xlsx")
    jsonl = run_import(store, tmp_path / "list.jsonl")
    assert (xlsx.new, xlsx.file_format) == (2, "xlsx")
    assert (jsonl.new, jsonl.unchanged, jsonl.file_format) == (1, 1, "jsonl")


def test_search_finds_names_in_any_script_and_case(store: Store, tmp_path: Path) -> None:
    rows = [
        ["fam", "1", "ОЛЕКСАНДР", "КОВАЛЕНКО", "M", "2014", "SYNTHETIC"],
        ["fam", "2", "Oleksandr", "Kovalenko", "M", "2014", "SYNTHETIC"],
        ["fam", "3", "Олена", "Бондар", "F", "2014", "SYNTHETIC"],
    ]
    run_import(store, write_csv(tmp_path / "s.csv", rows))
    with store.session(write=True) as session:
        assert [h.record_id for h in _search(session, "олександр")] == ["1", "2"]
        assert [h.record_id for h in _search(session, "KOVALENKO")] == ["1", "2"]
        assert [h.record_id for h in _search(session, "Kowalenko Oleksandr")] == ["1", "2"]
        assert _search(session, "KOVAL") == []  # whole words, not parts of them
        assert _search(session, "Бондар Oleksandr") == []  # every word must match


def test_tampering_with_a_record_version_is_found_by_verify(store: Store, tmp_path: Path) -> None:
    run_import(store, write_csv(tmp_path / "a.csv", [child(1), child(2)]))
    run_import(store, write_csv(tmp_path / "b.csv", [child(3)]))
    with store.session() as session:
        session.execute(
            text("UPDATE record_versions SET content_hash = :h WHERE record_pk = 2"),
            {"h": "0" * 64},
        )
    with store.session() as session:
        result = verify_registry_audit(session)
    assert not result.ok
    assert result.problem is not None and "import batch 1" in result.problem


def test_a_busy_sqlite_database_gives_a_clear_message(
    sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from kintrace.registry.errors import RegistryError

    monkeypatch.setattr("kintrace.store.engine._BUSY_TIMEOUT_MS", 100)
    sqlite_store.engine.dispose()  # new connections take the short timeout
    blocker = sqlite3.connect(sqlite_store.settings.home / "kintrace.db")
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(RegistryError, match="database is busy"):
            run_import(sqlite_store, write_csv(tmp_path / "x.csv", [child(1)]))
    finally:
        blocker.rollback()
        blocker.close()
    assert run_import(sqlite_store, write_csv(tmp_path / "x.csv", [child(1)])).new == 1


def test_repeats_of_a_contradicted_row_are_held_back_too(store: Store, tmp_path: Path) -> None:
    rows = [child(1), child(1), child(2), child(1, notes="SYNTHETIC other")]
    summary = run_import(store, write_csv(tmp_path / "r.csv", rows))
    assert (summary.new, summary.unchanged, summary.rejected) == (1, 0, 3)
    with store.session() as session:
        held = sorted(q.row_number for q in list_quarantine(session))
        assert verify_registry_audit(session).ok
    assert held == [2, 3, 5]  # every row of record 1 is kept in the quarantine


def test_the_same_bad_row_in_a_later_file_is_not_held_twice(store: Store, tmp_path: Path) -> None:
    bad = ["fam", "2", "Олена", "Іваненко", "F", "2014-02-30", "SYNTHETIC"]
    first = run_import(store, write_csv(tmp_path / "a.csv", [child(1), bad]))
    second = run_import(store, write_csv(tmp_path / "b.csv", [child(3), bad]))
    assert first.rejected == second.rejected == 1
    with store.session() as session:
        assert [q.file_name for q in list_quarantine(session)] == ["a.csv"]


def _search(session, name: str):  # type: ignore[no-untyped-def]
    return search_service(session, Actor(name="test"), SearchQuery(name=name)).hits
