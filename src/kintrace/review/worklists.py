"""Work lists: what a caseworker should look at next.

- my cases: open cases assigned to me;
- stalled cases: open cases whose facets have not moved for N days;
- cases with new records: open cases whose child gained a record since I last opened the case
  (a record confirmed into the case, or a newly arrived record the linker put in its person).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kintrace.cases import RecordKey, ReturnStage
from kintrace.review.actors import Actor
from kintrace.review.casework import (
    CaseView,
    case_in_scope,
    case_records,
    case_view,
    require_reader,
)
from kintrace.review.records import arrival_times
from kintrace.store.review_tables import as_utc, case_seen, cases

C = cases.c


@dataclass(frozen=True)
class CaseLine:
    """A case in a work list, with the records that are new to the reader (if asked)."""

    case: CaseView
    new_records: tuple[RecordKey, ...] = ()


def _open_cases(session: Session, agency_ids: set[int] | None) -> list[CaseView]:
    query = select(cases).where(C.return_stage != ReturnStage.CLOSED.value).order_by(C.id)
    if agency_ids is not None:
        query = query.where(case_in_scope(agency_ids))
    return [case_view(r) for r in session.execute(query)]


def list_cases(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    mine: bool = False,
    stalled_days: int | None = None,
    new_records: bool = False,
    include_closed: bool = False,
    agency_ids: set[int] | None = None,
) -> list[CaseLine]:
    """Cases, filtered by the work lists asked for (all of them must hold)."""
    require_reader(actor)
    if include_closed:
        query = select(cases).order_by(C.id)
        if agency_ids is not None:
            query = query.where(case_in_scope(agency_ids))
        found = [case_view(r) for r in session.execute(query)]
    else:
        found = _open_cases(session, agency_ids)
    if mine:
        found = [c for c in found if c.assignee == actor.name]
    if stalled_days is not None:
        cutoff = now - timedelta(days=stalled_days)
        found = [c for c in found if c.last_progress_at < cutoff]
    if not new_records:
        return [CaseLine(c) for c in found]
    seen = {
        r.case_id: as_utc(r.seen_at)
        for r in session.execute(
            select(case_seen.c.case_id, case_seen.c.seen_at).where(
                case_seen.c.username == actor.name
            )
        )
    }
    lines = []
    for case in found:
        fresh = new_records_since(session, case, seen.get(case.id, case.opened_at))
        if fresh:
            lines.append(CaseLine(case, tuple(fresh)))
    return lines


def new_records_since(session: Session, case: CaseView, since: datetime) -> list[RecordKey]:
    """Records of the case (confirmed into it, or in its person) that are new after `since`:
    confirmed into the case after it, or arrived in the registry after it."""
    records = case_records(session, case)
    arrived = arrival_times(session, [r.key for r in records])
    fresh = []
    for record in records:
        times = [t for t in (record.joined_at, arrived.get(record.key)) if t is not None]
        if times and max(as_utc(t) for t in times) > since:
            fresh.append(record.key)
    return sorted(fresh)
