"""The review queue: pending pairs, best first, each claimed by one reviewer at a time.

A claim is a lease (it expires, so a reviewer who vanishes does not hold a pair for ever) with a
fencing token: the token grows by one on every claim, and a verdict carrying an older token is
refused, so a reviewer whose lease ran out and was taken over cannot overwrite the new holder.
On PostgreSQL the claim skips rows other reviewers are claiming (`FOR UPDATE SKIP LOCKED`); on
SQLite the caller's write transaction (`store.session(write=True)`, BEGIN IMMEDIATE) makes
claims one at a time. Either way two reviewers never hold the same pair.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.orm import Session

from kintrace.cases import (
    DECIDING_ROLES,
    QUEUED_STATUSES,
    SPOT_CHECK_PRIORITY,
    DecisionRefused,
    PairStatus,
    RecordKey,
    ReviewPolicy,
    ordered_pair,
    review_priority,
)
from kintrace.review import refusals
from kintrace.review.actors import Actor
from kintrace.review.scope import pair_in_scope
from kintrace.store.linkage_tables import link_pairs, link_runs, linked_records
from kintrace.store.review_tables import (
    as_utc,
    cases,
    review_decisions,
    review_items,
    review_sync,
)

ITEMS = review_items.c
#: Arbitrary constant naming the advisory lock that serialises queue syncs on PostgreSQL.
_SYNC_LOCK_KEY = 0x4B54_5259


def now_utc() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class PendingPair:
    """A pair the model scored into the review band."""

    left: RecordKey
    right: RecordKey
    probability: float | None = None
    weight: float | None = None
    spot_check: bool = False  # an automatic link sampled for a person to check


@dataclass(frozen=True)
class QueueItem:
    id: int
    left: RecordKey
    right: RecordKey
    probability: float | None
    weight: float | None
    status: PairStatus
    first_reviewer: str | None
    lease_owner: str | None
    lease_expires_at: datetime | None
    token: int
    spot_check: bool = False


def _item(row: Row[Any]) -> QueueItem:
    return QueueItem(
        id=row.id,
        left=RecordKey(row.source_l, row.record_id_l),
        right=RecordKey(row.source_r, row.record_id_r),
        probability=row.match_probability,
        weight=row.match_weight,
        status=PairStatus(row.status),
        first_reviewer=row.first_reviewer,
        lease_owner=row.lease_owner,
        lease_expires_at=as_utc(row.lease_expires_at) if row.lease_expires_at else None,
        token=row.fencing_token,
        spot_check=row.priority < 0,  # spot checks are queued below every pending pair
    )


def pair_filter(left: RecordKey, right: RecordKey) -> ColumnElement[bool]:
    return and_(
        ITEMS.source_l == left.source,
        ITEMS.record_id_l == left.record_id,
        ITEMS.source_r == right.source,
        ITEMS.record_id_r == right.record_id,
    )


def open_case_subjects(session: Session) -> set[RecordKey]:
    """Records of open cases: the records they follow and every record of the same person (as
    the last link run resolved it). Pairs touching them are reviewed first."""
    rows = session.execute(
        select(cases.c.subject_source, cases.c.subject_record_id).where(
            cases.c.return_stage != "closed"
        )
    )
    subjects = {RecordKey(r.subject_source, r.subject_record_id) for r in rows}
    if not subjects:
        return subjects
    lr = linked_records.c
    persons: set[str] = set()
    for chunk in _chunks(sorted(subjects), 400):
        persons.update(
            session.scalars(select(lr.person_id).where(tuple_(lr.source, lr.record_id).in_(chunk)))
        )
    for chunk in _chunks(sorted(persons), 400):
        subjects.update(
            RecordKey(r.source, r.record_id)
            for r in session.execute(select(lr.source, lr.record_id).where(lr.person_id.in_(chunk)))
        )
    return subjects


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _scored_pairs(session: Session, status: str) -> Iterator[Any]:
    """The link run's pairs in `status` ("pending", "auto"): keys, probability and weight."""
    lp = link_pairs.c
    yield from session.execute(
        select(
            lp.source_l,
            lp.record_id_l,
            lp.source_r,
            lp.record_id_r,
            lp.match_probability,
            lp.match_weight,
        ).where(lp.status == status)
    )


def sync_from_links(
    session: Session, *, policy: ReviewPolicy, now: datetime, force: bool = False
) -> tuple[int, int, int]:
    """Bring the queue up to date with the last link run's pending pairs.

    With a `spot_check_rate`, a stable sample of the automatic links joins the queue below every
    pending pair. Does nothing if no link run finished since the last sync (unless `force`).
    Pairs no longer wanted (the model now links them itself, or scores them below the floor)
    leave the queue if nobody has decided or claimed them yet. Returns (added, refreshed,
    withdrawn).
    """
    if session.get_bind().dialect.name == "postgresql":
        # Two reviewers asking for work right after a link run must not both queue its pairs.
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SYNC_LOCK_KEY})
    last_run = session.scalar(select(func.max(link_runs.c.id)).where(link_runs.c.state == "done"))
    synced = session.execute(select(review_sync).where(review_sync.c.id == 1)).first()
    if last_run is None or (not force and synced is not None and synced.link_run_id >= last_run):
        return 0, 0, 0
    pending = [
        PendingPair(
            RecordKey(r.source_l, r.record_id_l),
            RecordKey(r.source_r, r.record_id_r),
            float(r.match_probability),
            float(r.match_weight),
        )
        for r in _scored_pairs(session, "pending")
    ]
    if policy.spot_check_rate > 0:
        pending += [
            PendingPair(left, right, float(r.match_probability), float(r.match_weight), True)
            for r in _scored_pairs(session, "auto")
            for left, right in [
                ordered_pair(
                    RecordKey(r.source_l, r.record_id_l), RecordKey(r.source_r, r.record_id_r)
                )
            ]
            if policy.spot_checked(left, right)
        ]
    added, refreshed = enqueue(session, pending, policy=policy, now=now)
    wanted = {ordered_pair(p.left, p.right) for p in pending}
    decided = set(session.scalars(select(review_decisions.c.item_id).distinct()))
    stale = [
        r.id
        for r in session.execute(
            select(
                ITEMS.id, ITEMS.source_l, ITEMS.record_id_l, ITEMS.source_r, ITEMS.record_id_r
            ).where(ITEMS.status == PairStatus.PENDING.value, ITEMS.lease_owner.is_(None))
        )
        if r.id not in decided
        and (RecordKey(r.source_l, r.record_id_l), RecordKey(r.source_r, r.record_id_r))
        not in wanted
    ]
    for chunk in _chunks(stale, 500):
        session.execute(delete(review_items).where(ITEMS.id.in_(chunk)))
    if synced is None:
        session.execute(insert(review_sync).values(id=1, link_run_id=last_run, synced_at=now))
    else:
        session.execute(
            update(review_sync)
            .where(review_sync.c.id == 1)
            .values(link_run_id=last_run, synced_at=now)
        )
    return added, refreshed, len(stale)


def enqueue(
    session: Session, pairs: Iterable[PendingPair], *, policy: ReviewPolicy, now: datetime
) -> tuple[int, int]:
    """Add pairs to the queue; refresh the score of pairs still waiting; leave decided pairs be.

    Returns (added, refreshed). A pair already decided keeps its decision: a new model run does
    not reopen what a person settled (undo does).
    """
    subjects = open_case_subjects(session)
    existing = {
        (RecordKey(r.source_l, r.record_id_l), RecordKey(r.source_r, r.record_id_r)): (
            r.id,
            r.status,
        )
        for r in session.execute(
            select(
                ITEMS.id,
                ITEMS.source_l,
                ITEMS.record_id_l,
                ITEMS.source_r,
                ITEMS.record_id_r,
                ITEMS.status,
            )
        )
    }
    new_rows: list[dict[str, object]] = []
    refreshed = 0
    seen: set[tuple[RecordKey, RecordKey]] = set()
    for pair in pairs:
        left, right = ordered_pair(pair.left, pair.right)
        if (left, right) in seen:
            continue
        seen.add((left, right))
        priority = (
            SPOT_CHECK_PRIORITY
            if pair.spot_check
            else review_priority(
                pair.probability, policy=policy, touches_open_case=bool({left, right} & subjects)
            )
        )
        found = existing.get((left, right))
        if found is None:
            new_rows.append(
                {
                    "source_l": left.source,
                    "record_id_l": left.record_id,
                    "source_r": right.source,
                    "record_id_r": right.record_id,
                    "match_probability": pair.probability,
                    "match_weight": pair.weight,
                    "status": PairStatus.PENDING.value,
                    "priority": priority,
                    "fencing_token": 0,
                    "enqueued_at": now,
                    "updated_at": now,
                }
            )
        elif found[1] in QUEUED_STATUSES:
            session.execute(
                update(review_items)
                .where(ITEMS.id == found[0])
                .values(
                    match_probability=pair.probability, match_weight=pair.weight, priority=priority
                )
            )
            refreshed += 1
    for start in range(0, len(new_rows), 5000):
        session.execute(insert(review_items), new_rows[start : start + 5000])
    return len(new_rows), refreshed


def reprioritise(session: Session, keys: Iterable[RecordKey], *, policy: ReviewPolicy) -> int:
    """Recompute the priority of waiting pairs that touch `keys` (after a case opens or closes)."""
    subjects = open_case_subjects(session)
    touched = 0
    for key in set(keys):
        rows = session.execute(
            select(
                ITEMS.id,
                ITEMS.match_probability,
                ITEMS.source_l,
                ITEMS.record_id_l,
                ITEMS.source_r,
                ITEMS.record_id_r,
            ).where(
                ITEMS.status.in_(QUEUED_STATUSES),
                ITEMS.priority >= 0,  # spot checks keep their place
                or_(
                    and_(ITEMS.source_l == key.source, ITEMS.record_id_l == key.record_id),
                    and_(ITEMS.source_r == key.source, ITEMS.record_id_r == key.record_id),
                ),
            )
        ).all()
        for row in rows:
            ends = {
                RecordKey(row.source_l, row.record_id_l),
                RecordKey(row.source_r, row.record_id_r),
            }
            priority = review_priority(
                row.match_probability, policy=policy, touches_open_case=bool(ends & subjects)
            )
            session.execute(
                update(review_items).where(ITEMS.id == row.id).values(priority=priority)
            )
            touched += 1
    return touched


def held_by(
    session: Session, reviewer: str, now: datetime, *, agency_ids: set[int] | None = None
) -> QueueItem | None:
    """The waiting pair `reviewer` holds a live lease on, if any (within `agency_ids`)."""
    query = (
        select(review_items)
        .where(
            ITEMS.lease_owner == reviewer,
            ITEMS.lease_expires_at >= now,
            ITEMS.status.in_(QUEUED_STATUSES),
        )
        .order_by(ITEMS.id)
        .limit(1)
    )
    if agency_ids is not None:
        query = query.where(pair_in_scope(agency_ids))
    row = session.execute(query).first()
    return _item(row) if row is not None else None


def claim_for(
    session: Session,
    *,
    actor: Actor,
    policy: ReviewPolicy,
    now: datetime,
    agency_ids: set[int] | None = None,
) -> QueueItem | None:
    """`claim_next` for a person, refused unless their role may decide pairs.

    With `agency_ids` (the web: the reviewer's agency) only pairs whose two records both belong
    to those agencies are handed out."""
    if actor.role not in DECIDING_ROLES:
        raise DecisionRefused(
            refusals.ROLE_MAY_NOT_REVIEW.format(
                role=actor.role.value, roles=", ".join(sorted(r.value for r in DECIDING_ROLES))
            )
        )
    return claim_next(session, reviewer=actor.name, policy=policy, now=now, agency_ids=agency_ids)


def claim_next(
    session: Session,
    *,
    reviewer: str,
    policy: ReviewPolicy,
    now: datetime,
    agency_ids: set[int] | None = None,
) -> QueueItem | None:
    """The best waiting pair, leased to `reviewer`; the pair they already hold, if any.

    Run it in a write transaction of its own (`store.session(write=True)`), committed before
    the reviewer looks at the pair, so the lease is visible to everyone else.
    """
    held = held_by(session, reviewer, now, agency_ids=agency_ids)
    if held is not None:
        return held
    candidate = (
        select(ITEMS.id)
        .where(
            ITEMS.status.in_(QUEUED_STATUSES),
            or_(ITEMS.lease_expires_at.is_(None), ITEMS.lease_expires_at < now),
            or_(ITEMS.first_reviewer.is_(None), ITEMS.first_reviewer != reviewer),
        )
        .order_by(ITEMS.priority.desc(), ITEMS.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if agency_ids is not None:
        candidate = candidate.where(pair_in_scope(agency_ids))
    item_id = session.execute(candidate).scalar_one_or_none()
    if item_id is None:
        return None
    row = session.execute(
        update(review_items)
        .where(ITEMS.id == item_id)
        .values(
            lease_owner=reviewer,
            lease_expires_at=now + timedelta(seconds=policy.lease_seconds),
            fencing_token=ITEMS.fencing_token + 1,
            updated_at=now,
        )
        .returning(*review_items.c)
    ).one()
    return _item(row)


def release(session: Session, *, item_id: int, reviewer: str, token: int, now: datetime) -> bool:
    """Give a claimed pair back to the queue without a verdict. False if the claim was lost."""
    result = session.execute(
        update(review_items)
        .where(ITEMS.id == item_id, ITEMS.lease_owner == reviewer, ITEMS.fencing_token == token)
        .values(lease_owner=None, lease_expires_at=None, updated_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def find_item(
    session: Session, left: RecordKey, right: RecordKey, *, lock: bool = False
) -> QueueItem | None:
    a, b = ordered_pair(left, right)
    query = select(review_items).where(pair_filter(a, b))
    if lock:
        query = query.with_for_update()
    row = session.execute(query).first()
    return _item(row) if row is not None else None


def get_item(
    session: Session, item_id: int, *, agency_ids: set[int] | None = None
) -> QueueItem | None:
    """The queue row `item_id`, or None if there is none (or it is outside `agency_ids`)."""
    query = select(review_items).where(ITEMS.id == item_id)
    if agency_ids is not None:
        query = query.where(pair_in_scope(agency_ids))
    row = session.execute(query).first()
    return _item(row) if row is not None else None


def waiting(
    session: Session, *, agency_ids: set[int] | None = None, limit: int = 50, offset: int = 0
) -> list[QueueItem]:
    """The waiting pairs in queue order (best first), for a list; claiming is `claim_for`."""
    query = (
        select(review_items)
        .where(ITEMS.status.in_(QUEUED_STATUSES))
        .order_by(ITEMS.priority.desc(), ITEMS.id)
        .limit(limit)
        .offset(offset)
    )
    if agency_ids is not None:
        query = query.where(pair_in_scope(agency_ids))
    return [_item(r) for r in session.execute(query)]


def queue_counts(session: Session, *, agency_ids: set[int] | None = None) -> dict[str, int]:
    """How many pairs are in each status (waiting, confirmed, rejected ...); with `agency_ids`,
    only the pairs whose two records belong to those agencies."""
    query = select(ITEMS.status, func.count()).group_by(ITEMS.status)
    if agency_ids is not None:
        query = query.where(pair_in_scope(agency_ids))
    rows = session.execute(query)
    counts = {s.value: 0 for s in PairStatus}
    counts.update({status: int(n) for status, n in rows})
    return counts


def model_score(
    session: Session, left: RecordKey, right: RecordKey
) -> tuple[float | None, float | None]:
    """(probability, match weight) the last link run gave the pair, in either order, if any."""
    lp = link_pairs.c

    def side(a: RecordKey, b: RecordKey) -> ColumnElement[bool]:
        return and_(
            lp.source_l == a.source,
            lp.record_id_l == a.record_id,
            lp.source_r == b.source,
            lp.record_id_r == b.record_id,
        )

    row = session.execute(
        select(lp.match_probability, lp.match_weight).where(
            or_(side(left, right), side(right, left))
        )
    ).first()
    if row is None:
        return None, None
    return float(row.match_probability), float(row.match_weight)
