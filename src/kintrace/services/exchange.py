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
from kintrace.exchange import answers, identity, partners, requests
from kintrace.exchange.answers import AnswerImported
from kintrace.exchange.errors import ExchangeNotFound, ExchangeRefused
from kintrace.exchange.partners import FIELDS, LANGUAGES, Agreement, Partner
from kintrace.exchange.requests import RequestMade, RequestView
from kintrace.signing import load_or_create_signer
from kintrace.store.engine import Store

__all__ = [
    "FIELDS",
    "LANGUAGES",
    "Agreement",
    "AnswerImported",
    "Partner",
    "RequestMade",
    "RequestView",
    "add_agreement",
    "add_partner",
    "agreements",
    "import_answer",
    "list_partners",
    "our_recipient",
    "parse_fields",
    "partner",
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
