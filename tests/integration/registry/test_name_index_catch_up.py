"""The name index is written by the writers of records, never by a search (decision 0420): the
import's callers catch it up after their commit in short write transactions, on both backends.
All names are synthetic."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event, select, text

from kintrace import audit
from kintrace.accounts.actors import Actor
from kintrace.registry import name_index
from kintrace.registry.importer import import_file
from kintrace.services import records
from kintrace.services.records import SearchQuery
from kintrace.store.engine import WRITE_OPTION, Store
from kintrace.store.web_tables import instance_flags
from support.seed import write_records_csv

ROWS = [  # (source, record_id, given, family, birth_date, birth_place)
    ("list-i", "i1", "Олександр", "Ковальчук", "2012-03-14", "Херсон"),
    ("list-i", "i2", "Марія", "Шевченко", "2010-07-01", "Маріуполь"),
    ("list-i", "i3", "Дарья", "Бондаренко", "2011", "Мелитополь"),
]
ACTOR = Actor(name="test", agency_id=1)


def _search(store: Store, name: str) -> records.SearchResult:
    with store.session() as db:
        audit.defer(db)  # a read: its audit entry is collected, not written here
        return records.search(db, ACTOR, SearchQuery(name=name))


def test_load_import_then_catch_up_in_short_writes_and_search_never_writes(
    store: Store, tmp_path: Path
) -> None:
    import_file(store, write_records_csv(tmp_path / "a.csv", ROWS), actor="test")
    writes: list[str] = []

    def watch(conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        verb = statement.lstrip().split(" ", 1)[0].upper()
        if verb in ("INSERT", "UPDATE", "DELETE"):
            writes.append(statement)

    event.listen(store.engine, "before_cursor_execute", watch)
    try:
        behind = _search(store, "Ковальчук")
    finally:
        event.remove(store.engine, "before_cursor_execute", watch)
    assert writes == []  # the search read the index as it was and wrote nothing
    assert behind.index_behind is True and behind.hits == []

    begins: list[bool] = []

    def count(conn) -> None:  # type: ignore[no-untyped-def]
        begins.append(bool(conn.get_execution_options().get(WRITE_OPTION, False)))

    event.listen(store.engine, "begin", count)
    try:
        assert name_index.catch_up(store, chunk=1) == 3
    finally:
        event.remove(store.engine, "begin", count)
    assert begins.count(True) == 4  # one write per record, then the watermark
    found = _search(store, "Kovalchuk")
    assert found.index_behind is False
    assert [h.record_id for h in found.hits] == ["i1"]
    assert name_index.catch_up(store) == 0  # up to date: one read, nothing written


def test_load_catch_up_reindexes_a_new_version_and_never_moves_the_watermark_back(
    store: Store, tmp_path: Path
) -> None:
    import_file(store, write_records_csv(tmp_path / "a.csv", ROWS), actor="test")
    assert records.catch_up_index(store) == 3
    changed = [("list-i", "i1", "Олександр", "Коваленко", "2012-03-14", "Херсон")]
    import_file(store, write_records_csv(tmp_path / "b.csv", changed), actor="test")
    assert records.catch_up_index(store) == 1
    assert _search(store, "Ковальчук").hits == []
    assert [h.record_id for h in _search(store, "Коваленко").hits] == ["i1"]
    with store.session() as db:
        keys = db.execute(
            text("SELECT count(*) FROM record_name_keys WHERE record_pk = 1 AND version = 1")
        ).scalar_one()
    assert keys == 0  # the old version's keys are gone
    # A catch-up that read an older watermark does not undo a newer one stored meanwhile.
    with store.session(write=True) as db:
        db.execute(
            instance_flags.update()
            .where(instance_flags.c.key == name_index.WATERMARK_FLAG)
            .values(value="batch:99")
        )
    assert records.catch_up_index(store) == 0
    with store.session() as db:
        mark = db.execute(
            select(instance_flags.c.value).where(instance_flags.c.key == name_index.WATERMARK_FLAG)
        ).scalar_one()
    assert mark == "batch:99"
