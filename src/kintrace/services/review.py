"""Review: the queue, claiming a pair, the pair view, verdicts and their undoing, for the review
pages, the JSON API and `kintrace review ...` alike.

Over `kintrace.review` (queue, pairs, decisions): this module scopes everything to the
reviewer's agency (a pair is shown only when both records belong to it, decision 0510; the
command line's operator sees every agency's pairs), finds the record pages of both sides and
reads the level labels of the weights from the model of the run that scored the pair. Reading a
pair is audited (`pair.view`) by `kintrace.review.pairs`; verdicts by `kintrace.review.decisions`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from kintrace.accounts.actors import Actor
from kintrace.cases import (
    DECIDING_ROLES,
    QUEUED_STATUSES,
    PairStatus,
    RecordKey,
    ReviewPolicy,
    Role,
    Verdict,
)
from kintrace.linkage.spec.agreement import DIFFERENT, MISSING, SAME, Agreement
from kintrace.linkage.weights import model_weights, prior_weight
from kintrace.review import casework, decisions, pairs, queue
from kintrace.review.actors import Actor as ReviewActor
from kintrace.review.policy import load_policy
from kintrace.review.records import ChildName
from kintrace.review.scope import keys_in_scope
from kintrace.services import children
from kintrace.services import linkruns as linking
from kintrace.services.errors import PairNotFound
from kintrace.store.engine import Store
from kintrace.store.linkage_tables import link_pairs, link_runs
from kintrace.store.registry_tables import Record, Source

if TYPE_CHECKING:  # retraining loads Splink and pandas: only a retrain pays for them
    from kintrace.review.retrain import RetrainReport


__all__ = [
    "DecisionResult",
    "DecisionRow",
    "PairNotFound",
    "PairPage",
    "PairView",
    "QueueItem",
    "Reviewer",
    "candidate_names",
    "command_reviewer",
    "load_policy",
    "reviewer_of",
]

#: The fields a pair view shows, in order.
SHOWN = pairs.SHOWN
DecisionResult = decisions.DecisionResult
DecisionRow = decisions.DecisionRow
PairView = pairs.PairView
QueueItem = queue.QueueItem


@dataclass(frozen=True)
class Reviewer:
    """Who works on pairs and cases: the name (leases, decisions, the audit log), the role that
    decides what they may do, and whose records they see.

    A web or API user, and a command run in a user's place (`--user`/`--as`, KINTRACE_USER),
    sees their own agency's pairs and cases. The command line's operator (nobody named) sees
    every agency's (decisions 0510, 0424); `agency_id` is then the home agency, for choosing
    colleagues.
    """

    name: str
    role: Role
    agency_id: int
    every_agency: bool = False

    @property
    def agency_ids(self) -> set[int] | None:
        """The agencies whose pairs and cases this reviewer sees (None: all)."""
        return None if self.every_agency else {self.agency_id}

    @property
    def acting(self) -> ReviewActor:
        """The review area's actor (name and role)."""
        return ReviewActor(self.name, self.role)


def reviewer_of(actor: Actor) -> Reviewer:
    """The reviewer of a signed-in web or API user (their `Actor`): their agency's pairs only."""
    if actor.role is None:
        raise ValueError("A reviewer needs a role: a signed-in user or `command_reviewer`.")
    return Reviewer(actor.name, Role(actor.role.value), actor.agency_id)


def command_reviewer(actor: Actor) -> Reviewer:
    """The reviewer of a command's actor (`kintrace.services.accounts.command_actor`, decision
    0424): a named user works as on the web (their role, their agency's pairs and cases); the
    installation's operator (no role: nobody named, or a registry without accounts) works as
    admin on every agency's, under `actor.worker` (decision 0510)."""
    if actor.role is None:
        return Reviewer(actor.worker, Role.ADMIN, actor.agency_id, every_agency=True)
    return Reviewer(actor.worker, Role(actor.role.value), actor.agency_id)


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
    db: Session, reviewer: Reviewer, *, policy: ReviewPolicy, now: datetime
) -> queue.QueueItem | None:
    """The pair the reviewer holds, or the best waiting pair of their agency, leased to them."""
    queue.sync_from_links(db, policy=policy, now=now)
    return queue.claim_for(
        db, actor=reviewer.acting, policy=policy, now=now, agency_ids=reviewer.agency_ids
    )


PAGE_SIZE = 50
WAITING_STATUSES = QUEUED_STATUSES


def waiting(db: Session, reviewer: Reviewer, *, page: int = 1) -> list[queue.QueueItem]:
    return queue.waiting(
        db, agency_ids=reviewer.agency_ids, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )


@dataclass(frozen=True)
class QueuePage:
    """One page of the waiting pairs, best first, with the queue's counts by status."""

    counts: dict[str, int]
    waiting: list[queue.QueueItem]
    page: int
    pages: int


def queue_page(db: Session, reviewer: Reviewer, *, page: int = 1) -> QueuePage:
    """Page `page` of the pairs waiting for the reviewer's agency (PAGE_SIZE a page; a page out
    of range is the nearest one there is)."""
    found = counts(db, reviewer)
    waiting_total = sum(found.get(s, 0) for s in WAITING_STATUSES)
    pages = max(1, -(-waiting_total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    return QueuePage(found, waiting(db, reviewer, page=page), page, pages)


def bring_up_to_date(db: Session, store: Store, *, policy: ReviewPolicy) -> None:
    """Fill the queue from the last link run if it is behind (its own write transaction), then
    end the request's read transaction so its next query sees the filled queue (a SQLite reader
    keeps the snapshot it started with)."""
    if linking.queue_behind(store):
        linking.bring_queue_up_to_date(store, policy=policy)
        db.commit()


def counts(db: Session, reviewer: Reviewer) -> dict[str, int]:
    return queue.queue_counts(db, agency_ids=reviewer.agency_ids)


def held(db: Session, reviewer: Reviewer, *, now: datetime) -> queue.QueueItem | None:
    return queue.held_by(db, reviewer.name, now, agency_ids=reviewer.agency_ids)


def item_in_scope(db: Session, reviewer: Reviewer, *, item_id: int) -> queue.QueueItem:
    item = queue.get_item(db, item_id, agency_ids=reviewer.agency_ids)
    if item is None:
        raise PairNotFound()
    return item


def pair_page(
    db: Session, reviewer: Reviewer, *, item_id: int, policy: ReviewPolicy, now: datetime
) -> PairPage:
    """Everything the pair page shows; reading it is audited (`pair.view`) by the service."""
    item = item_in_scope(db, reviewer, item_id=item_id)
    view = pairs.pair_view(db, actor=reviewer.acting, left=item.left, right=item.right)
    two_people = policy.needs_two_people(view.left.kind, view.right.kind)
    confirmations = {
        PairStatus.AWAITING_SECOND: 1,
        PairStatus.CONFIRMED: 2 if two_people else 1,
    }.get(item.status, 0)
    lease_live = item.lease_expires_at is not None and item.lease_expires_at >= now
    visible = _visible(db, reviewer, [k for c in view.others for k in (c.left, c.right)])
    history = [
        d
        for d in decisions.decisions_for(db, key=item.left, limit=200)
        if {d.left, d.right} == {item.left, item.right}
    ]
    steps, prior = _steps(db, item, view.weights, view.agreement)
    return PairPage(
        item=item,
        view=view,
        record_pks=_record_pks(db, [item.left, item.right]),
        steps=steps,
        prior=prior,
        two_people=two_people,
        confirmations=confirmations,
        held_by_me=lease_live and item.lease_owner == reviewer.name,
        can_decide=reviewer.role in DECIDING_ROLES,
        reject_needs_reason=item.probability is not None
        and item.probability >= policy.auto_link_threshold,
        history=history,
        others=[c for c in view.others if c.left in visible and c.right in visible],
        rule=_rule(view.rule),
    )


def candidate_names(db: Session, reviewer: Reviewer, page: PairPage) -> dict[RecordKey, ChildName]:
    """The name as written, its Latin form and the birth date of each record in the pair page's
    other candidates (already limited to the reviewer's agency, decision 0510), for a reviewer
    to tell them apart by more than their ids. What is shown is audited as `records.list` shown
    on "pair", with the record keys (never the names), as the case and queue lists are."""
    keys = [k for c in page.others for k in (c.left, c.right)]
    return children.named(
        db, reader=reviewer.name, scope=reviewer.agency_ids, keys=keys, shown_on="pair"
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
    reviewer: Reviewer,
    *,
    item_id: int,
    verdict: str,
    note: str,
    token: int | None,
    policy: ReviewPolicy,
    now: datetime,
) -> decisions.DecisionResult:
    """A verdict from the pair page; the service checks role, claim, reason and two people."""
    item = item_in_scope(db, reviewer, item_id=item_id)
    return decisions.decide(
        db,
        actor=reviewer.acting,
        left=item.left,
        right=item.right,
        verdict=Verdict(verdict),
        note=note,
        token=token,
        policy=policy,
        now=now,
    )


def release(db: Session, reviewer: Reviewer, *, item_id: int, token: int, now: datetime) -> bool:
    item_in_scope(db, reviewer, item_id=item_id)
    return queue.release(db, item_id=item_id, reviewer=reviewer.name, token=token, now=now)


# ------------------------------------------------ what the command line asks by record keys


def _visible(db: Session, reviewer: Reviewer, keys: list[RecordKey]) -> set[RecordKey]:
    scope = reviewer.agency_ids
    return set(keys) if scope is None else keys_in_scope(db, keys, scope)


def _pair_in_scope(db: Session, reviewer: Reviewer, left: RecordKey, right: RecordKey) -> None:
    if _visible(db, reviewer, [left, right]) != {left, right}:
        raise PairNotFound()


def sync(db: Session, *, policy: ReviewPolicy, now: datetime) -> None:
    """Bring the queue up to date with the last link run (pairs added, stale ones withdrawn)."""
    queue.sync_from_links(db, policy=policy, now=now)


def queue_status(db: Session, *, policy: ReviewPolicy, now: datetime) -> dict[str, int]:
    """How many pairs of every agency wait, and how many are confirmed, rejected or unsure (the
    operator's `kintrace review status`; the queue is synced first)."""
    queue.sync_from_links(db, policy=policy, now=now)
    return queue.queue_counts(db)


def claim_next(
    db: Session, reviewer: Reviewer, *, policy: ReviewPolicy, now: datetime
) -> queue.QueueItem | None:
    """The pair the reviewer holds, or the best waiting one, leased to them (queue not synced:
    `sync` first, in a transaction of its own)."""
    return queue.claim_for(
        db, actor=reviewer.acting, policy=policy, now=now, agency_ids=reviewer.agency_ids
    )


def show_pair(
    db: Session, reviewer: Reviewer, *, left: RecordKey, right: RecordKey
) -> pairs.PairView:
    """Two records side by side (audited as `pair.view`); PairNotFound outside the scope."""
    _pair_in_scope(db, reviewer, left, right)
    return pairs.pair_view(db, actor=reviewer.acting, left=left, right=right)


def skip(db: Session, reviewer: Reviewer, *, now: datetime) -> queue.QueueItem | None:
    """Give the held pair back to the queue without a verdict; the pair, or None if none held."""
    item = queue.held_by(db, reviewer.name, now, agency_ids=reviewer.agency_ids)
    if item is None:
        return None
    queue.release(db, item_id=item.id, reviewer=reviewer.name, token=item.token, now=now)
    return item


def decide_pair(
    db: Session,
    reviewer: Reviewer,
    *,
    left: RecordKey,
    right: RecordKey,
    verdict: Verdict,
    note: str,
    policy: ReviewPolicy,
    now: datetime,
) -> decisions.DecisionResult:
    """A verdict on two records: the pair the reviewer holds (their claim's token is used), or
    any two records in scope; the review area checks role, reason and two people."""
    _pair_in_scope(db, reviewer, left, right)
    item = queue.find_item(db, left, right)
    token = None
    if (
        item
        and item.lease_owner == reviewer.name
        and item.lease_expires_at
        and item.lease_expires_at >= now
    ):
        token = item.token
    return decisions.decide(
        db,
        actor=reviewer.acting,
        left=left,
        right=right,
        verdict=verdict,
        note=note,
        token=token,
        policy=policy,
        now=now,
    )


def undo(
    db: Session,
    reviewer: Reviewer,
    *,
    decision_id: int | None,
    note: str,
    policy: ReviewPolicy,
    now: datetime,
) -> decisions.DecisionResult:
    """Undo a decision (default: the reviewer's latest) by a new one that supersedes it."""
    return decisions.undo(
        db, actor=reviewer.acting, decision_id=decision_id, note=note, policy=policy, now=now
    )


def decisions_of(
    db: Session,
    reviewer: Reviewer,
    *,
    mine: bool = False,
    key: RecordKey | None = None,
    limit: int = 50,
) -> list[decisions.DecisionRow]:
    """Decisions, newest first (only roles that may read cases: they name children)."""
    casework.require_reader(reviewer.acting)
    rows = decisions.decisions_for(
        db, reviewer=reviewer.name if mine else None, key=key, limit=limit
    )
    if reviewer.agency_ids is None:
        return rows
    visible = _visible(db, reviewer, [k for r in rows for k in (r.left, r.right)])
    return [r for r in rows if r.left in visible and r.right in visible]


def _record_pks(db: Session, keys: list[RecordKey]) -> dict[RecordKey, int]:
    rows = db.execute(
        select(Source.name, Record.record_id, Record.id)
        .join(Source, Source.id == Record.source_id)
        .where(tuple_(Source.name, Record.record_id).in_([tuple(k) for k in keys]))
    )
    return {RecordKey(r[0], r[1]): int(r[2]) for r in rows}


def _steps(
    db: Session,
    item: queue.QueueItem,
    weights: dict[str, float],
    agreement: dict[str, Agreement] | None = None,
) -> tuple[list[Step], float | None]:
    """The stored weights with the label of the level each stands for, read from the model of
    the run that scored the pair, and the prior (λ) as the waterfall's first bar.

    The stored weight of a level with a term-frequency adjustment (the same name or surname)
    is not the level's own weight: a common surname weighs less and would be taken for "close
    spelling" by its nearest level. So the field's agreement (`linkage.spec.agreement`, the
    words of the field table above) names the level when it is one of the comparison's levels,
    and values written the same reach the comparison's top level; only otherwise the nearest
    level by weight (levels without that adjustment weigh exactly their own weight).
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
    levels: dict[str, list[tuple[str, float, int]]] = {}
    prior = None
    if model_text:
        model = json.loads(model_text)
        for level in model_weights(model).values():
            levels.setdefault(level.comparison, []).append(
                (level.level, level.match_weight, level.gamma)
            )
        prior = prior_weight(model)
    steps = []
    agreement = agreement or {}
    for comparison, weight in weights.items():
        label = _level_label(levels.get(comparison, []), agreement.get(comparison), weight)
        steps.append(Step(comparison, label, float(weight)))
    return steps, prior


def _level_label(
    options: list[tuple[str, float, int]], agreed: Agreement | None, weight: float
) -> str:
    """The label of the level a comparison reached (see `_steps`)."""
    if not options:
        return ""
    if agreed is not None and agreed.state not in (DIFFERENT, MISSING):
        # "different" is the agreement's word for everything below its levels, where the
        # model may have finer ones (birth dates within a year): those go by weight
        if agreed.label in {o[0] for o in options if o[2] >= 0}:
            return agreed.label
        if agreed.state == SAME:
            return max(options, key=lambda o: o[2])[0]
    return min(options, key=lambda o: abs(o[1] - weight))[0]


def retrain(
    store: Store,
    reviewer: Reviewer,
    *,
    policy: ReviewPolicy,
    home: Path,
    now: datetime,
    save: bool,
    progress: Callable[[str], None] | None = None,
) -> RetrainReport:
    """Re-estimate the model from confirmed and rejected pairs (`kintrace.review.retrain`)."""
    from kintrace.review import retrain as retraining

    return retraining.retrain(
        store,
        actor=reviewer.acting,
        policy=policy,
        home=home,
        now=now,
        save=save,
        progress=progress,
    )
