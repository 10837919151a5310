"""The name-key index behind search in any script: one row per key of a record's current version.

Keys come from `kintrace.names`: each word of each name part gives its `name_key` (the same for
Ковальчук, Kovalchuk and Kowaltschuk) and, for given names, the first-name classes that join
Олександр, Александр, Oleksandr and Sasha. Places give keys prefixed "p:".

The index is refreshed when the records change (a cheap watermark: the newest import batch), so
imports from the command line are searchable without restarting the server.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import and_, delete, func, insert, select
from sqlalchemy.orm import Session

from kintrace.names.keys import name_key
from kintrace.registry.scope import source_agency
from kintrace.store.registry_tables import ImportBatch, Record, RecordVersion
from kintrace.store.web_tables import instance_flags, record_name_keys, source_agencies

WATERMARK_FLAG = "name_keys_watermark"
_BATCH = 5000


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


def refresh(db: Session, *, force: bool = False) -> int:
    """Bring the index up to date; return how many records were (re)indexed."""
    mark = _watermark(db)
    stored = db.execute(
        select(instance_flags.c.value).where(instance_flags.c.key == WATERMARK_FLAG)
    ).scalar_one_or_none()
    if stored == mark and not force:
        return 0
    indexed = (
        select(record_name_keys.c.record_pk, func.max(record_name_keys.c.version).label("v"))
        .group_by(record_name_keys.c.record_pk)
        .subquery()
    )
    stale = db.execute(
        select(Record.id, Record.current_version, source_agency().label("agency"))
        .outerjoin(indexed, indexed.c.record_pk == Record.id)
        .outerjoin(source_agencies, source_agencies.c.source_id == Record.source_id)
        .where((indexed.c.record_pk.is_(None)) | (indexed.c.v != Record.current_version))
    ).all()
    done = 0
    for chunk in _chunks(stale, _BATCH):
        ids = [row.id for row in chunk]
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
        agency = {row.id: row.agency for row in chunk}
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
        done += len(ids)
    _store_watermark(db, mark)
    return done


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
