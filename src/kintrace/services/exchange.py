"""The list exchange as the web and the command line ask for it (issue 13): Actor in, plain
dataclasses out. A partner belongs to the agency that added it; an actor sees and uses only its
own agency's partners (another agency's partner is "not found"). Every change is audited inside
`kintrace.exchange`; reads of children's data are audited here.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from kintrace.accounts.actors import Actor
from kintrace.exchange import (
    answers,
    held,
    history,
    identity,
    partners,
    proposals,
    reconcile,
    requests,
)
from kintrace.exchange.answers import AnswerImported
from kintrace.exchange.errors import ExchangeNotFound, ExchangeRefused
from kintrace.exchange.held import HeldRow
from kintrace.exchange.history import RequestLine
from kintrace.exchange.partners import FIELDS, LANGUAGES, Agreement, Partner
from kintrace.exchange.proposals import Proposal
from kintrace.exchange.reconcile import ChildLine, Reconciliation
from kintrace.exchange.requests import RequestMade, RequestView
from kintrace.signing import load_or_create_signer
from kintrace.store.engine import Store

__all__ = [
    "FIELDS",
    "LANGUAGES",
    "Agreement",
    "AnswerImported",
    "ChildLine",
    "HeldRow",
    "Partner",
    "Proposal",
    "Reconciliation",
    "RequestLine",
    "RequestMade",
    "RequestView",
    "add_agreement",
    "add_partner",
    "agreements",
    "case_history",
    "classify_row",
    "decide_proposal",
    "held_rows",
    "import_answer",
    "list_partners",
    "list_requests",
    "our_recipient",
    "parse_fields",
    "partner",
    "pending_proposals",
    "place_row",
    "reconciliation",
    "report_bytes",
    "send_request",
]

parse_fields = partners.parse_fields


def our_recipient(home: Path) -> str:
    """Our age recipient (public), created with the identity on first use."""
    return identity.our_recipient(home)


def add_partner(
    db: Session,
    actor: Actor,
    *,
    name: str,
    age_recipient: str,
    language: str = "ru",
    verify_key_pem: bytes | None = None,
) -> Partner:
    return partners.add_partner(
        db,
        name=name,
        age_recipient=age_recipient,
        language=language,
        verify_key_pem=verify_key_pem,
        agency_id=actor.agency_id,
        actor=actor.name,
    )


def partner(db: Session, actor: Actor, name: str) -> Partner:
    found = partners.get_partner(db, name)
    if found.agency_id != actor.agency_id:
        raise ExchangeNotFound(f"there is no partner named '{name[:64]}'.")
    return found


def list_partners(db: Session, actor: Actor) -> list[Partner]:
    return partners.list_partners(db, agency_id=actor.agency_id)


def add_agreement(
    db: Session,
    actor: Actor,
    *,
    partner_name: str,
    purpose: str,
    fields: tuple[str, ...],
    expires_on: date,
    onward_sharing_banned: bool = True,
    today: date,
) -> Agreement:
    return partners.add_agreement(
        db,
        partner=partner(db, actor, partner_name),
        purpose=purpose,
        fields=fields,
        expires_on=expires_on,
        onward_sharing_banned=onward_sharing_banned,
        actor=actor.name,
        today=today,
    )


def agreements(db: Session, actor: Actor, partner_name: str) -> list[Agreement]:
    return partners.agreements_of(db, partner(db, actor, partner_name))


def send_request(
    db: Session,
    actor: Actor,
    *,
    home: Path,
    partner_name: str,
    cases: str | None = None,
    child_lines: list[str] | None = None,
    fields: tuple[str, ...] | None = None,
    today: date,
) -> RequestMade:
    """Build, sign, encrypt and record a request for the children of `cases` (a filter) or
    `child_lines` (SOURCE:ID or person ids). The caller writes `package` where it must go."""
    found = partner(db, actor, partner_name)
    if (cases is None) == (child_lines is None):
        raise ExchangeRefused("name the children with either --cases FILTER or --persons FILE.")
    if cases is not None:
        children = requests.children_of_cases(db, agency_id=found.agency_id, where=cases)
    else:
        children = requests.children_of_lines(
            db, agency_id=found.agency_id, lines=child_lines or []
        )
    return requests.make_request(
        db,
        partner=found,
        children=children,
        fields=fields,
        signer=load_or_create_signer(home),
        actor=actor.name,
        today=today,
    )


def get_request(db: Session, actor: Actor, ref: str) -> RequestView:
    view = requests.get_request(db, ref)
    partner_of_request = partners.get_partner(db, view.partner)
    if partner_of_request.agency_id != actor.agency_id:
        raise ExchangeNotFound(f"there is no request '{ref[:40]}'.")
    return view


def import_answer(
    store: Store, actor: Actor, *, home: Path, data: bytes, request_ref: str | None = None
) -> AnswerImported:
    """Decrypt an answer with our identity, verify it (required when the partner has a verify
    key), match its rows to the request's children, classify statuses, enter the rows in the
    registry (source of kind `answer`) and record pending case proposals. Runs its own
    transactions (the registry import is one). Cases are not changed."""
    return answers.import_answer(
        store,
        data=data,
        identity=identity.load_or_create_identity(home),
        request_ref=request_ref,
        actor=actor.name,
        agency_id=actor.agency_id,
    )


def list_requests(db: Session, actor: Actor) -> list[RequestView]:
    from sqlalchemy import select

    from kintrace.store.exchange_tables import exchange_partners, exchange_requests

    refs = db.execute(
        select(exchange_requests.c.ref)
        .join(exchange_partners, exchange_partners.c.id == exchange_requests.c.partner_id)
        .where(exchange_partners.c.agency_id == actor.agency_id)
        .order_by(exchange_requests.c.id)
    ).scalars()
    return [requests.get_request(db, ref) for ref in refs]


def reconciliation(db: Session, actor: Actor, ref: str, *, days: int = 30) -> Reconciliation:
    """One request reconciled with its answers; the read (children's data: discrepancies) is
    audited with the request's reference."""
    from kintrace import audit

    view = get_request(db, actor, ref)
    result = reconcile.reconcile(db, view.id, days=days)
    audit.append(
        db,
        actor=actor.name,
        action="exchange.read",
        entity_type="exchange_request",
        entity_id=view.ref,
        details={"shown": "reconciliation", "children": result.requested},
    )
    return result


def case_history(db: Session, actor: Actor, case_id: int) -> list[RequestLine]:
    """The case's child in the agency's requests: sent, answered, discrepancies, proposals and
    what became of them (the case page shows it; the page's read is audited with the case)."""
    mine = {p.id for p in partners.list_partners(db, agency_id=actor.agency_id)}
    return history.case_history(db, case_id, partner_ids=mine)


def held_rows(db: Session, actor: Actor, ref: str) -> list[HeldRow]:
    """The request's answer rows waiting for a person (a status no rule knows, no child, a
    reference given twice); the read (the rows' names) is audited."""
    from kintrace import audit

    view = get_request(db, actor, ref)
    found = held.held_rows(db, view.id)
    audit.append(
        db,
        actor=actor.name,
        action="exchange.read",
        entity_type="exchange_request",
        entity_id=view.ref,
        details={"shown": "held rows", "rows": len(found)},
    )
    return found


def _my_row(db: Session, actor: Actor, row_id: int) -> HeldRow:
    row = held.get_row(db, row_id)
    mine = {p.id for p in partners.list_partners(db, agency_id=actor.agency_id)}
    if row.partner_id not in mine:
        raise ExchangeNotFound(f"there is no answer row {row_id}.")
    return row


def classify_row(db: Session, actor: Actor, *, row_id: int, status: str) -> int:
    """A person's status for a held row (audited); a matched row then proposes a case update,
    pending like any other. Returns the proposals made."""
    return held.classify_row(db, _my_row(db, actor, row_id), status=status, actor=actor.name)


def place_row(db: Session, actor: Actor, *, row_id: int, child_ref: str) -> int:
    """A person ties a row with no child (or a duplicated reference) to a child of its request
    (audited); with a known status it proposes a case update, pending. Returns the proposals."""
    return held.place_row(db, _my_row(db, actor, row_id), child_ref=child_ref, actor=actor.name)


def pending_proposals(db: Session, actor: Actor, ref: str | None = None) -> list[Proposal]:
    request_id = get_request(db, actor, ref).id if ref else None
    mine = {p.id for p in partners.list_partners(db, agency_id=actor.agency_id)}
    return [p for p in proposals.list_proposals(db, request_id=request_id) if p.partner_id in mine]


def decide_proposal(
    db: Session,
    actor: Actor,
    *,
    proposal_id: int,
    accept: bool,
    reviewer: object | None = None,
    policy: object | None = None,
    now: object | None = None,
) -> Proposal:
    """Accept (the case's facet moves through `kintrace.services.cases.transition`, as the
    reviewer, under the transition table) or reject a pending proposal. Audited."""
    proposal = proposals.get_proposal(db, proposal_id)
    mine = {p.id for p in partners.list_partners(db, agency_id=actor.agency_id)}
    if proposal.partner_id not in mine:
        raise ExchangeNotFound(f"there is no proposal {proposal_id}.")
    if accept:
        from datetime import UTC, datetime

        from kintrace.services import cases

        moment = now or datetime.now(UTC)
        cases.transition(
            db,
            reviewer,  # type: ignore[arg-type]
            case_id=proposal.case_id,
            facet=proposal.facet,
            to=proposal.to_state,
            note=f"answer to exchange request {proposal.request} (proposal {proposal.id})",
            place=proposal.place or "",
            on=moment.date().isoformat() if proposal.facet == "whereabouts" else "",  # type: ignore[attr-defined]
            policy=policy,  # type: ignore[arg-type]
            now=moment,  # type: ignore[arg-type]
        )
    proposals.decide(db, proposal=proposal, accepted=accept, actor=actor.name)
    return proposals.get_proposal(db, proposal_id)


def report_bytes(result: Reconciliation, *, xlsx: bool = False) -> bytes:
    """The reconciliation as a table: one row per child (reference, record, case, status, how it
    was matched, answers), then one per discrepancy. CSV (UTF-8 with BOM, formula cells
    neutralised) or XLSX."""
    import io

    header = [
        "reference",
        "source",
        "record_id",
        "case",
        "status",
        "matched_by",
        "answers",
        "discrepancy",
        "sent",
        "answered",
    ]
    table = [header]
    for line in result.children:
        table.append(
            [
                line.child_ref,
                line.source,
                line.record_id,
                str(line.case_id or ""),
                line.status or ("held" if line.answers else "unanswered"),
                line.matched_by or "",
                str(line.answers),
                "",
                "",
                "",
            ]
        )
    for d in result.discrepancies:
        table.append([d.child_ref, "", "", "", "", "", "", d.field, d.sent, d.answered])
    if xlsx:
        from openpyxl import Workbook

        from kintrace.exchange.requests import sheet_cell

        book = Workbook(write_only=True)
        ws = book.create_sheet(title=result.request[:31])
        for line_ in table:
            ws.append([sheet_cell(v) for v in line_])
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
    from kintrace.csv_export import csv_writer

    text = io.StringIO()
    csv_writer(text, lineterminator="\n").writerows(table)
    return ("\ufeff" + text.getvalue()).encode("utf-8")
