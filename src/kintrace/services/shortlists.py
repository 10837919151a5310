"""The dashboard's short work lists (issue 12, findings 3 and 9): for those who give verdicts,
the next pairs of the review queue; for those who read cases, the cases that moved last; each
child named as the lists show them.

Which role sees which list is decided here, by the role table `kintrace.services.access` that
the web's gates and the command line use (decision 0424): a page only shows what it is given.
The queue is first brought up to date with the last link run, as the queue page does, so the
pairs listed are those a reviewer would be given. The names shown are audited
(`kintrace.services.children.names`, shown on "dashboard").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from kintrace.accounts.actors import Actor
from kintrace.cases import RecordKey
from kintrace.services import access, cases, children, review
from kintrace.services.context import Store

#: pairs and cases listed; the queue and the case list have the rest
SHORT_LIST = 5


@dataclass(frozen=True)
class ShortLists:
    pairs: list[review.QueueItem] = field(default_factory=list)
    cases: list[cases.CaseLine] = field(default_factory=list)
    names: dict[RecordKey, children.ChildName] = field(default_factory=dict)


def for_actor(db: Session, store: Store, actor: Actor, *, now: datetime) -> ShortLists:
    """The lists the actor's role works on, SHORT_LIST of each: the best waiting pairs of their
    agency (`access.DECIDERS`), the open cases by their last progress, newest first (roles that
    read names, `access.NAME_READERS`); none for the analyst. Raises WorkflowRefused when the
    review policy cannot be read."""
    reviewer = review.reviewer_of(actor)
    pairs: list[review.QueueItem] = []
    if actor.role in access.DECIDERS:
        review.bring_up_to_date(db, store, policy=review.load_policy(store.settings.home))
        pairs = review.waiting(db, reviewer)[:SHORT_LIST]
    latest: list[cases.CaseLine] = []
    if actor.role in access.NAME_READERS:
        lines = cases.list_page(db, reviewer, now=now)
        latest = sorted(lines, key=lambda line: line.case.last_progress_at, reverse=True)
        latest = latest[:SHORT_LIST]
    keys = [k for p in pairs for k in (p.left, p.right)] + [line.case.subject for line in latest]
    names = children.names(db, actor, keys, shown_on="dashboard") if keys else {}
    return ShortLists(pairs=pairs, cases=latest, names=names)
