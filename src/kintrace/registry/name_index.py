"""The name-key index behind search in any script: one row per key of a record's current version.

Keys come from `kintrace.names`: each word of each name part gives its `name_key` (the same for
Ковальчук, Kovalchuk and Kowaltschuk) and, for given names, the first-name classes that join
Олександр, Александр, Oleksandr and Sasha. Places give keys prefixed "p:".

The index is brought up to date after the records change (a cheap watermark: the newest import
batch says whether it is behind): by the import's callers right after its commit, and by the web
app when it starts or when a search finds it behind. Readers never write it (decision 0420): a
search runs in a read transaction, which on SQLite cannot become a write while an import or a
link run holds the lock.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import and_, delete, func, insert, select, text
from sqlalchemy.orm import Session

from kintrace.names.keys import name_key
from kintrace.registry.scope import source_agency
from kintrace.store.engine import Store
from kintrace.store.registry_tables import ImportBatch, Record, RecordVersion
from kintrace.store.web_tables import instance_flags, record_name_keys, source_agencies

WATERMARK_FLAG = "name_keys_watermark"
_BATCH = 5000
#: Records indexed per write transaction by `catch_up`: about a tenth of a second of the write
#: lock on a busy machine (names are keyed at some 5,000 records/s), so a page waiting to write
#: its audit entry waits no longer than that.
CATCH_UP_CHUNK = 500
#: Arbitrary constant naming the advisory lock of index writers on PostgreSQL ("KTNX").
_PG_LOCK_KEY = 0x4B54_4E58


def given_name_keys(word: str) -> set[str]:
    """Keys of one given-name word: its name key plus its first-name classes ("c:<id>")."""
    keys = {name_key(word)}
    classes = _given_name_classes()
    if classes is not None:
        keys.update(f"c:{c}" for c in classes(word))
    keys.discard("")
    return keys


def _given_name_classes():
    """`kintrace.names.given_name_classes` once the names area publishes it, else None."""
    try:
        from kintrace import names
    except ImportError:  # pragma: no cover
        return None
    return getattr(names, "given_name_classes", None)


def _words(text: str | None) -> list[str]:
    return [w for w in name_key(text or "").split(" ") if w] if text else []


def record_keys(version: RecordVersion | object) -> set[str]:
    """Every index key of one record version."""
    keys: set[str] = set()
    given = getattr(version, "given_name", None)
    full = getattr(version, "full_name", None)
    for part in (given, full):
        for raw_word in (part or "").replace("-", " ").split():
            keys.update(given_name_keys(raw_word))
    for part in (
        getattr(version, "family_name", None),
        getattr(version, "patronymic", None),
        full,
    ):
        keys.update(_words(part))
    places = (getattr(version, "birth_place", None), getattr(version, "last_known_place", None))
    for place in places:
        key = name_key(place or "")
        if key:
            keys.add("p:" + key)
    return {k[:120] for k in keys if k}


def _watermark(db: Session) -> str:
    """Records change only through imports, one batch each, committed with its records: the
    newest batch id says whether the index may be stale (a primary-key lookup, O(1))."""
    last = db.execute(select(func.max(ImportBatch.id))).scalar_one_or_none()
    return f"batch:{last or 0}"


def _stored_watermark(db: Session) -> str | None:
    return db.execute(
        select(instance_flags.c.value).where(instance_flags.c.key == WATERMARK_FLAG)
    ).scalar_one_or_none()


def behind(db: Session) -> bool:
    """Whether a list was imported since the index was last brought up to date (two
    primary-key lookups): its records are not found by search until `catch_up` has run."""
    return _batch_of(_stored_watermark(db)) < _batch_of(_watermark(db))


def refresh(db: Session, *, force: bool = False) -> int:
    """Bring the index up to date in the caller's write transaction; return how many records
    were (re)indexed. `catch_up` does the same in short transactions of its own."""
    _serialise(db)
    mark = _watermark(db)
    if _stored_watermark(db) == mark and not force:
        return 0
    done = 0
    for ids in _chunks(_stale_records(db), _BATCH):
        done += _index(db, ids)
    _store_watermark(db, mark)
    return done


def catch_up(store: Store, *, chunk: int = CATCH_UP_CHUNK) -> int:
    """Bring the index up to date in short write transactions of `chunk` records each, so other
    writers (a page's audit entry) never wait long for the database; return how many records
    were (re)indexed. Readers never write the index (decision 0420): the import's callers run
    this after its commit, the web app when it starts and when a search finds it behind.
    Another catch-up at the same time is harmless: each chunk re-reads the current versions
    under the index's lock, and the watermark only moves forward."""
    with store.session() as db:
        mark = _watermark(db)
        if _batch_of(_stored_watermark(db)) >= _batch_of(mark):
            return 0
        stale = [row.id for row in _stale_records(db)]
    done = 0
    for ids in _chunks(stale, chunk):
        with store.session(write=True) as db:
            _serialise(db)
            done += _index(db, ids)
    with store.session(write=True) as db:
        _serialise(db)
        if _batch_of(_stored_watermark(db)) < _batch_of(mark):
            _store_watermark(db, mark)
    return done


def _serialise(db: Session) -> None:
    """One index writer at a time on PostgreSQL (the table has no unique key to stop two from
    inserting the same keys); SQLite has one writer anyway."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})


def _batch_of(mark: str | None) -> int:
    try:
        return int((mark or "").removeprefix("batch:"))
    except ValueError:
        return -1


def _stale_records(db: Session) -> list[Any]:
    """Records whose current version has no keys in the index (ids, in id order)."""
    indexed = (
        select(record_name_keys.c.record_pk, func.max(record_name_keys.c.version).label("v"))
        .group_by(record_name_keys.c.record_pk)
        .subquery()
    )
    return list(
        db.execute(
            select(Record.id)
            .outerjoin(indexed, indexed.c.record_pk == Record.id)
            .where((indexed.c.record_pk.is_(None)) | (indexed.c.v != Record.current_version))
            .order_by(Record.id)
        ).all()
    )


def _index(db: Session, ids: list[int]) -> int:
    """Replace the keys of these records by those of their current versions (as this
    transaction sees them); returns how many records were indexed."""
    ids = [getattr(i, "id", i) for i in ids]
    agency: dict[int, str | None] = dict(
        db.execute(
            select(Record.id, source_agency().label("agency"))
            .outerjoin(source_agencies, source_agencies.c.source_id == Record.source_id)
            .where(Record.id.in_(ids))
        ).all()
    )
    db.execute(delete(record_name_keys).where(record_name_keys.c.record_pk.in_(ids)))
    versions = db.execute(
        select(RecordVersion)
        .join(
            Record,
            and_(
                Record.id == RecordVersion.record_pk,
                Record.current_version == RecordVersion.version,
            ),
        )
        .where(Record.id.in_(ids))
    ).scalars()
    rows = [
        {
            "record_pk": v.record_pk,
            "version": v.version,
            "key": key,
            "agency_id": agency[v.record_pk],
        }
        for v in versions
        for key in sorted(record_keys(v))
    ]
    if rows:
        db.execute(insert(record_name_keys), rows)
    return len(agency)


def _store_watermark(db: Session, mark: str) -> None:
    db.execute(delete(instance_flags).where(instance_flags.c.key == WATERMARK_FLAG))
    db.execute(insert(instance_flags).values(key=WATERMARK_FLAG, value=mark[:200]))


def _chunks(rows: Iterable[object], size: int) -> Iterator[list]:
    chunk: list = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
