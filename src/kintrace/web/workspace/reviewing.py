"""The review pages' view of the queue: claim a pair, show it, record a verdict.

Thin over `kintrace.review` (the same services as `kintrace review ...`): this module only
scopes everything to the reviewer's agency (a pair is shown only when both records belong to
it, decision 0510), finds the record pages of both sides and reads the level labels of the
weights from the model of the run that scored the pair.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from kintrace.accounts.users import User
from kintrace.cases import (
    DECIDING_ROLES,
    QUEUED_STATUSES,
    PairStatus,
    RecordKey,
    ReviewPolicy,
    Role,
    Verdict,
)
from kintrace.linkage.weights import model_weights, prior_weight
from kintrace.review import decisions, pairs, queue
from kintrace.review.actors import Actor
from kintrace.review.scope import keys_in_scope
from kintrace.services import linkruns as linking
from kintrace.store.engine import Store
from kintrace.store.linkage_tables import link_pairs, link_runs
from kintrace.store.registry_tables import Record, Source


class PairNotFound(LookupError):
    """No such pair in the queue, or not one the user's agency may see."""


def actor_of(user: User) -> Actor:
    return Actor(user.username, Role(user.role.value))


def scope_of(user: User) -> set[int]:
    return {user.agency_id}


@dataclass(frozen=True)
class Step:
    """One bar of the waterfall: a comparison, the level the pair reached, its weight."""

    comparison: str
    level: str
    weight: float

    @property
    def direction(self) -> str:
        return "for" if self.weight > 0 else "against" if self.weight < 0 else "neutral"


@dataclass(frozen=True)
class PairPage:
    item: queue.QueueItem
    view: pairs.PairView
    record_pks: dict[RecordKey, int]
    steps: list[Step]
    prior: float | None
    two_people: bool
    confirmations: int
    held_by_me: bool
    can_decide: bool
    reject_needs_reason: bool
    history: list[decisions.DecisionRow] = field(default_factory=list)
    others: list[pairs.Candidate] = field(default_factory=list)
    #: the decision rule that set the pair's status: its id and one-line why (`linkage.decide`)
    rule: tuple[str, str] | None = None


def claim(
    db: Session, *, user: User, policy: ReviewPolicy, now: datetime
) -> queue.QueueItem | None:
    """The pair the reviewer holds, or the best waiting pair of their agency, leased to them."""
    queue.sync_from_links(db, policy=policy, now=now)
    return queue.claim_for(
        db, actor=actor_of(user), policy=policy, now=now, agency_ids=scope_of(user)
    )


PAGE_SIZE = 50
WAITING_STATUSES = QUEUED_STATUSES


def waiting(db: Session, *, user: User, page: int = 1) -> list[queue.QueueItem]:
    return queue.waiting(
        db, agency_ids=scope_of(user), limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )


def bring_up_to_date(db: Session, store: Store, *, policy: ReviewPolicy) -> None:
    """Fill the queue from the last link run if it is behind (its own write transaction), then
    end the request's read transaction so its next query sees the filled queue (a SQLite reader
    keeps the snapshot it started with)."""
    if linking.queue_behind(store):
        linking.bring_queue_up_to_date(store, policy=policy)
        db.commit()


def counts(db: Session, *, user: User) -> dict[str, int]:
    return queue.queue_counts(db, agency_ids=scope_of(user))


def held(db: Session, *, user: User, now: datetime) -> queue.QueueItem | None:
    return queue.held_by(db, user.username, now, agency_ids=scope_of(user))


def item_in_scope(db: Session, *, user: User, item_id: int) -> queue.QueueItem:
    item = queue.get_item(db, item_id, agency_ids=scope_of(user))
    if item is None:
        raise PairNotFound()
    return item


def pair_page(
    db: Session, *, user: User, item_id: int, policy: ReviewPolicy, now: datetime
) -> PairPage:
    """Everything the pair page shows; reading it is audited (`pair.view`) by the service."""
    item = item_in_scope(db, user=user, item_id=item_id)
    view = pairs.pair_view(db, actor=actor_of(user), left=item.left, right=item.right)
    two_people = policy.needs_two_people(view.left.kind, view.right.kind)
    confirmations = {
        PairStatus.AWAITING_SECOND: 1,
        PairStatus.CONFIRMED: 2 if two_people else 1,
    }.get(item.status, 0)
    lease_live = item.lease_expires_at is not None and item.lease_expires_at >= now
    visible = keys_in_scope(db, [k for c in view.others for k in (c.left, c.right)], scope_of(user))
    history = [
        d
        for d in decisions.decisions_for(db, key=item.left, limit=200)
        if {d.left, d.right} == {item.left, item.right}
    ]
    steps, prior = _steps(db, item, view.weights)
    return PairPage(
        item=item,
        view=view,
        record_pks=_record_pks(db, [item.left, item.right]),
        steps=steps,
        prior=prior,
        two_people=two_people,
        confirmations=confirmations,
        held_by_me=lease_live and item.lease_owner == user.username,
        can_decide=Role(user.role.value) in DECIDING_ROLES,
        reject_needs_reason=item.probability is not None
        and item.probability >= policy.auto_link_threshold,
        history=history,
        others=[c for c in view.others if c.left in visible and c.right in visible],
        rule=_rule(view.rule),
    )


def _rule(rule_id: str | None) -> tuple[str, str] | None:
    """The id and why of the decision rule that set a pair's status, None when not recorded.
    Imported here, not at start-up: the rules bring pandas, which the server does not need
    until a pair is shown."""
    if not rule_id:
        return None
    from kintrace.linkage.decide import RULES

    found = [r for r in RULES if r.id == rule_id]
    return (found[0].id, found[0].why) if found else (rule_id, "")


def decide(
    db: Session,
    *,
    user: User,
    item_id: int,
    verdict: str,
    note: str,
    token: int | None,
    policy: ReviewPolicy,
    now: datetime,
) -> decisions.DecisionResult:
    """A verdict from the pair page; the service checks role, claim, reason and two people."""
    item = item_in_scope(db, user=user, item_id=item_id)
    return decisions.decide(
        db,
        actor=actor_of(user),
        left=item.left,
        right=item.right,
        verdict=Verdict(verdict),
        note=note,
        token=token,
        policy=policy,
        now=now,
    )


def release(db: Session, *, user: User, item_id: int, token: int, now: datetime) -> bool:
    item_in_scope(db, user=user, item_id=item_id)
    return queue.release(db, item_id=item_id, reviewer=user.username, token=token, now=now)


def _record_pks(db: Session, keys: list[RecordKey]) -> dict[RecordKey, int]:
    rows = db.execute(
        select(Source.name, Record.record_id, Record.id)
        .join(Source, Source.id == Record.source_id)
        .where(tuple_(Source.name, Record.record_id).in_([tuple(k) for k in keys]))
    )
    return {RecordKey(r[0], r[1]): int(r[2]) for r in rows}


def _steps(
    db: Session, item: queue.QueueItem, weights: dict[str, float]
) -> tuple[list[Step], float | None]:
    """The stored weights with the label of the level each stands for, read from the model of
    the run that scored the pair, and the prior (λ) as the waterfall's first bar. A weight with a
    term-frequency adjustment is labelled with the nearest level, as `kintrace link explain` does.
    """
    if not weights:
        return [], None
    lp = link_pairs.c
    runs = link_runs.c
    scored_by = db.execute(
        select(runs.model_json, runs.model_run_id)
        .join(link_pairs, lp.run_id == runs.id)
        .where(
            lp.source_l == item.left.source,
            lp.record_id_l == item.left.record_id,
            lp.source_r == item.right.source,
            lp.record_id_r == item.right.record_id,
        )
    ).first()
    model_text = scored_by.model_json if scored_by is not None else None
    if not model_text and scored_by is not None and scored_by.model_run_id is not None:
        model_text = db.scalar(select(runs.model_json).where(runs.id == scored_by.model_run_id))
    levels: dict[str, list[tuple[str, float]]] = {}
    prior = None
    if model_text:
        model = json.loads(model_text)
        for level in model_weights(model).values():
            levels.setdefault(level.comparison, []).append((level.level, level.match_weight))
        prior = prior_weight(model)
    steps = []
    for comparison, weight in weights.items():
        options = levels.get(comparison, [])
        label = min(options, key=lambda o: abs(o[1] - weight))[0] if options else ""
        steps.append(Step(comparison, label, float(weight)))
    return steps, prior


@dataclass(frozen=True)
class Bar:
    """A row of the waterfall drawn as an SVG bar: where it starts and how wide it is, in
    percent of the drawing, from the running total before and after the step."""

    label: str
    level: str
    weight: float
    total: float  # running match weight after this step
    start: float
    width: float


def waterfall(prior: float | None, steps: list[Step]) -> list[Bar]:
    rows = ([("prior", "", prior)] if prior is not None else []) + [
        (s.comparison, s.level, s.weight) for s in steps
    ]
    totals = [0.0]
    for _label, _level, weight in rows:
        totals.append(totals[-1] + weight)
    low, high = min(totals), max(totals)
    span = (high - low) or 1.0
    bars = []
    for i, (label, level, weight) in enumerate(rows):
        a, b = sorted((totals[i], totals[i + 1]))
        bars.append(
            Bar(
                label=label,
                level=level,
                weight=weight,
                total=totals[i + 1],
                start=round((a - low) / span * 100, 2),
                width=max(round((b - a) / span * 100, 2), 0.5),
            )
        )
    return bars
