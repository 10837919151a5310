"""What the review and case services need to know about records: that they exist, their
source's kind, and when they arrived. Read from the registry's tables, never written."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from kintrace.cases import RecordKey, WorkflowRefused
from kintrace.names.display import display_name
from kintrace.store.registry_tables import Record, RecordVersion, Source


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


class ChildName(NamedTuple):
    """How lists show a record's child: name as written, its Latin form, birth date."""

    written: str
    latin: str
    birth_date: str

    def line(self) -> str:
        """'Коваленко Марія (Kovalenko Mariia), 2014-03-05' ('' parts left out)."""
        text = self.written or "—"
        if self.latin:
            text += f" ({self.latin})"
        return f"{text}, {self.birth_date}" if self.birth_date else text


def child_names(session: Session, keys: Iterable[RecordKey]) -> dict[RecordKey, ChildName]:
    """The current version's name and birth date of each key that is in the registry (names
    first on cases, the queue, work lists and exports; issue 12, finding 3)."""
    wanted = list(dict.fromkeys(keys))
    found: dict[RecordKey, ChildName] = {}
    for start in range(0, len(wanted), 400):
        chunk = wanted[start : start + 400]
        rows = session.execute(
            select(
                Source.name,
                Record.record_id,
                RecordVersion.given_name,
                RecordVersion.family_name,
                RecordVersion.patronymic,
                RecordVersion.full_name,
                RecordVersion.birth_date,
            )
            .join(Source, Source.id == Record.source_id)
            .join(
                RecordVersion,
                (RecordVersion.record_pk == Record.id)
                & (RecordVersion.version == Record.current_version),
            )
            .where(tuple_(Source.name, Record.record_id).in_([tuple(k) for k in chunk]))
        )
        for r in rows:
            name = display_name(
                given_name=r.given_name,
                family_name=r.family_name,
                patronymic=r.patronymic,
                full_name=r.full_name,
            )
            found[RecordKey(r.name, r.record_id)] = ChildName(
                name.written, name.latin, r.birth_date or ""
            )
    return found
