"""Sources: the lists Kintrace receives, and a summary of what the registry holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kintrace import audit
from kintrace.registry.errors import NotFound, RegistryError
from kintrace.registry.scope import sources_in_scope
from kintrace.store.registry_tables import (
    ImportBatch,
    QuarantinedRow,
    Record,
    RecordVersion,
    Source,
)

SOURCE_KINDS = ("family", "registry", "camp", "adoption", "partner", "answer", "unknown")


@dataclass(frozen=True)
class SourceDetails:
    """What the importer may say about a source the first time it sees it (or to update it)."""

    kind: str | None = None
    description: str | None = None
    received_on: date | None = None


@dataclass(frozen=True)
class SourceRow:
    name: str
    kind: str
    description: str | None
    received_on: date | None
    file_sha256: str | None
    records: int
    batches: int


@dataclass(frozen=True)
class RegistryStatus:
    sources: int
    records: int
    versions: int
    batches: int
    quarantined_open: int
    audit_entries: int


def ensure_source(
    session: Session,
    name: str,
    *,
    actor: str,
    details: SourceDetails | None = None,
    deferred_audit: list[dict[str, Any]] | None = None,
) -> Source:
    """The source called `name`, created (and audited) if new; details given update it.

    With `deferred_audit`, the audit entries are collected there for the caller to append later
    (the importer appends them at the end, so it holds the audit lock only briefly).
    """

    def record(entry: dict[str, Any]) -> None:
        if deferred_audit is not None:
            deferred_audit.append(entry)
        else:
            audit.append(session, **entry)

    source = session.scalars(select(Source).where(Source.name == name)).one_or_none()
    details = details or SourceDetails()
    if source is None:
        source = Source(
            name=name,
            kind=details.kind or "unknown",
            description=details.description,
            received_on=details.received_on,
            created_at=datetime.now(UTC),
        )
        session.add(source)
        session.flush()
        record(
            dict(
                actor=actor,
                action="registry.source.create",
                entity_type="source",
                entity_id=source.id,
                details={"name": name, "kind": source.kind},
            )
        )
        return source
    changes = {
        field: value
        for field, value in (
            ("kind", details.kind),
            ("description", details.description),
            ("received_on", details.received_on),
        )
        if value is not None and getattr(source, field) != value
    }
    if changes:
        for field, value in changes.items():
            setattr(source, field, value)
        session.flush()
        record(
            dict(
                actor=actor,
                action="registry.source.update",
                entity_type="source",
                entity_id=source.id,
                details={k: str(v) for k, v in changes.items()},
            )
        )
    return source


def get_source(session: Session, name: str, *, agency_id: int | None = None) -> Source:
    """The source called `name`; with `agency_id`, only if that agency's. A source of another
    agency is refused with the very message of an unknown one, so the refusal does not tell
    that it exists (`kintrace.registry.scope`)."""
    stmt = select(Source).where(Source.name == name)
    if agency_id is not None:
        stmt = stmt.where(Source.id.in_(sources_in_scope(agency_id)))
    source = session.scalars(stmt).one_or_none()
    if source is None:
        raise NotFound(f"There is no source '{name}'. `kintrace sources` lists them.")
    return source


class UnknownKind(RegistryError):
    """A source kind that is not one of `SOURCE_KINDS`."""


@dataclass(frozen=True)
class KindChange:
    source: str
    previous: str
    kind: str

    @property
    def changed(self) -> bool:
        return self.previous != self.kind


def set_source_kind(
    session: Session, name: str, kind: str, *, actor: str, agency_id: int | None = None
) -> KindChange:
    """Set the kind of source `name` (audited as `registry.source.set_kind`); with `agency_id`,
    only a source of that agency (another agency's is refused as unknown, `get_source`).

    The kind tells linkage how to read the source's records (an adoption listing's replaced
    surnames say nothing against a match), so the next `kintrace link` rescores the records of
    a source whose kind changed (docs/linkage.md). Setting the kind it already has changes
    nothing and writes no audit entry. Which agency a source belongs to is not changed.
    """
    wanted = kind.strip().lower()
    if wanted not in SOURCE_KINDS:
        raise UnknownKind(f"'{kind}' is not a source kind; use one of: {', '.join(SOURCE_KINDS)}.")
    source = get_source(session, name, agency_id=agency_id)
    change = KindChange(source=source.name, previous=source.kind, kind=wanted)
    if not change.changed:
        return change
    source.kind = wanted
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="registry.source.set_kind",
        entity_type="source",
        entity_id=source.id,
        details={"name": source.name, "kind": wanted, "previous_kind": change.previous},
    )
    return change


def list_sources(session: Session, *, agency_id: int | None = None) -> list[SourceRow]:
    """Every source with its records and imports; with `agency_id`, that agency's sources only
    (the same rule as the web's sources page, `kintrace.registry.scope`)."""
    records = (
        select(Record.source_id, func.count().label("n")).group_by(Record.source_id).subquery()
    )
    batch_counts = (
        select(Record.source_id, func.count(func.distinct(RecordVersion.batch_id)).label("n"))
        .join(RecordVersion, RecordVersion.record_pk == Record.id)
        .group_by(Record.source_id)
        .subquery()
    )
    stmt = (
        select(
            Source,
            func.coalesce(records.c.n, 0),
            func.coalesce(batch_counts.c.n, 0),
        )
        .outerjoin(records, records.c.source_id == Source.id)
        .outerjoin(batch_counts, batch_counts.c.source_id == Source.id)
        .order_by(Source.name)
    )
    if agency_id is not None:
        stmt = stmt.where(Source.id.in_(sources_in_scope(agency_id)))
    rows = session.execute(stmt).all()
    return [
        SourceRow(
            name=s.name,
            kind=s.kind,
            description=s.description,
            received_on=s.received_on,
            file_sha256=s.file_sha256,
            records=int(n_records),
            batches=int(n_batches),
        )
        for s, n_records, n_batches in rows
    ]


@dataclass(frozen=True)
class SourceCount:
    """One of an agency's sources, with its records and its rows held back and not resolved."""

    source: Source
    records: int
    quarantined_open: int


def count_sources(session: Session, agency_id: int | None) -> list[SourceCount]:
    """The sources `agency_id` may see (None: every source), by name, each with its records and
    open quarantine rows.

    What the sources page and the dashboard count alike. A held-back row names its source (it may
    have been refused before the source existed), so open rows are counted by source name. Three
    queries, however many sources.
    """
    scoped = sources_in_scope(agency_id)
    records = dict(
        session.execute(
            select(Record.source_id, func.count(Record.id))
            .where(Record.source_id.in_(scoped))
            .group_by(Record.source_id)
        ).all()
    )
    quarantined = dict(
        session.execute(
            select(QuarantinedRow.source_name, func.count(QuarantinedRow.id))
            .where(QuarantinedRow.resolved_at.is_(None))
            .group_by(QuarantinedRow.source_name)
        ).all()
    )
    sources = session.execute(
        select(Source).where(Source.id.in_(scoped)).order_by(Source.name)
    ).scalars()
    return [
        SourceCount(
            source=source,
            records=int(records.get(source.id, 0)),
            quarantined_open=int(quarantined.get(source.name, 0)),
        )
        for source in sources
    ]


def registry_status(session: Session) -> RegistryStatus:
    from kintrace.store.audit_tables import AuditEntry

    def count(table: type[Any]) -> int:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)

    open_rows = select(func.count()).where(QuarantinedRow.resolved_at.is_(None))
    return RegistryStatus(
        sources=count(Source),
        records=count(Record),
        versions=count(RecordVersion),
        batches=count(ImportBatch),
        quarantined_open=int(session.scalar(open_rows) or 0),
        audit_entries=count(AuditEntry),
    )
