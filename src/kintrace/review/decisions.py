"""People's verdicts on pairs: kept for ever, audited, and handed to clustering as constraints.

A verdict is a new row in `review_decisions`; an undo is another new row that names the one it
undoes. The pair's current state (`review_items.status`) is the replay of its rows
(`kintrace.cases.replay`), so it can always be rebuilt from the log. Confirmed pairs are
must-links and rejected pairs cannot-links for every later clustering run (`constraints`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from kintrace import audit
from kintrace.cases import (
    DECIDING_ROLES,
    QUEUED,
    DecisionRefused,
    PairState,
    PairStatus,
    RecordKey,
    ReviewPolicy,
    Role,
    Verdict,
    VerdictFact,
    apply_verdict,
    check_reason,
    ordered_pair,
    replay,
)
from kintrace.review import refusals
from kintrace.review.actors import Actor
from kintrace.review.queue import ITEMS, QueueItem, find_item, model_score
from kintrace.review.records import require_records
from kintrace.store.review_tables import as_utc, review_decisions, review_items

DEC = review_decisions.c
UNDO = "undo"
Pair = tuple[RecordKey, RecordKey]


@dataclass(frozen=True)
class DecisionResult:
    decision_id: int
    left: RecordKey
    right: RecordKey
    verdict: str
    status: PairStatus


@dataclass(frozen=True)
class Constraints:
    """Reviewers' decisions as clustering needs them: pairs of record keys, smaller key first."""

    must_link: frozenset[Pair]
    cannot_link: frozenset[Pair]


@dataclass(frozen=True)
class DecisionRow:
    id: int
    left: RecordKey
    right: RecordKey
    verdict: str
    note: str
    reviewer: str
    decided_at: datetime
    status_after: str
    undoes_id: int | None
    undone: bool
    item_id: int | None = None  # the queue row of the pair (the web's pair page)


def _pair_label(left: RecordKey, right: RecordKey) -> str:
    return f"{left}|{right}"


def _note_digest(note: str) -> str:
    # The note may name the child; the audit log keeps only its digest, which still proves
    # the note kept in review_decisions is the one written.
    return hashlib.sha256(note.encode("utf-8")).hexdigest()


def _check_claim(item: QueueItem, *, actor: Actor, token: int | None, now: datetime) -> None:
    lease_live = item.lease_expires_at is not None and item.lease_expires_at >= now
    if token is not None:
        if item.lease_owner != actor.name or item.token != token:
            raise DecisionRefused(
                refusals.CLAIM_LAPSED.format(
                    left=item.left, right=item.right, token=token, current=item.token
                )
            )
        return
    if lease_live and item.lease_owner not in (None, actor.name):
        assert item.lease_expires_at is not None
        raise DecisionRefused(
            refusals.HELD_BY_ANOTHER.format(
                left=item.left, right=item.right, until=f"{item.lease_expires_at:%Y-%m-%d %H:%M}"
            )
        )


def _create_item(session: Session, left: RecordKey, right: RecordKey, now: datetime) -> QueueItem:
    """A queue row for a pair decided by hand, with the model's score if it scored the pair
    (an auto-linked pair keeps its probability, so rejecting it needs a reason)."""
    probability, weight = model_score(session, left, right)
    session.execute(
        insert(review_items).values(
            source_l=left.source,
            record_id_l=left.record_id,
            source_r=right.source,
            record_id_r=right.record_id,
            match_probability=probability,
            match_weight=weight,
            status=PairStatus.PENDING.value,
            priority=0.0,
            fencing_token=0,
            enqueued_at=now,
            updated_at=now,
        )
    )
    item = find_item(session, left, right, lock=True)
    assert item is not None
    return item


def decide(
    session: Session,
    *,
    actor: Actor,
    left: RecordKey,
    right: RecordKey,
    verdict: Verdict,
    note: str = "",
    token: int | None = None,
    policy: ReviewPolicy,
    now: datetime,
) -> DecisionResult:
    """Record `actor`'s verdict on the pair, in the caller's (write) transaction.

    With `token` (from `claim_next`) the verdict must come from the current lease holder; without
    it (a pair picked by hand) it is refused while another reviewer holds a live lease, and any
    stale lease is fenced off by raising the token.
    """
    if actor.role not in DECIDING_ROLES:
        raise DecisionRefused(
            refusals.ROLE_MAY_NOT_DECIDE.format(
                role=actor.role.value, roles=", ".join(sorted(r.value for r in DECIDING_ROLES))
            )
        )
    left, right = ordered_pair(left, right)
    kinds = require_records(session, [left, right])
    item = find_item(session, left, right, lock=True) or _create_item(session, left, right, now)
    _check_claim(item, actor=actor, token=token, now=now)
    if item.status not in QUEUED and not note.strip():
        raise DecisionRefused(refusals.ALREADY_SETTLED.format(status=item.status.value))
    check_reason(verdict, probability=item.probability, note=note, policy=policy)
    two_people = policy.needs_two_people(kinds[left], kinds[right])
    before = PairState(item.status, item.first_reviewer)
    after = apply_verdict(before, verdict, reviewer=actor.name, two_people=two_people)
    decision_id = _insert_decision(
        session,
        item=item,
        verdict=verdict.value,
        note=note,
        reviewer=actor.name,
        status_after=after.status,
        now=now,
        token=item.token if token is None else token,
    )
    _set_item_state(session, item.id, after, now=now, fence=token is None)
    audit.append(
        session,
        actor=actor.name,
        action="review.decide",
        entity_type="pair",
        entity_id=_pair_label(left, right),
        details={
            "decision_id": decision_id,
            "verdict": verdict.value,
            "status_before": item.status.value,
            "status_after": after.status.value,
            "two_person_rule": two_people,
            "match_probability": item.probability,
            "note_sha256": _note_digest(note),
        },
    )
    return DecisionResult(decision_id, left, right, verdict.value, after.status)


def _insert_decision(
    session: Session,
    *,
    item: QueueItem,
    verdict: str,
    note: str,
    reviewer: str,
    status_after: PairStatus,
    now: datetime,
    token: int | None,
    undoes_id: int | None = None,
) -> int:
    result = session.execute(
        insert(review_decisions)
        .values(
            item_id=item.id,
            source_l=item.left.source,
            record_id_l=item.left.record_id,
            source_r=item.right.source,
            record_id_r=item.right.record_id,
            verdict=verdict,
            note=note.strip(),
            reviewer=reviewer,
            decided_at=now,
            match_probability=item.probability,
            fencing_token=token,
            undoes_id=undoes_id,
            status_after=status_after.value,
        )
        .returning(DEC.id)
    )
    return int(result.scalar_one())


def _set_item_state(
    session: Session, item_id: int, state: PairState, *, now: datetime, fence: bool
) -> None:
    values: dict[str, object] = {
        "status": state.status.value,
        "first_reviewer": state.first_reviewer,
        "lease_owner": None,
        "lease_expires_at": None,
        "updated_at": now,
    }
    if fence:
        values["fencing_token"] = ITEMS.fencing_token + 1
    session.execute(update(review_items).where(ITEMS.id == item_id).values(**values))


def undo(
    session: Session,
    *,
    actor: Actor,
    decision_id: int | None = None,
    note: str = "",
    policy: ReviewPolicy,
    now: datetime,
) -> DecisionResult:
    """Undo a verdict (by default the actor's latest) with a new decision that supersedes it.

    The pair's state is replayed from its remaining verdicts; a pair back in the queue can be
    claimed again, and the next clustering run no longer holds the undone link or separation.
    """
    undone_ids = set(session.scalars(select(DEC.undoes_id).where(DEC.undoes_id.is_not(None))))
    if decision_id is None:
        query = (
            select(review_decisions)
            .where(DEC.reviewer == actor.name, DEC.verdict != UNDO)
            .order_by(DEC.id.desc())
        )
        target = next((r for r in session.execute(query) if r.id not in undone_ids), None)
        if target is None:
            raise DecisionRefused(refusals.NOTHING_TO_UNDO.format(reviewer=actor.name))
    else:
        target = session.execute(select(review_decisions).where(DEC.id == decision_id)).first()
        if target is None or target.verdict == UNDO:
            raise DecisionRefused(refusals.NO_VERDICT_TO_UNDO.format(decision=decision_id))
        if target.id in undone_ids:
            raise DecisionRefused(refusals.ALREADY_UNDONE.format(decision=decision_id))
    if target.reviewer != actor.name and actor.role is not Role.ADMIN:
        raise DecisionRefused(refusals.NOT_YOURS_TO_UNDO.format(decision=target.id))
    left = RecordKey(target.source_l, target.record_id_l)
    right = RecordKey(target.source_r, target.record_id_r)
    item = find_item(session, left, right, lock=True)
    assert item is not None
    kinds = require_records(session, [left, right])
    facts = [
        VerdictFact(Verdict(r.verdict), r.reviewer, undone=r.id in undone_ids | {target.id})
        for r in session.execute(
            select(DEC.id, DEC.verdict, DEC.reviewer)
            .where(DEC.item_id == item.id, DEC.verdict != UNDO)
            .order_by(DEC.id)
        )
    ]
    state = replay(facts, two_people=policy.needs_two_people(kinds[left], kinds[right]))
    new_id = _insert_decision(
        session,
        item=item,
        verdict=UNDO,
        note=note,
        reviewer=actor.name,
        status_after=state.status,
        now=now,
        token=None,
        undoes_id=target.id,
    )
    _set_item_state(session, item.id, state, now=now, fence=True)
    audit.append(
        session,
        actor=actor.name,
        action="review.undo",
        entity_type="pair",
        entity_id=_pair_label(left, right),
        details={
            "decision_id": new_id,
            "undoes": target.id,
            "status_before": item.status.value,
            "status_after": state.status.value,
            "note_sha256": _note_digest(note),
        },
    )
    return DecisionResult(new_id, left, right, UNDO, state.status)


def constraints(session: Session) -> Constraints:
    """Must-link and cannot-link pairs from the current state of every decided pair.

    For the linkage engineer's clustering: call it at the start of every run, full or
    incremental. A pair awaiting its second reviewer is not yet a must-link.
    """
    rows = session.execute(
        select(
            ITEMS.source_l, ITEMS.record_id_l, ITEMS.source_r, ITEMS.record_id_r, ITEMS.status
        ).where(ITEMS.status.in_([PairStatus.CONFIRMED.value, PairStatus.REJECTED.value]))
    )
    must: set[Pair] = set()
    cannot: set[Pair] = set()
    for r in rows:
        pair = (RecordKey(r.source_l, r.record_id_l), RecordKey(r.source_r, r.record_id_r))
        (must if r.status == PairStatus.CONFIRMED.value else cannot).add(pair)
    return Constraints(frozenset(must), frozenset(cannot))


def decisions_for(
    session: Session, *, reviewer: str | None = None, key: RecordKey | None = None, limit: int = 50
) -> list[DecisionRow]:
    """Recent decisions, newest first, optionally by one reviewer or touching one record."""
    undone_ids = set(session.scalars(select(DEC.undoes_id).where(DEC.undoes_id.is_not(None))))
    query = select(review_decisions).order_by(DEC.id.desc()).limit(limit)
    if reviewer is not None:
        query = query.where(DEC.reviewer == reviewer)
    if key is not None:
        query = query.where(
            ((DEC.source_l == key.source) & (DEC.record_id_l == key.record_id))
            | ((DEC.source_r == key.source) & (DEC.record_id_r == key.record_id))
        )
    return [
        DecisionRow(
            id=r.id,
            left=RecordKey(r.source_l, r.record_id_l),
            right=RecordKey(r.source_r, r.record_id_r),
            verdict=r.verdict,
            note=r.note,
            reviewer=r.reviewer,
            decided_at=as_utc(r.decided_at),
            status_after=r.status_after,
            undoes_id=r.undoes_id,
            undone=r.id in undone_ids,
            item_id=r.item_id,
        )
        for r in session.execute(query)
    ]
