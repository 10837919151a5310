"""What the review and case services need to know about records: that they exist, their
source's kind, and when they arrived. Read from the registry's tables, never written."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from kintrace.cases import RecordKey, WorkflowRefused
from kintrace.store.registry_tables import Record, Source


class UnknownRecord(WorkflowRefused):
    """A record key that is not in the registry."""


def _per_record(
    session: Session, keys: Iterable[RecordKey], column: InstrumentedAttribute[Any]
) -> dict[RecordKey, Any]:
    """`column` (of the record or its source) for each key that is in the registry."""
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return {}
    rows = session.execute(
        select(Source.name, Record.record_id, column.label("value"))
        .join(Source, Source.id == Record.source_id)
        .where(tuple_(Source.name, Record.record_id).in_([tuple(k) for k in wanted]))
    )
    return {RecordKey(r.name, r.record_id): r.value for r in rows}


def source_kinds(session: Session, keys: Iterable[RecordKey]) -> dict[RecordKey, str]:
    """The kind of each key's source, for the keys that exist."""
    return _per_record(session, keys, Source.kind)


def require_records(session: Session, keys: Iterable[RecordKey]) -> dict[RecordKey, str]:
    """Like `source_kinds`, but refuses with a clear message when a key is not in the registry."""
    wanted = list(dict.fromkeys(keys))
    found = source_kinds(session, wanted)
    missing = [str(k) for k in wanted if k not in found]
    if missing:
        raise UnknownRecord(
            f"No record {', '.join(missing)} in the registry: check the source name and the "
            "record id (`kintrace records show SOURCE:ID`), or import the list first."
        )
    return found


def arrival_times(session: Session, keys: Iterable[RecordKey]) -> dict[RecordKey, datetime]:
    """When each record (its first version) came into the registry."""
    return _per_record(session, keys, Record.created_at)
