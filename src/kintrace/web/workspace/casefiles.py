"""The case pages' view of the case services: work lists, one case with its records, decisions
and timeline, the moves the user's role may make, and assignment.

Thin over `kintrace.review.casework` / `worklists` (the same services as `kintrace cases ...`):
this module scopes cases to the user's agency (another agency's case is "not found"), leaves out
records another agency owns, and merges the records, decisions and events into one timeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from kintrace.accounts.users import User, list_users
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
from kintrace.cases.transitions import Rule
from kintrace.review import casework, decisions, worklists
from kintrace.review.casework import CaseEvent, CaseNotFound, CaseRecord, CaseView
from kintrace.review.scope import keys_in_scope
from kintrace.store.registry_tables import Record, Source
from kintrace.web.inputs import id_from_text
from kintrace.web.workspace.reviewing import actor_of, scope_of


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
    *,
    user: User,
    now: datetime,
    mine: bool = False,
    stalled_days: int | None = None,
    new_records: bool = False,
    include_closed: bool = False,
) -> list[worklists.CaseLine]:
    return worklists.list_cases(
        db,
        actor=actor_of(user),
        now=now,
        mine=mine,
        stalled_days=stalled_days,
        new_records=new_records,
        include_closed=include_closed,
        agency_ids=scope_of(user),
    )


def get(db: Session, *, user: User, case_id: int) -> CaseView:
    """The case if it belongs to the user's agency; CaseNotFound otherwise (as if absent)."""
    return casework.get_case(db, case_id, agency_ids=scope_of(user))


def case_page(db: Session, *, user: User, case_id: int, now: datetime) -> CasePage:
    """The case with everything behind it; marks it seen by the user and audits the read."""
    case = get(db, user=user, case_id=case_id)
    actor = actor_of(user)
    casework.mark_seen(db, actor=actor, case_id=case_id, now=now)
    behind = casework.case_records(db, case)
    visible = keys_in_scope(db, [r.key for r in behind], scope_of(user))
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
    role = Role(user.role.value)
    assignees = sorted(
        u.username
        for u in list_users(db, agency_id=user.agency_id)
        if not u.disabled and Role(u.role.value) in CASE_ROLES
    )
    if role is Role.CASEWORKER:
        assignees = [a for a in assignees if a == user.username or case.assignee == user.username]
    return CasePage(
        case=case,
        records=lines,
        hidden_records=len(behind) - len(lines),
        decisions=rows,
        timeline=entries,
        moves=allowed_moves(case.state, role),
        assignees=assignees,
        can_assign=role is Role.ADMIN
        or (role is Role.CASEWORKER and case.assignee in (None, user.username)),
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
    *,
    user: User,
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
    """Move one facet; the pure transition table decides (message on refusal)."""
    get(db, user=user, case_id=case_id)
    try:
        chosen = Facet(facet)
    except ValueError:
        raise WorkflowRefused(
            f"Refused: '{facet[:20]}' is not a facet; expected identity, whereabouts or return."
        ) from None
    decision = id_from_text(decision_id)
    if decision_id.strip() and decision is None:
        raise WorkflowRefused("Expected a decision number (digits only), or leave it empty.")
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
        db, actor=actor_of(user), case_id=case_id, change=change, now=now, policy=policy
    )


def assign(db: Session, *, user: User, case_id: int, assignee: str, now: datetime) -> CaseView:
    """Assign within the user's agency: a user of another agency is refused as unknown."""
    get(db, user=user, case_id=case_id)
    name = assignee.strip().lower()
    colleagues = {u.username for u in list_users(db, agency_id=user.agency_id)}
    if name not in colleagues:
        raise WorkflowRefused(
            f"Refused assignment: there is no user '{name[:64]}' in your agency; "
            "choose a caseworker from the list."
        )
    return casework.assign(db, actor=actor_of(user), case_id=case_id, assignee=name, now=now)


def open_for_record(
    db: Session, *, user: User, record_pk: int, policy: ReviewPolicy, now: datetime
) -> CaseView:
    """Open a case on a record the user's agency may see (else CaseNotFound: as if absent)."""
    from kintrace.registry.record_view import RecordNotFound, load_record

    try:
        record = load_record(db, agency_id=user.agency_id, record_pk=record_pk)
    except RecordNotFound:
        raise CaseNotFound("No such record.") from None
    return casework.open_case(
        db,
        actor=actor_of(user),
        subject=RecordKey(record.source, record.record_id),
        now=now,
        policy=policy,
        agency_id=user.agency_id,
    )
