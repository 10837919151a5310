"""What an answer's import left for a person (decision 0600): statuses no rule knows (held until
a person classifies them) and rows tied to no child (no reference and no clear match, or a
reference given twice). A person classifies a held status, or places a row on a child of the
request (`matched_by = person`); either may then propose a case update, pending as always.
Nothing here changes a case.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kintrace import audit
from kintrace.exchange.answers import proposal_for
from kintrace.exchange.errors import ExchangeNotFound, ExchangeRefused
from kintrace.exchange.status import Status
from kintrace.store.exchange_tables import (
    exchange_answer_rows,
    exchange_answers,
    exchange_proposals,
    exchange_request_children,
    exchange_requests,
)

#: How a row is tied to its child when a person placed it.
BY_PERSON = "person"
MATCHED = ("reference", "model", BY_PERSON)


@dataclass(frozen=True)
class HeldRow:
    id: int
    request: str
    partner_id: int
    row_number: int
    matched_by: str  # reference | model | person: status held; none | duplicate: no child
    child_ref: str | None
    given_ref: str | None
    status_text: str | None
    status: str | None
    fields: dict[str, str]  # the row as the partner wrote it

    @property
    def waits_for(self) -> str:
        """What a person must give the row: "a child" (tied to none: no reference and no clear
        match, or a reference given twice), "a status" (one no rule knows), or both."""
        no_child = self.matched_by in ("none", "duplicate")
        if no_child and self.status is None:
            return "a child and a status"
        return "a child" if no_child else "a status"

    @property
    def name_as_written(self) -> str:
        """Surname, given name and patronymic as the partner wrote them (a part the answer's
        reader could not read is shown as it stood in the file)."""
        parts = (
            self.fields.get(key) or self.fields.get(f"{key}_original", "")
            for key in ("family_name", "given_name", "patronymic")
        )
        return " ".join(p for p in parts if p)


def _row_query():
    a, ar, r = exchange_answers.c, exchange_answer_rows.c, exchange_requests.c
    return (
        select(exchange_answer_rows, r.ref, r.partner_id, a.request_id)
        .join(exchange_answers, a.id == ar.answer_id)
        .join(exchange_requests, r.id == a.request_id)
    )


def _held(row) -> HeldRow:
    return HeldRow(
        id=row.id,
        request=row.ref,
        partner_id=row.partner_id,
        row_number=row.row_number,
        matched_by=row.matched_by,
        child_ref=row.child_ref,
        given_ref=row.given_ref,
        status_text=row.status_text,
        status=row.status,
        fields=json.loads(row.fields),
    )


def held_rows(db: Session, request_id: int) -> list[HeldRow]:
    """The request's rows waiting for a person: no child, or a status no rule knows."""
    a, ar = exchange_answers.c, exchange_answer_rows.c
    rows = db.execute(
        _row_query()
        .where(
            (a.request_id == request_id)
            & (ar.matched_by.in_(("none", "duplicate")) | ar.status.is_(None))
        )
        .order_by(a.imported_at, ar.id)
    )
    return [_held(r) for r in rows]


def get_row(db: Session, row_id: int) -> HeldRow:
    row = db.execute(_row_query().where(exchange_answer_rows.c.id == row_id)).first()
    if row is None:
        raise ExchangeNotFound(f"there is no answer row {row_id}.")
    return _held(row)


def _case_of(db: Session, request_id: int, child_ref: str) -> int | None:
    c = exchange_request_children.c
    return db.execute(
        select(c.case_id).where((c.request_id == request_id) & (c.child_ref == child_ref))
    ).scalar_one_or_none()


def _request_id(db: Session, row_id: int) -> int:
    a, ar = exchange_answers.c, exchange_answer_rows.c
    return int(
        db.execute(
            select(a.request_id)
            .join(exchange_answer_rows, ar.answer_id == a.id)
            .where(ar.id == row_id)
        ).scalar_one()
    )


def _propose(db: Session, row: HeldRow, *, child_ref: str, status: Status) -> int:
    """The pending proposal a row now tied to a child with a known status makes (0 or 1)."""
    already = db.execute(
        select(exchange_proposals.c.id).where(exchange_proposals.c.answer_row_id == row.id)
    ).first()
    if already is not None:
        return 0
    proposal = proposal_for(
        row_id=row.id,
        case_id=_case_of(db, _request_id(db, row.id), child_ref),
        status=status,
        values=row.fields,
    )
    if proposal is None:
        return 0
    db.execute(exchange_proposals.insert().values(**proposal))
    return 1


def classify_row(db: Session, row: HeldRow, *, status: str, actor: str) -> int:
    """A person's status for a row no rule could classify; returns the proposals made (0/1)."""
    try:
        chosen = Status(status)
    except ValueError:
        raise ExchangeRefused(
            f"'{status[:20]}' is not a status: use one of {', '.join(s.value for s in Status)}."
        ) from None
    if row.status is not None:
        raise ExchangeRefused(
            f"answer row {row.id} was already classified ({row.status}); nothing changed."
        )
    db.execute(
        update(exchange_answer_rows)
        .where(exchange_answer_rows.c.id == row.id)
        .values(status=chosen.value, status_by=actor)
    )
    made = 0
    if row.child_ref and row.matched_by in MATCHED:
        made = _propose(db, row, child_ref=row.child_ref, status=chosen)
    audit.append(
        db,
        actor=actor,
        action="exchange.classify",
        entity_type="exchange_request",
        entity_id=row.request,
        details={"row": row.id, "status": chosen.value, "proposals": made},
    )
    return made


def place_row(db: Session, row: HeldRow, *, child_ref: str, actor: str) -> int:
    """A person ties a row no rule could place (no child, or a reference given twice) to a
    child of its request; returns the proposals made (0/1)."""
    if row.matched_by not in ("none", "duplicate"):
        raise ExchangeRefused(
            f"answer row {row.id} is already tied to a child ({row.matched_by}); nothing changed."
        )
    wanted = child_ref.strip().upper()
    request_id = _request_id(db, row.id)
    c = exchange_request_children.c
    known = db.execute(
        select(c.id).where((c.request_id == request_id) & (c.child_ref == wanted))
    ).first()
    if known is None:
        raise ExchangeNotFound(
            f"request {row.request} has no child with the reference '{child_ref[:40]}'."
        )
    db.execute(
        update(exchange_answer_rows)
        .where(exchange_answer_rows.c.id == row.id)
        .values(child_ref=wanted, matched_by=BY_PERSON, score=None)
    )
    made = 0
    if row.status is not None:
        made = _propose(db, row, child_ref=wanted, status=Status(row.status))
    audit.append(
        db,
        actor=actor,
        action="exchange.place",
        entity_type="exchange_request",
        entity_id=row.request,
        details={"row": row.id, "child": wanted, "was": row.matched_by, "proposals": made},
    )
    return made
