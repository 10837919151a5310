"""Lists as bureaus keep them are imported (issue 12, finding 1): Windows-1251 with ';',
Ukrainian or Russian headers, dd.mm.yyyy dates, a title row, a two-row merged header, no id
column. SQLite and PostgreSQL; all names and dates are synthetic."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from kintrace.registry.errors import ImportRefused
from kintrace.registry.importer import import_file
from kintrace.registry.mapfile import ReadOptions
from kintrace.registry.quarantine import list_quarantine
from kintrace.registry.validation import DERIVED_ID
from kintrace.store.engine import Store
from kintrace.store.registry_tables import Record, RecordVersion, Source
from support.bureau import (
    UKRAINIAN_HEADER,
    camp_list_csv,
    children,
    family_list_csv,
    family_list_xlsx,
)


def _fields(store: Store, source: str) -> list[dict[str, object]]:
    with store.session() as session:
        rows = session.execute(
            select(Record.record_id, RecordVersion)
            .join(Source, Source.id == Record.source_id)
            .join(
                RecordVersion,
                (RecordVersion.record_pk == Record.id)
                & (RecordVersion.version == Record.current_version),
            )
            .where(Source.name == source)
            .order_by(RecordVersion.row_number)
        ).all()
    return [
        {
            "record_id": record_id,
            "family_name": v.family_name,
            "given_name": v.given_name,
            "patronymic": v.patronymic,
            "birth_date": v.birth_date,
            "sex": v.sex,
            "birth_place": v.birth_place,
        }
        for record_id, v in rows
    ]


def test_a_windows_1251_list_with_ukrainian_headers_and_day_first_dates(
    store: Store, tmp_path: Path
) -> None:
    """Finding 1: the list was read, then refused ("no record_id column", "no name column")."""
    kids = children(3)
    path = family_list_csv(tmp_path / "список.csv", kids)
    summary = import_file(store, path, actor="test", source="kyiv-bureau")
    assert (summary.encoding, summary.delimiter) == ("cp1251", ";")
    assert (summary.rows_read, summary.new, summary.rejected) == (3, 3, 0)
    assert summary.derived_ids
    assert summary.mapping is not None
    assert [summary.mapping.target(h) for h in UKRAINIAN_HEADER] == [
        "family_name", "given_name", "patronymic", "birth_date", "sex", "birth_place",
    ]  # fmt: skip
    stored = _fields(store, "kyiv-bureau")
    first = kids[0].ukrainian()
    assert stored[0] | {"record_id": "-"} == {
        "record_id": "-",
        "family_name": first[0],
        "given_name": first[1],
        "patronymic": first[2],
        "birth_date": kids[0].born.isoformat(),  # 05.03.2014 read day-first
        "sex": "F" if kids[0].female else "M",  # "жін." / "чол."
        "birth_place": first[5],
    }
    assert all(DERIVED_ID.match(str(r["record_id"])) for r in stored)


def test_reimporting_an_id_less_list_changes_nothing(store: Store, tmp_path: Path) -> None:
    """Ids derived from each row's content: the same list again, or re-saved with a title row
    and the header typed with another apostrophe, changes nothing; a changed row is new."""
    kids = children(4)
    first = import_file(store, family_list_csv(tmp_path / "a.csv", kids), actor="t", source="b")
    assert first.new == 4
    again = import_file(store, family_list_csv(tmp_path / "a.csv", kids), actor="t", source="b")
    assert again.already_imported
    resaved = tmp_path / "b.csv"
    family_list_csv(resaved, kids, title=True)
    resaved.write_bytes(
        resaved.read_bytes().replace("Ім'я".encode("cp1251"), "Ім’я".encode("cp1251"))
    )
    second = import_file(store, resaved, actor="t", source="b")
    assert (second.new, second.unchanged, second.new_versions, second.header_row) == (0, 4, 0, 2)
    ids = {r["record_id"] for r in _fields(store, "b")}
    assert len(ids) == 4


def test_repeated_rows_count_once_and_look_alikes_are_held_back(
    store: Store, tmp_path: Path
) -> None:
    """Without an id column, two rows describing a child the same way are one record if they
    are identical, and both held back if other details differ (nobody can tell them apart)."""
    kids = children(3)
    path = tmp_path / "dups.csv"
    header = ";".join([*UKRAINIAN_HEADER, "Примітки"])
    rows = [";".join([*k.ukrainian(), "СИНТЕТИЧНІ"]) for k in kids]
    look_alike = ";".join([*kids[1].ukrainian(), "СИНТЕТИЧНІ, інша примітка"])
    text = "\r\n".join([header, rows[0], rows[0], rows[1], look_alike, rows[2]]) + "\r\n"
    path.write_bytes(text.encode("cp1251"))
    summary = import_file(store, path, actor="t", source="dups")
    assert (summary.new, summary.repeated, summary.rejected) == (2, 1, 2)
    with store.session() as session:
        held = [q for q in list_quarantine(session) if q.file_name == "dups.csv"]
    assert sorted(q.row_number for q in held) == [4, 5]
    assert all("no id column" in q.reason for q in held)


def test_an_xlsx_with_a_title_row_and_a_two_row_merged_header(store: Store, tmp_path: Path) -> None:
    kids = children(3)
    path = family_list_xlsx(tmp_path / "список.xlsx", kids)
    summary = import_file(store, path, actor="t", source="xlsx-bureau")
    assert (summary.header_row, summary.header_rows, summary.new) == (2, 2, 3)
    stored = _fields(store, "xlsx-bureau")
    assert [r["given_name"] for r in stored] == [k.given[0] for k in kids]
    assert stored[0]["birth_date"] == kids[0].born.isoformat()


def test_a_russian_list_with_a_serial_number_column(store: Store, tmp_path: Path) -> None:
    """ "№ п/п" is a row number (it moves when the list is re-sorted): not the id."""
    kids = children(3)
    summary = import_file(store, camp_list_csv(tmp_path / "лагерь.csv", kids), actor="t",
                          source="camp")  # fmt: skip
    assert summary.derived_ids and summary.new == 3
    resorted = camp_list_csv(tmp_path / "лагерь2.csv", list(reversed(kids)))
    again = import_file(store, resorted, actor="t", source="camp")
    assert (again.new, again.unchanged, again.new_versions) == (0, 3, 0)


def test_a_month_first_list_is_refused_whole_unless_said(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "us.csv"
    path.write_text(
        "Surname,First name,Date of birth\n"
        "Kovalenko,Mariia,03/05/2014\n"  # ambiguous
        "Bilous,Oleh,11/17/2012\n",  # month first only
        encoding="utf-8",
    )
    with pytest.raises(ImportRefused, match="month-first"):
        import_file(store, path, actor="t", source="us")
    with store.session() as session:
        assert session.scalar(select(Source.id).where(Source.name == "us")) is None
    summary = import_file(
        store, path, actor="t", source="us", read=ReadOptions(date_order="month-first")
    )
    assert (summary.new, summary.rejected) == (2, 0)
    assert sorted(str(r["birth_date"]) for r in _fields(store, "us")) == [
        "2012-11-17", "2014-03-05",
    ]  # fmt: skip


def test_a_source_does_not_mix_derived_and_given_ids(store: Store, tmp_path: Path) -> None:
    kids = children(2)
    import_file(store, family_list_csv(tmp_path / "a.csv", kids), actor="t", source="mix")
    with_ids = tmp_path / "ids.csv"
    with_ids.write_text("record_id,given_name\n1,Олена\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match="imported without one"):
        import_file(store, with_ids, actor="t", source="mix")
    import_file(store, with_ids, actor="t", source="with-ids")
    with pytest.raises(ImportRefused, match="have ids from one"):
        import_file(store, family_list_csv(tmp_path / "b.csv", kids), actor="t",
                    source="with-ids")  # fmt: skip


def test_the_same_file_read_another_way_is_a_new_import(store: Store, tmp_path: Path) -> None:
    path = family_list_csv(tmp_path / "a.csv", children(2))
    import_file(store, path, actor="t", source="m")
    other = ReadOptions(date_order="month-first")
    summary = import_file(store, path, actor="t", source="m", read=other)
    assert not summary.already_imported  # read again, as asked
    assert summary.unchanged == 2  # no slashed date in it: the same records


def test_a_map_naming_an_id_column_the_file_lacks_is_refused(store: Store, tmp_path: Path) -> None:
    path = family_list_csv(tmp_path / "a.csv", children(2))
    with pytest.raises(ImportRefused, match="as the id column"):
        import_file(store, path, actor="t", source="m",
                    read=ReadOptions(columns={"Номер справи": "record_id"}))  # fmt: skip


def test_a_held_back_row_of_an_id_less_list_is_corrected_through_the_export(
    store: Store, tmp_path: Path
) -> None:
    """The quarantine export of a bureau list imports back: the corrected row gets its derived
    id and resolves its entry."""
    import csv
    import io

    from kintrace.registry.quarantine import export_quarantine

    kids = children(3)
    path = tmp_path / "list.csv"
    family_list_csv(path, kids)
    text = path.read_bytes().decode("cp1251")
    path.write_bytes(text.replace(kids[1].ukrainian()[3], "31.02.2014").encode("cp1251"))
    summary = import_file(store, path, actor="t", source="fix")
    assert (summary.new, summary.rejected) == (2, 1)
    with store.session() as session:
        entries = list(list_quarantine(session))
    buffer = io.StringIO()
    export_quarantine(entries, buffer)
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    rows[0]["Дата народження"] = kids[1].ukrainian()[3]
    fixed = tmp_path / "fixed.csv"
    with fixed.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    again = import_file(store, fixed, actor="t", source="fix")
    assert (again.new, again.resolved, again.rejected) == (1, 1, 0)
    stored = _fields(store, "fix")
    assert len(stored) == 3 and all(DERIVED_ID.match(str(r["record_id"])) for r in stored)


def test_an_exported_row_without_its_id_stays_held_back_for_a_source_with_ids(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "ids.csv"
    path.write_text("record_id,given_name\n1,Олена\n,Марія\n", encoding="utf-8")
    assert import_file(store, path, actor="t", source="ids").rejected == 1
    export = tmp_path / "export.csv"
    with store.session() as session:
        (entry,) = list(list_quarantine(session))
    export.write_text(
        f"source,record_id,given_name,quarantine_id\nids,,Марія,{entry.id}\n", encoding="utf-8"
    )
    again = import_file(store, export, actor="t")
    assert (again.new, again.rejected, again.resolved) == (0, 1, 0)
