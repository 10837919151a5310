"""Partners and agreements (issue 13, step 1): keys checked, agreements enforced, our age
identity private. Partner names and keys are synthetic test data."""

from __future__ import annotations

import stat
from datetime import date, timedelta
from pathlib import Path

import pyrage
import pytest
from sqlalchemy import select

from kintrace.accounts.actors import Actor
from kintrace.exchange import identity
from kintrace.exchange.errors import ExchangeNotFound, ExchangeRefused
from kintrace.exchange.partners import agreement_for
from kintrace.services import exchange as service
from kintrace.signing import load_or_create_signer
from kintrace.store.audit_tables import AuditEntry
from kintrace.store.engine import Store

TODAY = date(2026, 12, 6)
OPERATOR = Actor(name="test")


def _recipient() -> str:
    return str(pyrage.x25519.Identity.generate().to_public())


def test_partner_and_agreement_are_recorded_and_audited(store: Store, tmp_path: Path) -> None:
    pem = load_or_create_signer(tmp_path / "partner-home").public_key_pem()
    with store.session(write=True) as db:
        partner = service.add_partner(
            db, OPERATOR, name="mediator-a", age_recipient=_recipient(), verify_key_pem=pem
        )
        agreement = service.add_agreement(
            db,
            OPERATOR,
            partner_name="mediator-a",
            purpose="return of children",
            fields=service.parse_fields("given_name, family_name,birth_date"),
            expires_on=TODAY + timedelta(days=30),
            today=TODAY,
        )
    assert partner.verify_key_id is not None and len(partner.verify_key_id) == 16
    assert agreement.fields == ("family_name", "given_name", "birth_date")
    assert agreement.onward_sharing_banned
    with store.session() as db:
        actions = set(db.execute(select(AuditEntry.action)).scalars())
        assert {"exchange.partner_add", "exchange.agreement_add"} <= actions
        found = agreement_for(db, partner=partner, fields=("given_name",), today=TODAY)
        assert found.id == agreement.id


def test_requests_outside_an_agreement_are_refused(store: Store) -> None:
    with store.session(write=True) as db:
        partner = service.add_partner(db, OPERATOR, name="mediator-b", age_recipient=_recipient())
        with pytest.raises(ExchangeRefused, match="no data-sharing agreement"):
            agreement_for(db, partner=partner, fields=None, today=TODAY)
        service.add_agreement(
            db,
            OPERATOR,
            partner_name="mediator-b",
            purpose="tracing",
            fields=("family_name", "given_name"),
            expires_on=TODAY,
            today=TODAY,
        )
        with pytest.raises(ExchangeRefused, match="outside the agreement"):
            agreement_for(db, partner=partner, fields=("birth_date",), today=TODAY)
        with pytest.raises(ExchangeRefused, match="expired"):
            agreement_for(db, partner=partner, fields=None, today=TODAY + timedelta(days=1))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"age_recipient": "age1notakey"}, "not an age X25519 recipient"),
        ({"language": "de"}, "language"),
        (
            {"verify_key_pem": b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"},
            "not an Ed25519 public key",
        ),
    ],
)
def test_bad_partner_keys_are_refused(
    store: Store, change: dict[str, object], message: str
) -> None:
    values: dict[str, object] = {"name": "mediator-c", "age_recipient": _recipient()} | change
    with store.session(write=True) as db, pytest.raises(ExchangeRefused, match=message):
        service.add_partner(db, OPERATOR, **values)  # type: ignore[arg-type]


def test_another_agencys_partner_is_not_found(store: Store) -> None:
    with store.session(write=True) as db:
        service.add_partner(db, OPERATOR, name="mediator-d", age_recipient=_recipient())
        with pytest.raises(ExchangeNotFound):
            service.partner(db, Actor(name="other", agency_id=2), "mediator-d")
        assert service.list_partners(db, Actor(name="other", agency_id=2)) == []


def test_our_age_identity_is_private_and_stable(tmp_path: Path) -> None:
    recipient = service.our_recipient(tmp_path)
    path = identity.identity_path(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert service.our_recipient(tmp_path) == recipient
    assert recipient.startswith("age1") and "SECRET" not in recipient
    secret = identity.load_or_create_identity(tmp_path)
    assert pyrage.decrypt(pyrage.encrypt(b"x", [secret.to_public()]), [secret]) == b"x"
