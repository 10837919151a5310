"""Partners (mediators, counterparts) and their data-sharing agreements.

An agreement says why lists go to a partner (purpose), which fields of a child may go (`FIELDS`),
until when (the last day in force) and whether the partner may pass them on (the onward-sharing
ban, written into every package). A request is refused unless an agreement of its partner is in
force on the day and allows every field the request sends: nothing leaves outside an agreement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kintrace import audit
from kintrace.exchange.errors import ExchangeNotFound, ExchangeRefused
from kintrace.exchange.identity import parse_recipient
from kintrace.signing import key_id_of, public_key_from_pem
from kintrace.store.exchange_tables import exchange_agreements, exchange_partners

#: What an agreement may allow, in the order files list them. The exchange reference is always
#: sent (it reveals nothing); `parents` are the guardian's / reporting relative's name.
FIELDS = (
    "family_name",
    "given_name",
    "patronymic",
    "sex",
    "birth_date",
    "birth_place",
    "last_known_place",
    "parents",
)
LANGUAGES = ("ru", "uk", "en")


def now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Partner:
    id: int
    name: str
    language: str
    age_recipient: str
    verify_key_id: str | None  # set: the partner's answers must be signed with that key
    agency_id: int


@dataclass(frozen=True)
class Agreement:
    id: int
    partner_id: int
    purpose: str
    fields: tuple[str, ...]
    expires_on: date
    onward_sharing_banned: bool
    ended: bool

    def in_force(self, today: date) -> bool:
        return not self.ended and today <= self.expires_on


def parse_fields(text: str) -> tuple[str, ...]:
    wanted = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in FIELDS]
    if unknown or not wanted:
        raise ExchangeRefused(
            f"unknown field(s) {', '.join(unknown) or '(none given)'}: use a comma-separated "
            f"list of {', '.join(FIELDS)}."
        )
    return tuple(f for f in FIELDS if f in wanted)


def _partner(row: object) -> Partner:
    pem = row.verify_key_pem  # type: ignore[attr-defined]
    return Partner(
        id=row.id,  # type: ignore[attr-defined]
        name=row.name,  # type: ignore[attr-defined]
        language=row.language,  # type: ignore[attr-defined]
        age_recipient=row.age_recipient,  # type: ignore[attr-defined]
        verify_key_id=_key_id(pem) if pem else None,
        agency_id=row.agency_id,  # type: ignore[attr-defined]
    )


def _key_id(pem: str) -> str:
    from cryptography.hazmat.primitives import serialization

    key = public_key_from_pem(pem.encode("ascii"))
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return key_id_of(raw)


def add_partner(
    db: Session,
    *,
    name: str,
    age_recipient: str,
    language: str,
    verify_key_pem: bytes | None,
    agency_id: int,
    actor: str,
) -> Partner:
    name = name.strip()
    if not name or len(name) > 64:
        raise ExchangeRefused("a partner's name must be 1 to 64 characters.")
    if language not in LANGUAGES:
        raise ExchangeRefused(f"language '{language}' unknown: use one of {', '.join(LANGUAGES)}.")
    parse_recipient(age_recipient)
    pem_text = None
    if verify_key_pem is not None:
        try:
            public_key_from_pem(verify_key_pem)
        except (ValueError, TypeError):
            raise ExchangeRefused(
                "the verify key is not an Ed25519 public key in PEM (SubjectPublicKeyInfo); "
                "`openssl pkey -in KEY -pubout` writes one."
            ) from None
        pem_text = verify_key_pem.decode("ascii")
    if db.execute(select(exchange_partners.c.id).where(exchange_partners.c.name == name)).first():
        raise ExchangeRefused(f"there is already a partner named '{name}'.")
    new_id = db.execute(
        exchange_partners.insert()
        .values(
            name=name,
            language=language,
            age_recipient=age_recipient.strip(),
            verify_key_pem=pem_text,
            agency_id=agency_id,
            created_at=now_text(),
            created_by=actor,
        )
        .returning(exchange_partners.c.id)
    ).scalar_one()
    partner = get_partner(db, name)
    audit.append(
        db,
        actor=actor,
        action="exchange.partner_add",
        entity_type="exchange_partner",
        entity_id=int(new_id),
        details={"name": name, "language": language, "verify_key_id": partner.verify_key_id},
    )
    return partner


def get_partner(db: Session, name: str) -> Partner:
    row = db.execute(select(exchange_partners).where(exchange_partners.c.name == name)).first()
    if row is None:
        raise ExchangeNotFound(f"there is no partner named '{name[:64]}'.")
    return _partner(row)


def partner_by_id(db: Session, partner_id: int) -> Partner:
    row = db.execute(select(exchange_partners).where(exchange_partners.c.id == partner_id)).one()
    return _partner(row)


def verify_key_pem(db: Session, partner_id: int) -> bytes | None:
    pem = db.execute(
        select(exchange_partners.c.verify_key_pem).where(exchange_partners.c.id == partner_id)
    ).scalar_one()
    return pem.encode("ascii") if pem else None


def list_partners(db: Session, *, agency_id: int | None = None) -> list[Partner]:
    query = select(exchange_partners).order_by(exchange_partners.c.name)
    if agency_id is not None:
        query = query.where(exchange_partners.c.agency_id == agency_id)
    return [_partner(r) for r in db.execute(query)]


def _agreement(row: object) -> Agreement:
    return Agreement(
        id=row.id,  # type: ignore[attr-defined]
        partner_id=row.partner_id,  # type: ignore[attr-defined]
        purpose=row.purpose,  # type: ignore[attr-defined]
        fields=tuple(f for f in row.fields.split(",") if f),  # type: ignore[attr-defined]
        expires_on=date.fromisoformat(row.expires_on),  # type: ignore[attr-defined]
        onward_sharing_banned=bool(row.onward_sharing_banned),  # type: ignore[attr-defined]
        ended=row.ended_at is not None,  # type: ignore[attr-defined]
    )


def add_agreement(
    db: Session,
    *,
    partner: Partner,
    purpose: str,
    fields: tuple[str, ...],
    expires_on: date,
    onward_sharing_banned: bool,
    actor: str,
    today: date,
) -> Agreement:
    if not purpose.strip():
        raise ExchangeRefused("an agreement states its purpose (--purpose).")
    if expires_on < today:
        raise ExchangeRefused(f"the expiry {expires_on.isoformat()} is already past.")
    new_id = db.execute(
        exchange_agreements.insert()
        .values(
            partner_id=partner.id,
            purpose=purpose.strip(),
            fields=",".join(fields),
            expires_on=expires_on.isoformat(),
            onward_sharing_banned=onward_sharing_banned,
            created_at=now_text(),
            created_by=actor,
        )
        .returning(exchange_agreements.c.id)
    ).scalar_one()
    audit.append(
        db,
        actor=actor,
        action="exchange.agreement_add",
        entity_type="exchange_agreement",
        entity_id=int(new_id),
        details={
            "partner": partner.name,
            "fields": list(fields),
            "expires_on": expires_on.isoformat(),
            "onward_sharing_banned": onward_sharing_banned,
        },
    )
    return agreement_by_id(db, int(new_id))


def agreement_by_id(db: Session, agreement_id: int) -> Agreement:
    row = db.execute(
        select(exchange_agreements).where(exchange_agreements.c.id == agreement_id)
    ).first()
    if row is None:
        raise ExchangeNotFound(f"there is no agreement {agreement_id}.")
    return _agreement(row)


def agreements_of(db: Session, partner: Partner) -> list[Agreement]:
    rows = db.execute(
        select(exchange_agreements)
        .where(exchange_agreements.c.partner_id == partner.id)
        .order_by(exchange_agreements.c.id)
    )
    return [_agreement(r) for r in rows]


def agreement_for(
    db: Session, *, partner: Partner, fields: tuple[str, ...] | None, today: date
) -> Agreement:
    """The newest agreement of `partner` in force today that allows every one of `fields` (all
    the agreement allows when None). Refused, with the reason, when there is none."""
    agreements = agreements_of(db, partner)
    if not agreements:
        raise ExchangeRefused(
            f"partner '{partner.name}' has no data-sharing agreement: nothing can be sent to it "
            "(kintrace exchange agreement add)."
        )
    in_force = [a for a in agreements if a.in_force(today)]
    if not in_force:
        last = agreements[-1]
        raise ExchangeRefused(
            f"the agreement with '{partner.name}' expired on {last.expires_on.isoformat()} (or "
            "was ended): nothing can be sent until a new one is recorded."
        )
    for agreement in reversed(in_force):
        if fields is None or set(fields) <= set(agreement.fields):
            return agreement
    outside = sorted(set(fields or ()) - set(in_force[-1].fields))
    raise ExchangeRefused(
        f"field(s) {', '.join(outside)} are outside the agreement with '{partner.name}' "
        f"(it allows {', '.join(in_force[-1].fields)})."
    )
