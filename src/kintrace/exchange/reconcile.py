"""Reconciliation of a request with its answers: who was asked about, who was answered and how,
what the answers say differently from what was sent, who was answered twice differently.

Counts per request: requested, answered (a row matched by reference or by name and birth
date), found (found / in care / in a family), returned, not found, no answer, held statuses,
unanswered, unanswered after D days (the request older than D days). A discrepancy is a matched
row whose birth date, name or birth place is not the one sent (names compared across scripts with
`kintrace.names.compare`, places with `place_key`). A child answered twice differently has rows,
in this request or an earlier round to the same partner (the reference is the same), whose
statuses differ.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kintrace.exchange.status import Status
from kintrace.names import NameParts, compare
from kintrace.names.places import place_key
from kintrace.store.exchange_tables import (
    exchange_answer_rows,
    exchange_answers,
    exchange_request_children,
    exchange_requests,
)

LOCATED = (Status.FOUND.value, Status.IN_CARE.value, Status.IN_FAMILY.value)


@dataclass(frozen=True)
class Discrepancy:
    child_ref: str
    field: str  # birth_date | name | birth_place
    sent: str
    answered: str
    row_id: int


@dataclass(frozen=True)
class ChildLine:
    child_ref: str
    source: str
    record_id: str
    case_id: int | None
    status: str | None  # the latest matched row's status; None: held or unanswered
    matched_by: str | None
    answers: int

    @property
    def state(self) -> str:
        """The status, else "held" (answered, the status waiting for a person) or
        "unanswered"."""
        return self.status or ("held" if self.answers else "unanswered")


@dataclass(frozen=True)
class Reconciliation:
    request: str
    partner: str
    created_at: str
    requested: int
    answered: int
    found: int
    returned: int
    not_found: int
    no_answer: int
    held_statuses: int
    unanswered: int
    overdue: int  # unanswered and the request older than `days`
    days: int
    unmatched_rows: int
    duplicate_rows: int
    children: list[ChildLine] = field(default_factory=list)
    discrepancies: list[Discrepancy] = field(default_factory=list)
    answered_twice: list[str] = field(default_factory=list)  # child refs

    def children_where(self, *, state: str = "", discrepancy: bool = False) -> list[ChildLine]:
        """The children in `state` (any when empty; see `ChildLine.state`), only those with a
        discrepancy if `discrepancy`."""
        differing = {d.child_ref for d in self.discrepancies}
        return [
            c
            for c in self.children
            if (not state or c.state == state) and (not discrepancy or c.child_ref in differing)
        ]


def _iso(text: str) -> str:
    from kintrace.exchange.answers import iso_date

    return iso_date(text) or text


def discrepancies_of(row_id: int, child_ref: str, sent: dict, got: dict) -> list[Discrepancy]:
    found = []
    if (
        sent.get("birth_date")
        and got.get("birth_date")
        and _iso(got["birth_date"]) != sent["birth_date"]
    ):
        found.append(
            Discrepancy(child_ref, "birth_date", sent["birth_date"], got["birth_date"], row_id)
        )
    sent_name = NameParts(
        sent.get("given_name", ""), sent.get("family_name", ""), sent.get("patronymic", "")
    )
    got_name = NameParts(
        got.get("given_name", ""), got.get("family_name", ""), got.get("patronymic", "")
    )
    if any(got_name) and any(sent_name) and not compare(sent_name, got_name).is_match:
        found.append(
            Discrepancy(
                child_ref,
                "name",
                " ".join(p for p in sent_name if p),
                " ".join(p for p in got_name if p),
                row_id,
            )
        )
    if (
        sent.get("birth_place")
        and got.get("birth_place")
        and place_key(sent["birth_place"]) != place_key(got["birth_place"])
    ):
        found.append(
            Discrepancy(child_ref, "birth_place", sent["birth_place"], got["birth_place"], row_id)
        )
    return found


def reconcile(
    db: Session, request_id: int, *, days: int = 30, now: datetime | None = None
) -> Reconciliation:
    now = now or datetime.now(UTC)
    request = db.execute(
        select(exchange_requests).where(exchange_requests.c.id == request_id)
    ).one()
    from kintrace.exchange.partners import partner_by_id

    partner = partner_by_id(db, request.partner_id)
    c = exchange_request_children.c
    children = {
        r.child_ref: r
        for r in db.execute(select(exchange_request_children).where(c.request_id == request_id))
    }
    a, ar = exchange_answers.c, exchange_answer_rows.c
    rows = db.execute(
        select(exchange_answer_rows, a.request_id, a.imported_at)
        .join(exchange_answers, a.id == ar.answer_id)
        .where(a.request_id == request_id)
        .order_by(a.imported_at, ar.id)
    ).all()
    # every round to the same partner: rows about the same references
    earlier = db.execute(
        select(ar.child_ref, ar.status)
        .join(exchange_answers, a.id == ar.answer_id)
        .join(exchange_requests, exchange_requests.c.id == a.request_id)
        .where(
            (exchange_requests.c.partner_id == request.partner_id)
            & ar.child_ref.in_(list(children))
            & ar.matched_by.in_(("reference", "model", "person"))
            & ar.status.is_not(None)
        )
    ).all()
    statuses: dict[str, set[str]] = defaultdict(set)
    for ref, status in earlier:
        if status != Status.NO_ANSWER.value:
            statuses[ref].add(status)
    latest: dict[str, object] = {}
    count: dict[str, int] = defaultdict(int)
    discrepancies: list[Discrepancy] = []
    held = unmatched = duplicates = 0
    for row in rows:
        if row.matched_by == "none":
            unmatched += 1
            continue
        if row.matched_by == "duplicate":
            duplicates += 1
            continue
        count[row.child_ref] += 1
        latest[row.child_ref] = row
        sent = json.loads(children[row.child_ref].sent)
        discrepancies.extend(discrepancies_of(row.id, row.child_ref, sent, json.loads(row.fields)))
    lines = []
    tally: dict[str, int] = defaultdict(int)
    for ref, child in children.items():
        answer = latest.get(ref)
        status = getattr(answer, "status", None)
        if answer is not None and status is None:
            held += 1
        tally[status or ""] += 1
        lines.append(
            ChildLine(
                child_ref=ref,
                source=child.source,
                record_id=child.record_id,
                case_id=child.case_id,
                status=status,
                matched_by=getattr(answer, "matched_by", None),
                answers=count[ref],
            )
        )
    answered = len(latest)
    age_days = (now - datetime.fromisoformat(request.created_at.replace("Z", "+00:00"))).days
    unanswered = len(children) - answered
    return Reconciliation(
        request=request.ref,
        partner=partner.name,
        created_at=request.created_at,
        requested=len(children),
        answered=answered,
        found=sum(tally[s] for s in LOCATED),
        returned=tally[Status.RETURNED.value],
        not_found=tally[Status.NOT_FOUND.value],
        no_answer=tally[Status.NO_ANSWER.value],
        held_statuses=held,
        unanswered=unanswered,
        overdue=unanswered if age_days >= days else 0,
        days=days,
        unmatched_rows=unmatched,
        duplicate_rows=duplicates,
        children=lines,
        discrepancies=discrepancies,
        answered_twice=sorted(ref for ref, s in statuses.items() if len(s) > 1),
    )
