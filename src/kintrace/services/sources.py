"""Sources and aggregate figures: records by source, imports, open quarantine rows, pairs by
review status; the actor's agency only. No names: the analyst sees these too (not audited).

The web's sources page (`figures`) and `kintrace sources` (`listing`) show the same sources:
the actor's agency's (issue 17: the command listed every agency's). Setting a source's kind
(`set_kind`) is audited in the registry, and in a user's place limited to their agency's."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kintrace.accounts.actors import Actor
from kintrace.registry.scope import sources_in_scope
from kintrace.registry.sources import (
    SOURCE_KINDS,
    KindChange,
    RegistryStatus,
    SourceRow,
    count_sources,
    list_sources,
    registry_status,
    set_source_kind,
)
from kintrace.review.queue import queue_counts
from kintrace.services.access import agency_scope
from kintrace.store.registry_tables import ImportBatch, Source

__all__ = [
    "SOURCE_KINDS",
    "KindChange",
    "RegistryStatus",
    "SourceFigures",
    "SourceRow",
    "choices",
    "figures",
    "listing",
    "review_counts",
    "set_kind",
    "totals",
]


@dataclass(frozen=True)
class SourceFigures:
    id: int
    name: str
    kind: str
    description: str | None
    received_on: str | None
    records: int
    imports: int
    quarantined_open: int


def choices(db: Session, actor: Actor) -> list[tuple[int, str]]:
    """(id, name) of the agency's sources, for a filter: no counting, cheap on any size."""
    rows = db.execute(
        select(Source.id, Source.name)
        .where(Source.id.in_(sources_in_scope(actor.agency_id)))
        .order_by(Source.name)
    )
    return [(int(i), str(n)) for i, n in rows]


def figures(db: Session, actor: Actor) -> list[SourceFigures]:
    """Each of the agency's sources with its records, imports and open quarantine rows."""
    imports = dict(
        db.execute(
            select(ImportBatch.source_id, func.count(ImportBatch.id))
            .where(ImportBatch.source_id.in_(sources_in_scope(actor.agency_id)))
            .group_by(ImportBatch.source_id)
        ).all()
    )
    return [
        SourceFigures(
            id=counted.source.id,
            name=counted.source.name,
            kind=counted.source.kind,
            description=counted.source.description,
            received_on=(
                counted.source.received_on.isoformat() if counted.source.received_on else None
            ),
            records=counted.records,
            imports=int(imports.get(counted.source.id, 0)),
            quarantined_open=counted.quarantined_open,
        )
        for counted in count_sources(db, actor.agency_id)
    ]


def review_counts(db: Session, actor: Actor) -> dict[str, int]:
    """Pairs by review status, counting the pairs whose two records belong to the agency."""
    return queue_counts(db, agency_ids={actor.agency_id})


def listing(db: Session, actor: Actor) -> list[SourceRow]:
    """The agency's sources with kind, records, imports, date received and file checksum
    (`kintrace sources`): the same sources as the web's page; the command line's operator's
    are every agency's (decision 0424)."""
    return list_sources(db, agency_id=agency_scope(actor))


def totals(db: Session, actor: Actor) -> RegistryStatus | None:
    """The installation's totals (sources, records, versions, imports, open quarantine rows,
    audit entries): counts only, for the command line's operator (`kintrace sources`,
    `kintrace status`). None for anyone acting as a web user (`--user`): their agency's web
    pages show no other agency's figures, so the command in their place does not either."""
    if actor.role is not None:
        return None
    return registry_status(db)


def set_kind(db: Session, actor: Actor, source: str, kind: str) -> KindChange:
    """Set a source's kind (audited as `registry.source.set_kind`, naming the actor).

    The command line's operator (no role) sets any source's kind. Anyone acting as a user
    (`--user`, KINTRACE_USER) sets only their agency's: another agency's source is refused with
    the message of an unknown source (NotFound), so the refusal does not reveal it exists."""
    return set_source_kind(db, source, kind, actor=actor.name, agency_id=agency_scope(actor))
