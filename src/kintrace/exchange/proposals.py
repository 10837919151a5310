"""Case update proposals from answers: pending until a caseworker accepts (the case's facet then
moves through the case service, under the transition table and the caseworker's role) or
rejects them. An accepted proposal that the table refuses stays pending, with the reason."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kintrace import audit
from kintrace.exchange.errors import ExchangeNotFound, ExchangeRefused
from kintrace.exchange.partners import now_text
from kintrace.store.exchange_tables import (
    exchange_answer_rows,
    exchange_answers,
    exchange_proposals,
    exchange_requests,
)


@dataclass(frozen=True)
class Proposal:
    id: int
    request: str
    child_ref: str
    case_id: int
    facet: str
    to_state: str
    place: str | None
    status_text: str | None
    state: str
    partner_id: int


def list_proposals(
    db: Session,
    *,
    request_id: int | None = None,
    state: str | None = "pending",
    proposal_id: int | None = None,
) -> list[Proposal]:
    p, ar, a = exchange_proposals.c, exchange_answer_rows.c, exchange_answers.c
    query = (
        select(
            exchange_proposals,
            ar.child_ref,
            ar.status_text,
            exchange_requests.c.ref,
            exchange_requests.c.partner_id,
        )
        .join(exchange_answer_rows, ar.id == p.answer_row_id)
        .join(exchange_answers, a.id == ar.answer_id)
        .join(exchange_requests, exchange_requests.c.id == a.request_id)
        .order_by(p.id)
    )
    if request_id is not None:
        query = query.where(a.request_id == request_id)
    if state is not None:
        query = query.where(p.state == state)
    if proposal_id is not None:
        query = query.where(p.id == proposal_id)
    return [
        Proposal(
            id=r.id,
            request=r.ref,
            child_ref=r.child_ref,
            case_id=r.case_id,
            facet=r.facet,
            to_state=r.to_state,
            place=r.place,
            status_text=r.status_text,
            state=r.state,
            partner_id=r.partner_id,
        )
        for r in db.execute(query)
    ]


def get_proposal(db: Session, proposal_id: int) -> Proposal:
    for proposal in list_proposals(db, state=None, proposal_id=proposal_id):
        return proposal
    raise ExchangeNotFound(f"there is no proposal {proposal_id}.")


def decide(db: Session, *, proposal: Proposal, accepted: bool, actor: str) -> None:
    if proposal.state != "pending":
        raise ExchangeRefused(f"proposal {proposal.id} was already {proposal.state}.")
    state = "accepted" if accepted else "rejected"
    db.execute(
        update(exchange_proposals)
        .where(exchange_proposals.c.id == proposal.id)
        .values(state=state, decided_by=actor, decided_at=now_text())
    )
    audit.append(
        db,
        actor=actor,
        action=f"exchange.proposal_{state}",
        entity_type="case",
        entity_id=proposal.case_id,
        details={
            "proposal": proposal.id,
            "request": proposal.request,
            "facet": proposal.facet,
            "to": proposal.to_state,
        },
    )
