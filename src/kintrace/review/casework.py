"""Cases: open one per sought child, move its facets, assign it, and show its timeline.

Every change is checked by the pure rules in `kintrace.cases`, written as an event on the case's
timeline and appended to the audit log in the same transaction. A case's facts (identity,
whereabouts) change only here, by a named person; the linker never calls these functions, so
an automatic link can join records into a person but never verifies or locates a child.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, insert, or_, select, update
from sqlalchemy.orm import Session

from kintrace import audit
from kintrace.cases import (
    CASE_READERS,
    CASE_ROLES,
    CaseState,
    Change,
    Identity,
    PairStatus,
    RecordKey,
    ReturnStage,
    ReviewPolicy,
    TransitionRefused,
    Verdict,
    Whereabouts,
    WorkflowRefused,
    apply,
    check_assignment,
)
from kintrace.review import refusals
from kintrace.review.actors import Actor, role_of
from kintrace.review.queue import reprioritise
from kintrace.review.records import require_records
from kintrace.store.linkage_tables import linked_records
from kintrace.store.registry_tables import Source
from kintrace.store.review_tables import (
    as_utc,
    case_events,
    case_seen,
    cases,
    review_decisions,
    review_items,
)
from kintrace.store.web_tables import HOME_AGENCY_ID, source_agencies

C = cases.c


class CaseNotFound(WorkflowRefused):
    """No case with that number (or not one the actor may see)."""


@dataclass(frozen=True)
class CaseView:
    id: int
    subject: RecordKey
    agency_id: int | None
    opened_at: datetime
    opened_by: str
    assignee: str | None
    state: CaseState
    last_progress_at: datetime

    @property
    def is_open(self) -> bool:
        return self.state.return_stage is not ReturnStage.CLOSED


@dataclass(frozen=True)
class CaseEvent:
    id: int
    at: datetime
    actor: str
    kind: str
    facet: str | None
    from_state: str | None
    to_state: str | None
    note: str
    details: dict[str, Any]
    decision_id: int | None


def case_view(row: Row[Any]) -> CaseView:
    return CaseView(
        id=row.id,
        subject=RecordKey(row.subject_source, row.subject_record_id),
        agency_id=row.agency_id,
        opened_at=as_utc(row.opened_at),
        opened_by=row.opened_by,
        assignee=row.assignee,
        state=CaseState(
            identity=Identity(row.identity),
            whereabouts=Whereabouts(row.whereabouts),
            place=row.place,
            place_date=row.place_date,
            return_stage=ReturnStage(row.return_stage),
            closed_reason=row.closed_reason,
        ),
        last_progress_at=as_utc(row.last_progress_at),
    )


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def require_reader(actor: Actor) -> None:
    if actor.role not in CASE_READERS:
        raise WorkflowRefused(refusals.ROLE_MAY_NOT_READ_CASES.format(role=actor.role.value))


def _add_event(
    session: Session,
    *,
    case_id: int,
    actor: str,
    kind: str,
    now: datetime,
    facet: str | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    note: str = "",
    details: dict[str, Any] | None = None,
    decision_id: int | None = None,
) -> int:
    result = session.execute(
        insert(case_events)
        .values(
            case_id=case_id,
            at=now,
            actor=actor,
            kind=kind,
            facet=facet,
            from_state=from_state,
            to_state=to_state,
            note=note.strip(),
            details=details or {},
            decision_id=decision_id,
        )
        .returning(case_events.c.id)
    )
    return int(result.scalar_one())


def open_case(
    session: Session,
    *,
    actor: Actor,
    subject: RecordKey,
    now: datetime,
    policy: ReviewPolicy,
    assignee: str | None = None,
    agency_id: int | None = None,
    note: str = "",
) -> CaseView:
    """Open a case that follows `subject` (usually a family's report of a missing child)."""
    if actor.role not in CASE_ROLES:
        raise WorkflowRefused(refusals.ROLE_MAY_NOT_OPEN.format(role=actor.role.value))
    require_records(session, [subject])
    if agency_id is None:
        agency_id = agency_of_record(session, subject)
    existing = session.execute(
        select(C.id).where(
            C.subject_source == subject.source,
            C.subject_record_id == subject.record_id,
            C.return_stage != ReturnStage.CLOSED.value,
        )
    ).scalar_one_or_none()
    if existing is not None:
        raise WorkflowRefused(refusals.ALREADY_FOLLOWED.format(case=existing, record=subject))
    state = CaseState()
    case_id = int(
        session.execute(
            insert(cases)
            .values(
                agency_id=agency_id,
                subject_source=subject.source,
                subject_record_id=subject.record_id,
                opened_at=now,
                opened_by=actor.name,
                assignee=None,
                identity=state.identity.value,
                whereabouts=state.whereabouts.value,
                return_stage=state.return_stage.value,
                last_progress_at=now,
            )
            .returning(C.id)
        ).scalar_one()
    )
    event_id = _add_event(
        session, case_id=case_id, actor=actor.name, kind="opened", now=now, note=note
    )
    audit.append(
        session,
        actor=actor.name,
        action="case.open",
        entity_type="case",
        entity_id=case_id,
        details={"subject": str(subject), "event_id": event_id, "agency_id": agency_id},
    )
    view = get_case(session, case_id)
    reprioritise(session, [r.key for r in case_records(session, view)], policy=policy)
    if assignee:
        return assign(session, actor=actor, case_id=case_id, assignee=assignee, now=now)
    return get_case(session, case_id)


def agency_of_record(session: Session, key: RecordKey) -> int:
    """The agency that may see the record: its source's agency, else the home agency."""
    found = session.scalar(
        select(source_agencies.c.agency_id)
        .join(Source, Source.id == source_agencies.c.source_id)
        .where(Source.name == key.source)
    )
    return int(found) if found is not None else HOME_AGENCY_ID


def case_in_scope(agency_ids: set[int]) -> ColumnElement[bool]:
    """SQL condition on `cases`: the case belongs to one of the agencies (no agency: home)."""
    condition: ColumnElement[bool] = C.agency_id.in_(sorted(agency_ids))
    if HOME_AGENCY_ID in agency_ids:
        condition = or_(condition, C.agency_id.is_(None))
    return condition


def get_case(
    session: Session, case_id: int, *, lock: bool = False, agency_ids: set[int] | None = None
) -> CaseView:
    """The case; CaseNotFound if there is none, or if it is outside `agency_ids` (the agencies
    the reader may see: out of scope looks the same as absent)."""
    query = select(cases).where(C.id == case_id)
    if agency_ids is not None:
        query = query.where(case_in_scope(agency_ids))
    if lock:
        query = query.with_for_update()
    row = session.execute(query).first()
    if row is None:
        raise CaseNotFound(f"There is no case {case_id}; list cases with `kintrace cases list`.")
    return case_view(row)


def _check_basis(session: Session, case: CaseView, decision_id: int) -> None:
    """A decision given as the basis of a change must be a standing confirmation on a record of
    this case."""
    row = session.execute(
        select(review_decisions, review_items.c.status.label("pair_status"))
        .join(review_items, review_items.c.id == review_decisions.c.item_id)
        .where(review_decisions.c.id == decision_id)
    ).first()
    undone = session.scalar(
        select(review_decisions.c.id).where(review_decisions.c.undoes_id == decision_id)
    )
    if row is None or row.verdict != Verdict.SAME.value:
        raise TransitionRefused(refusals.NOT_A_SAME_VERDICT.format(decision=decision_id))
    if undone is not None or row.pair_status != PairStatus.CONFIRMED.value:
        raise TransitionRefused(refusals.NOT_A_CONFIRMED_LINK.format(decision=decision_id))
    ends = {RecordKey(row.source_l, row.record_id_l), RecordKey(row.source_r, row.record_id_r)}
    if not ends & set(confirmed_component(session, case.subject)):
        raise TransitionRefused(refusals.NOT_IN_THE_CASE.format(decision=decision_id, case=case.id))


def set_facet(
    session: Session,
    *,
    actor: Actor,
    case_id: int,
    change: Change,
    now: datetime,
    policy: ReviewPolicy,
) -> CaseView:
    """Move one facet of the case, if the transition table allows it for the actor's role.

    Closing or reopening a case re-ranks the waiting pairs of its records (`policy`)."""
    case = get_case(session, case_id, lock=True)
    if change.decision_id is not None:
        _check_basis(session, case, change.decision_id)
    after = apply(case.state, change, role=actor.role, today=now.date())
    session.execute(
        update(cases)
        .where(C.id == case_id)
        .values(
            identity=after.identity.value,
            whereabouts=after.whereabouts.value,
            place=after.place,
            place_date=after.place_date,
            return_stage=after.return_stage.value,
            closed_reason=after.closed_reason,
            last_progress_at=now,
        )
    )
    details: dict[str, Any] = {}
    if change.place:
        details["place"] = change.place.strip()
    if change.on:
        details["on"] = change.on.isoformat()
    if change.reason:
        details["reason"] = change.reason.strip()
    source_state = case.state.state_of(change.facet)
    event_id = _add_event(
        session,
        case_id=case_id,
        actor=actor.name,
        kind="transition",
        now=now,
        facet=change.facet.value,
        from_state=source_state,
        to_state=change.to,
        note=change.note,
        details=details,
        decision_id=change.decision_id,
    )
    audit.append(
        session,
        actor=actor.name,
        action="case.transition",
        entity_type="case",
        entity_id=case_id,
        details={
            "event_id": event_id,
            "facet": change.facet.value,
            "from": source_state,
            "to": change.to,
            "decision_id": change.decision_id,
            "role": actor.role.value,
            # place, date, reason and note may identify the child: only their digest here
            "content_sha256": _digest(repr((change.note, sorted(details.items())))),
        },
    )
    view = get_case(session, case_id)
    if ReturnStage.CLOSED in (case.state.return_stage, after.return_stage):
        reprioritise(session, [r.key for r in case_records(session, view)], policy=policy)
    return view


def assign(
    session: Session, *, actor: Actor, case_id: int, assignee: str, now: datetime
) -> CaseView:
    """Give the case to a caseworker (see `kintrace.cases.check_assignment` for who may)."""
    case = get_case(session, case_id, lock=True)
    assignee = assignee.strip().lower()
    check_assignment(
        actor=actor.name,
        actor_role=actor.role,
        assignee=assignee,
        assignee_role=role_of(session, assignee),
        current=case.assignee,
    )
    session.execute(update(cases).where(C.id == case_id).values(assignee=assignee))
    event_id = _add_event(
        session,
        case_id=case_id,
        actor=actor.name,
        kind="assigned",
        now=now,
        from_state=case.assignee,
        to_state=assignee,
    )
    audit.append(
        session,
        actor=actor.name,
        action="case.assign",
        entity_type="case",
        entity_id=case_id,
        details={"event_id": event_id, "from": case.assignee, "to": assignee},
    )
    return get_case(session, case_id)


def timeline(session: Session, case_id: int) -> list[CaseEvent]:
    """The case's events, oldest first: opening, transitions, assignments."""
    get_case(session, case_id)
    rows = session.execute(
        select(case_events).where(case_events.c.case_id == case_id).order_by(case_events.c.id)
    )
    return [
        CaseEvent(
            id=r.id,
            at=as_utc(r.at),
            actor=r.actor,
            kind=r.kind,
            facet=r.facet,
            from_state=r.from_state,
            to_state=r.to_state,
            note=r.note,
            details=dict(r.details or {}),
            decision_id=r.decision_id,
        )
        for r in rows
    ]


def confirmed_component(session: Session, start: RecordKey) -> dict[RecordKey, datetime | None]:
    """Records joined to `start` by confirmed decisions (a chain counts), with when each joined.

    `start` itself maps to None. Only people's confirmations count here: automatic links may join
    records into a person, but the case's facts rest on what a person confirmed.
    """
    joined: dict[RecordKey, datetime | None] = {start: None}
    frontier = [start]
    it = review_items.c
    while frontier:
        key = frontier.pop()
        rows = session.execute(
            select(it.source_l, it.record_id_l, it.source_r, it.record_id_r, it.updated_at).where(
                it.status == PairStatus.CONFIRMED.value,
                ((it.source_l == key.source) & (it.record_id_l == key.record_id))
                | ((it.source_r == key.source) & (it.record_id_r == key.record_id)),
            )
        )
        for r in rows:
            for other in (
                RecordKey(r.source_l, r.record_id_l),
                RecordKey(r.source_r, r.record_id_r),
            ):
                if other not in joined:
                    joined[other] = as_utc(r.updated_at)
                    frontier.append(other)
    return joined


@dataclass(frozen=True)
class CaseRecord:
    """A record behind a case and how it got there."""

    key: RecordKey
    how: str  # "subject" | "confirmed" (a person's decision) | "linked" (automatic link only)
    joined_at: datetime | None  # when a confirmation brought it in


def person_of(session: Session, key: RecordKey) -> str | None:
    """The person the last link run resolved the record to, if any."""
    lr = linked_records.c
    found = session.scalar(
        select(lr.person_id).where(lr.source == key.source, lr.record_id == key.record_id)
    )
    return str(found) if found is not None else None


def case_records(session: Session, case: CaseView) -> list[CaseRecord]:
    """Every record behind the case: its own, those people confirmed into it, and those the
    linker put in the same person (shown, but the case's facts never rest on them alone)."""
    found = [
        CaseRecord(key, "subject" if at is None else "confirmed", at)
        for key, at in confirmed_component(session, case.subject).items()
    ]
    known = {r.key for r in found}
    person = person_of(session, case.subject)
    if person is not None:
        lr = linked_records.c
        for r in session.execute(
            select(lr.source, lr.record_id)
            .where(lr.person_id == person)
            .order_by(lr.source, lr.record_id)
        ):
            key = RecordKey(r.source, r.record_id)
            if key not in known:
                found.append(CaseRecord(key, "linked", None))
    return found


def subject_for_person(session: Session, person_id: str) -> RecordKey:
    """The record a case opened on a person follows: its family report if it has one (the
    family is who is searching), else its earliest record."""
    lr = linked_records.c
    rows = session.execute(
        select(lr.source, lr.record_id, Source.kind)
        .join(Source, Source.name == lr.source)
        .where(lr.person_id == person_id)
        .order_by(lr.source, lr.record_id)
    ).all()
    if not rows:
        raise WorkflowRefused(refusals.NO_SUCH_PERSON.format(person=person_id))
    families = [r for r in rows if r.kind in ("family", "family_report")]
    chosen = (families or rows)[0]
    return RecordKey(chosen.source, chosen.record_id)


def mark_seen(session: Session, *, actor: Actor, case_id: int, now: datetime) -> None:
    """Note that `actor` looked at the case (for the "new records since last seen" work list),
    and audit the read: who looked at this child's case, when."""
    require_reader(actor)
    get_case(session, case_id)
    found = session.execute(
        select(case_seen.c.case_id).where(
            case_seen.c.case_id == case_id, case_seen.c.username == actor.name
        )
    ).first()
    if found is None:
        session.execute(insert(case_seen).values(case_id=case_id, username=actor.name, seen_at=now))
    else:
        session.execute(
            update(case_seen)
            .where(case_seen.c.case_id == case_id, case_seen.c.username == actor.name)
            .values(seen_at=now)
        )
    audit.append(
        session, actor=actor.name, action="case.view", entity_type="case", entity_id=case_id
    )


def parse_day(text: str) -> date:
    """A date typed by a person, YYYY-MM-DD, with a message that says so."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise WorkflowRefused(refusals.NOT_A_DATE) from None
