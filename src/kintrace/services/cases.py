"""Cases: work lists, opening a case, one case with its records, decisions and timeline, the
moves the reviewer's role may make, and assignment; for the case pages, the JSON API and
`kintrace cases ...` alike.

Over `kintrace.review.casework` / `worklists`: this module scopes cases to the reviewer's agency
(another agency's case is "not found"; the command line's operator sees every agency's, decision
0510), leaves out records another agency owns, and merges the records, decisions and events into
one timeline. Showing a case marks it seen by the reader (the "new records" work list).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from kintrace.accounts.users import list_users
from kintrace.cases import (
    CASE_ROLES,
    Change,
    Facet,
    RecordKey,
    ReviewPolicy,
    Role,
    WorkflowRefused,
    allowed_moves,
)
from kintrace.cases import refusals as case_refusals
from kintrace.cases.transitions import Rule
from kintrace.review import casework, decisions, worklists
from kintrace.review.casework import CaseEvent, CaseNotFound, CaseRecord, CaseView
from kintrace.review.records import ChildName, child_names
from kintrace.review.scope import keys_in_scope
from kintrace.services.review import Reviewer
from kintrace.store.registry_tables import Record, Source

__all__ = [
    "CaseEvent",
    "CaseLine",
    "CaseNotFound",
    "CasePage",
    "CaseRecord",
    "CaseView",
    "ChildName",
    "RecordLine",
    "TimelineEntry",
]

CaseLine = worklists.CaseLine


@dataclass(frozen=True)
class RecordLine:
    key: RecordKey
    how: str  # subject | confirmed | linked
    pk: int | None
    joined_at: datetime | None
    arrived_at: datetime | None


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # record | decision | opened | transition | assigned
    actor: str
    event: CaseEvent | None = None
    decision: decisions.DecisionRow | None = None
    record: RecordLine | None = None


@dataclass(frozen=True)
class CasePage:
    case: CaseView
    records: list[RecordLine]
    hidden_records: int  # records of other agencies behind the case: counted, never shown
    decisions: list[decisions.DecisionRow]
    timeline: list[TimelineEntry]
    moves: list[Rule]
    assignees: list[str]
    can_assign: bool
    person_id: str | None
    facets: tuple[str, ...] = field(default=tuple(f.value for f in Facet))


def list_page(
    db: Session,
    reviewer: Reviewer,
    *,
    now: datetime,
    mine: bool = False,
    stalled_days: int | None = None,
    new_records: bool = False,
    include_closed: bool = False,
) -> list[worklists.CaseLine]:
    return worklists.list_cases(
        db,
        actor=reviewer.acting,
        now=now,
        mine=mine,
        stalled_days=stalled_days,
        new_records=new_records,
        include_closed=include_closed,
        agency_ids=reviewer.agency_ids,
    )


def names_of(db: Session, keys: list[RecordKey]) -> dict[RecordKey, ChildName]:
    """The child's name of each record (the case lists show names first)."""
    return child_names(db, keys)


def get(db: Session, reviewer: Reviewer, *, case_id: int) -> CaseView:
    """The case if it belongs to the reviewer's agency; CaseNotFound otherwise (as if absent)."""
    return casework.get_case(db, case_id, agency_ids=reviewer.agency_ids)


def _visible(db: Session, reviewer: Reviewer, keys: list[RecordKey]) -> set[RecordKey]:
    scope = reviewer.agency_ids
    return set(keys) if scope is None else keys_in_scope(db, keys, scope)


def case_page(db: Session, reviewer: Reviewer, *, case_id: int, now: datetime) -> CasePage:
    """The case with everything behind it; marks it seen by the reviewer and audits the read."""
    case = get(db, reviewer, case_id=case_id)
    casework.mark_seen(db, actor=reviewer.acting, case_id=case_id, now=now)
    behind = casework.case_records(db, case)
    visible = _visible(db, reviewer, [r.key for r in behind])
    lines = _record_lines(db, [r for r in behind if r.key in visible])
    found: dict[int, decisions.DecisionRow] = {}
    for line in lines:
        for row in decisions.decisions_for(db, key=line.key, limit=200):
            if row.left in visible and row.right in visible:
                found[row.id] = row
    rows = sorted(found.values(), key=lambda d: d.id)
    events = casework.timeline(db, case_id)
    entries = [TimelineEntry(e.at, e.kind, e.actor, event=e) for e in events]
    entries += [TimelineEntry(d.decided_at, "decision", d.reviewer, decision=d) for d in rows]
    entries += [
        TimelineEntry(line.arrived_at, "record", "", record=line)
        for line in lines
        if line.arrived_at is not None
    ]
    entries.sort(key=lambda e: e.at)
    role = reviewer.role
    me = reviewer.name
    assignees = sorted(
        u.username
        for u in list_users(db, agency_id=reviewer.agency_id)
        if not u.disabled and Role(u.role.value) in CASE_ROLES
    )
    if role is Role.CASEWORKER:
        assignees = [a for a in assignees if a == me or case.assignee == me]
    return CasePage(
        case=case,
        records=lines,
        hidden_records=len(behind) - len(lines),
        decisions=rows,
        timeline=entries,
        moves=allowed_moves(case.state, role),
        assignees=assignees,
        can_assign=role is Role.ADMIN or (role is Role.CASEWORKER and case.assignee in (None, me)),
        person_id=casework.person_of(db, case.subject),
    )


def _record_lines(db: Session, records: list[CaseRecord]) -> list[RecordLine]:
    if not records:
        return []
    rows = db.execute(
        select(Source.name, Record.record_id, Record.id, Record.created_at)
        .join(Source, Source.id == Record.source_id)
        .where(tuple_(Source.name, Record.record_id).in_([tuple(r.key) for r in records]))
    )
    found = {RecordKey(r[0], r[1]): (int(r[2]), _utc(r[3])) for r in rows}
    return [
        RecordLine(
            key=r.key,
            how=r.how,
            pk=found.get(r.key, (None, None))[0],
            joined_at=r.joined_at,
            arrived_at=found.get(r.key, (None, None))[1],
        )
        for r in records
    ]


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def transition(
    db: Session,
    reviewer: Reviewer,
    *,
    case_id: int,
    facet: str,
    to: str,
    note: str = "",
    place: str = "",
    on: str = "",
    reason: str = "",
    decision_id: str = "",
    policy: ReviewPolicy,
    now: datetime,
) -> CaseView:
    """Move one facet, as typed in a form or on the command line; the pure transition table
    decides (message on refusal)."""
    get(db, reviewer, case_id=case_id)
    try:
        chosen = Facet(facet)
    except ValueError:
        raise WorkflowRefused(case_refusals.NOT_A_FACET.format(facet=facet[:20])) from None
    decision = _decision_id(decision_id)
    if decision_id.strip() and decision is None:
        raise WorkflowRefused(case_refusals.NOT_A_DECISION_NUMBER)
    change = Change(
        facet=chosen,
        to=to.strip(),
        note=note,
        place=place.strip() or None,
        on=casework.parse_day(on) if on.strip() else None,
        reason=reason.strip() or None,
        decision_id=decision,
    )
    return casework.set_facet(
        db, actor=reviewer.acting, case_id=case_id, change=change, now=now, policy=policy
    )


def _decision_id(text: str) -> int | None:
    """A decision number typed as digits (within the id range), else None."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 0 < value <= _MAX_ID else None


_MAX_ID = 2**63 - 1


def set_facet(
    db: Session,
    reviewer: Reviewer,
    *,
    case_id: int,
    change: Change,
    policy: ReviewPolicy,
    now: datetime,
) -> CaseView:
    """Move one facet with a parsed change (the command line)."""
    get(db, reviewer, case_id=case_id)
    return casework.set_facet(
        db, actor=reviewer.acting, case_id=case_id, change=change, now=now, policy=policy
    )


def parse_day(text: str) -> date:
    """A day typed as YYYY-MM-DD (WorkflowRefused with what was expected otherwise)."""
    return casework.parse_day(text)


def assign(
    db: Session, reviewer: Reviewer, *, case_id: int, assignee: str, now: datetime
) -> CaseView:
    """Assign within the reviewer's agency: a user of another agency is refused as unknown.
    The command line's operator may assign anyone (decision 0510)."""
    get(db, reviewer, case_id=case_id)
    name = assignee.strip().lower()
    if reviewer.every_agency:
        return casework.assign(db, actor=reviewer.acting, case_id=case_id, assignee=name, now=now)
    colleagues = {u.username for u in list_users(db, agency_id=reviewer.agency_id)}
    if name not in colleagues:
        raise WorkflowRefused(case_refusals.NO_SUCH_COLLEAGUE.format(name=name[:64]))
    return casework.assign(db, actor=reviewer.acting, case_id=case_id, assignee=name, now=now)


def open_for_record(
    db: Session, reviewer: Reviewer, *, record_pk: int, policy: ReviewPolicy, now: datetime
) -> CaseView:
    """Open a case on a record the reviewer's agency may see (else CaseNotFound: as if absent)."""
    from kintrace.registry.record_view import RecordNotFound, load_record

    try:
        record = load_record(db, agency_id=reviewer.agency_id, record_pk=record_pk)
    except RecordNotFound:
        raise CaseNotFound("No such record.") from None
    return casework.open_case(
        db,
        actor=reviewer.acting,
        subject=RecordKey(record.source, record.record_id),
        now=now,
        policy=policy,
        agency_id=reviewer.agency_id,
    )


def open_case(
    db: Session,
    reviewer: Reviewer,
    *,
    subject: RecordKey | None = None,
    person_id: str | None = None,
    policy: ReviewPolicy,
    now: datetime,
    assignee: str | None = None,
    note: str = "",
) -> CaseView:
    """Open a case on a record key, or on a person (its family report): the command line. The
    case belongs to the agency of its record."""
    if subject is None:
        subject = casework.subject_for_person(db, str(person_id))
    if _visible(db, reviewer, [subject]) != {subject}:
        raise CaseNotFound("No such record.")
    return casework.open_case(
        db,
        actor=reviewer.acting,
        subject=subject,
        now=now,
        policy=policy,
        assignee=assignee,
        note=note,
    )


@dataclass(frozen=True)
class CaseSheet:
    """A case as the command line prints it: the case, its records, the decisions on its
    record and its timeline."""

    case: CaseView
    records: list[CaseRecord]
    decisions: list[decisions.DecisionRow]
    events: list[CaseEvent]


def show(db: Session, reviewer: Reviewer, *, case_id: int, now: datetime) -> CaseSheet:
    """The case for `kintrace cases show`; marks it seen by the reviewer."""
    view = get(db, reviewer, case_id=case_id)
    casework.mark_seen(db, actor=reviewer.acting, case_id=case_id, now=now)
    behind = casework.case_records(db, view)
    visible = _visible(db, reviewer, [r.key for r in behind])
    rows = [
        d
        for d in decisions.decisions_for(db, key=view.subject, limit=20)
        if d.left in visible and d.right in visible
    ]
    return CaseSheet(
        case=view,
        records=[r for r in behind if r.key in visible],
        decisions=rows,
        events=casework.timeline(db, case_id),
    )
