"""A child's exchange history, for its case page: each request it was in (to whom, when, by
whom, under which reference), each answer row tied to it (when imported, the status as written
and as classified, how it was matched, what it says differently from what was sent) and what
became of the case update each row proposed (pending, accepted, rejected, by whom).

A child is in a request as its case (`case_id`) or as the case's subject record (a request made
from a file of records). Only requests to the given partners are read (the actor's agency's).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kintrace.exchange.reconcile import Discrepancy, discrepancies_of
from kintrace.store.exchange_tables import (
    exchange_answer_rows,
    exchange_answers,
    exchange_partners,
    exchange_proposals,
    exchange_request_children,
    exchange_requests,
)
from kintrace.store.review_tables import cases


@dataclass(frozen=True)
class ProposalLine:
    id: int
    facet: str
    to_state: str
    place: str | None
    state: str  # pending | accepted | rejected
    decided_by: str | None
    decided_at: datetime | None


@dataclass(frozen=True)
class AnswerLine:
    imported_at: datetime | None
    row_number: int
    matched_by: str  # reference | model | duplicate
    status_text: str | None
    status: str | None  # None: held for a person to classify
    discrepancies: list[Discrepancy] = field(default_factory=list)
    proposals: list[ProposalLine] = field(default_factory=list)


@dataclass(frozen=True)
class RequestLine:
    request: str
    partner: str
    child_ref: str
    sent_at: datetime | None
    sent_by: str
    answers: list[AnswerLine] = field(default_factory=list)


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def case_history(db: Session, case_id: int, *, partner_ids: set[int]) -> list[RequestLine]:
    """The case's child in every request to one of `partner_ids`, oldest first."""
    if not partner_ids:
        return []
    subject = db.execute(
        select(cases.c.subject_source, cases.c.subject_record_id).where(cases.c.id == case_id)
    ).first()
    c, r, p = exchange_request_children.c, exchange_requests.c, exchange_partners.c
    this_child = c.case_id == case_id
    if subject is not None:
        this_child = or_(
            this_child,
            (c.source == subject.subject_source) & (c.record_id == subject.subject_record_id),
        )
    sent = db.execute(
        select(c.request_id, c.child_ref, c.sent, r.ref, r.created_at, r.created_by, p.name)
        .join(exchange_requests, r.id == c.request_id)
        .join(exchange_partners, p.id == r.partner_id)
        .where(this_child & r.partner_id.in_(sorted(partner_ids)))
        .order_by(r.created_at, r.id)
    ).all()
    if not sent:
        return []
    a, ar = exchange_answers.c, exchange_answer_rows.c
    rows = db.execute(
        select(exchange_answer_rows, a.request_id, a.imported_at)
        .join(exchange_answers, a.id == ar.answer_id)
        .where(
            a.request_id.in_({s.request_id for s in sent})
            & ar.child_ref.in_({s.child_ref for s in sent})
        )
        .order_by(a.imported_at, ar.id)
    ).all()
    proposals: dict[int, list[ProposalLine]] = defaultdict(list)
    if rows:
        pr = exchange_proposals.c
        for q in db.execute(
            select(exchange_proposals)
            .where(pr.answer_row_id.in_([row.id for row in rows]))
            .order_by(pr.id)
        ):
            proposals[q.answer_row_id].append(
                ProposalLine(
                    q.id,
                    q.facet,
                    q.to_state,
                    q.place,
                    q.state,
                    q.decided_by,
                    _when(q.decided_at),
                )
            )
    lines = []
    for s in sent:
        sent_values = json.loads(s.sent)
        answers = [
            AnswerLine(
                imported_at=_when(row.imported_at),
                row_number=row.row_number,
                matched_by=row.matched_by,
                status_text=row.status_text,
                status=row.status,
                discrepancies=discrepancies_of(
                    row.id, s.child_ref, sent_values, json.loads(row.fields)
                )
                if row.matched_by != "duplicate"
                else [],
                proposals=proposals.get(row.id, []),
            )
            for row in rows
            if row.request_id == s.request_id and row.child_ref == s.child_ref
        ]
        lines.append(RequestLine(s.ref, s.name, s.child_ref, _when(s.created_at), s.created_by,
                                 answers))  # fmt: skip
    return lines
