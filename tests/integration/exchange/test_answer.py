"""Inbound answers (issue 13, step 3) and their bad inputs. The partner side uses pyrage, csv
and cryptography only (tests/support/exchange_partner.py). Synthetic data."""

from __future__ import annotations

import json

import pyrage
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from kintrace.exchange.errors import ExchangeNotFound, ExchangeRefused
from kintrace.services import exchange as service
from kintrace.store.audit_tables import AuditEntry
from kintrace.store.engine import Store
from kintrace.store.exchange_tables import (
    exchange_answer_rows,
    exchange_answers,
    exchange_proposals,
)
from kintrace.store.registry_tables import Source
from kintrace.store.review_tables import cases
from support.exchange_partner import answer_package, open_request

from .conftest import OPERATOR, TODAY


def _request(store: Store) -> service.RequestMade:
    with store.session(write=True) as db:
        return service.send_request(
            db,
            OPERATOR,
            home=store.settings.home,
            partner_name="mediator",
            cases="all",
            today=TODAY,
        )


def _ours(store: Store) -> str:
    return service.our_recipient(store.settings.home)


def _import(store: Store, data: bytes, request: str | None = None) -> service.AnswerImported:
    return service.import_answer(
        store, OPERATOR, home=store.settings.home, data=data, request_ref=request
    )


def _answered(store: Store, identity: pyrage.x25519.Identity) -> tuple[str, list[list[str]]]:
    ref, table = open_request(_request(store).package, identity)
    header = table[0]
    status, place = header.index("Статус"), header.index("Местонахождение сейчас")
    by_family = {row[2]: row for row in table[1:]}
    by_family["Білоус"][status] = "находится в семье опекуна"
    by_family["Білоус"][place] = "г. Таганрог"
    by_family["Ковальова"][status] = "возвращён"
    by_family["Ковальова"][0] = ""  # reference dropped: matched by name and birth date
    by_family["Ковальова"][1] = "Ковалева"
    by_family["Шевченко"][status] = "уточняется"  # held for a person
    return ref, table


def test_an_answer_is_matched_classified_entered_and_changes_no_case(
    exchange_store: Store, partner_identity: pyrage.x25519.Identity
) -> None:
    ref, table = _answered(exchange_store, partner_identity)
    done = _import(exchange_store, answer_package(table, recipient=_ours(exchange_store)))
    assert (done.request, done.rows, done.by_reference, done.by_model) == (ref, 3, 2, 1)
    assert (done.unmatched, done.held_statuses, done.proposals) == (0, 1, 2)
    with exchange_store.session() as db:
        statuses = sorted(
            (r.status or "held", r.matched_by) for r in db.execute(select(exchange_answer_rows))
        )
        assert statuses == [
            ("held", "reference"),
            ("in_family", "reference"),
            ("returned", "model"),
        ]
        kind = db.execute(select(Source.kind).where(Source.name == done.source)).scalar_one()
        assert kind == "answer"
        assert {p.state for p in db.execute(select(exchange_proposals))} == {"pending"}
        facets = {(c.whereabouts, c.return_stage) for c in db.execute(select(cases))}
        assert facets == {("unknown", "not_started")}  # nothing changed without a person
    again = _import(exchange_store, answer_package(table, recipient=_ours(exchange_store)))
    assert again.answer_id is not None  # a new encryption is a new file; the same bytes are not


def test_the_same_file_twice_changes_nothing(
    exchange_store: Store, partner_identity: pyrage.x25519.Identity
) -> None:
    _, table = _answered(exchange_store, partner_identity)
    data = answer_package(table, recipient=_ours(exchange_store))
    _import(exchange_store, data)
    assert _import(exchange_store, data).answer_id is None
    with exchange_store.session() as db:
        assert len(db.execute(select(exchange_answers)).all()) == 1


def test_rows_with_no_reference_and_no_match_and_duplicated_references_are_held(
    exchange_store: Store, partner_identity: pyrage.x25519.Identity
) -> None:
    ref, table = _answered(exchange_store, partner_identity)
    stranger = [""] * len(table[0])
    stranger[1], stranger[3] = "Неизвестная", "Анна"
    twice = list(table[1])
    twice[table[0].index("Статус")] = "не найден"
    table += [stranger, twice]
    done = _import(exchange_store, answer_package(table, recipient=_ours(exchange_store)), ref)
    assert (done.unmatched, done.duplicates) == (1, 1)
    with exchange_store.session() as db:
        rows = {r.matched_by: r for r in db.execute(select(exchange_answer_rows))}
        assert rows["none"].child_ref is None
        proposals = db.execute(select(exchange_proposals.c.answer_row_id)).scalars().all()
        assert rows["duplicate"].id not in proposals


def test_signed_answers_are_required_and_checked(
    exchange_store: Store, partner_identity: pyrage.x25519.Identity
) -> None:
    key = Ed25519PrivateKey.generate()
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with exchange_store.session(write=True) as db:
        service.add_partner(
            db,
            OPERATOR,
            name="signing-mediator",
            age_recipient=str(partner_identity.to_public()),
            verify_key_pem=pem,
        )
        service.add_agreement(
            db,
            OPERATOR,
            partner_name="signing-mediator",
            purpose="tracing",
            fields=("family_name", "given_name", "birth_date"),
            expires_on=TODAY,
            today=TODAY,
        )
        made = service.send_request(
            db,
            OPERATOR,
            home=exchange_store.settings.home,
            partner_name="signing-mediator",
            cases="all",
            today=TODAY,
        )
    ref, table = open_request(made.package, partner_identity)
    ours = _ours(exchange_store)
    with pytest.raises(ExchangeRefused, match="must be signed"):
        _import(exchange_store, answer_package(table, recipient=ours), ref)
    with pytest.raises(ExchangeRefused, match="does not verify"):
        _import(
            exchange_store,
            answer_package(table, recipient=ours, request=ref, key=Ed25519PrivateKey.generate()),
            ref,
        )
    done = _import(exchange_store, answer_package(table, recipient=ours, request=ref, key=key))
    assert done.request == ref and done.signed_by is not None and done.by_reference == 3


def test_bad_packages_are_refused_and_leave_nothing(
    exchange_store: Store, partner_identity: pyrage.x25519.Identity
) -> None:
    ref, table = _answered(exchange_store, partner_identity)
    other = str(pyrage.x25519.Identity.generate().to_public())
    with pytest.raises(ExchangeRefused, match="not encrypted to our age identity"):
        _import(exchange_store, answer_package(table, recipient=other))
    with pytest.raises(ExchangeRefused, match="not an age-encrypted"):
        _import(exchange_store, b"family_name,given_name\n")
    with pytest.raises(ExchangeNotFound, match="no request"):
        _import(
            exchange_store, answer_package(table, recipient=_ours(exchange_store)), "RQ-UNKNOWN1"
        )
    unreferenced = [table[0]] + [["", *row[1:]] for row in table[1:]]
    with pytest.raises(ExchangeNotFound, match="names no request"):
        _import(exchange_store, answer_package(unreferenced, recipient=_ours(exchange_store)))
    with exchange_store.session() as db:
        assert db.execute(select(exchange_answers)).first() is None
    plain = answer_package(table, recipient=_ours(exchange_store), zipped=False)
    assert _import(exchange_store, plain, ref).rows == 3  # a bare encrypted CSV is accepted
    with exchange_store.session() as db:
        fields = json.loads(db.execute(select(exchange_answer_rows.c.fields)).scalars().first())
        assert "ref" in fields


def test_the_requests_spreadsheet_filled_in_and_encrypted_as_it_is_is_an_answer(
    exchange_store: Store, partner_identity: pyrage.x25519.Identity
) -> None:
    """A mediator with a spreadsheet and `age` only: the request's XLSX, statuses filled in, a
    reference deleted and a birth date typed as a date, saved, encrypted as it is."""
    import io
    import zipfile
    from datetime import datetime

    from openpyxl import load_workbook

    made = _request(exchange_store)
    with zipfile.ZipFile(io.BytesIO(pyrage.decrypt(made.package, [partner_identity]))) as z:
        book = load_workbook(io.BytesIO(z.read(f"{made.ref}.xlsx")))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    status, born = header.index("Статус") + 1, header.index("Дата рождения") + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, status, "возвращен")
    sheet.cell(2, 1).value = None  # the reference deleted: matched by name and the typed date
    typed = datetime.fromisoformat(str(sheet.cell(2, born).value))
    sheet.cell(2, born, typed)
    out = io.BytesIO()
    book.save(out)
    recipient = pyrage.x25519.Recipient.from_str(_ours(exchange_store))
    done = _import(exchange_store, pyrage.encrypt(out.getvalue(), [recipient]), made.ref)
    assert (done.rows, done.by_reference, done.by_model, done.unmatched) == (3, 2, 1, 0)
    assert (done.held_statuses, done.proposals) == (0, 3)
    with exchange_store.session() as db:
        dates = [
            json.loads(r.fields).get("birth_date") for r in db.execute(select(exchange_answer_rows))
        ]
    assert typed.date().isoformat() in dates  # the typed date read as a day, not a timestamp


def test_a_person_classifies_held_statuses_and_places_rows_no_rule_could(
    exchange_store: Store, partner_identity: pyrage.x25519.Identity
) -> None:
    """Held statuses and rows tied to no child are listed for a person; classifying or placing
    one is audited and proposes a case update, pending; no case changes."""
    ref, table = _answered(exchange_store, partner_identity)
    header = table[0]
    stranger = [""] * len(header)  # Шевченко Іван, re-keyed beyond the rules' reach
    stranger[header.index("Фамилия")], stranger[header.index("Имя")] = "Шевчук", "Ян"
    stranger[header.index("Статус")] = "возвращен"
    table.append(stranger)
    _import(exchange_store, answer_package(table, recipient=_ours(exchange_store)), ref)
    with exchange_store.session(write=True) as db:
        held = service.held_rows(db, OPERATOR, ref)
        assert sorted((r.matched_by, r.status) for r in held) == [
            ("none", "returned"),
            ("reference", None),  # "уточняется": a status no rule knows
        ]
        waiting = next(r for r in held if r.status is None)
        lost = next(r for r in held if r.matched_by == "none")
        before = len(db.execute(select(exchange_proposals)).all())
        with pytest.raises(ExchangeRefused):
            service.classify_row(db, OPERATOR, row_id=waiting.id, status="somewhere")
        assert service.classify_row(db, OPERATOR, row_id=waiting.id, status="not_found") == 0
        with pytest.raises(ExchangeRefused):  # once classified, it is settled
            service.classify_row(db, OPERATOR, row_id=waiting.id, status="returned")
        with pytest.raises(ExchangeNotFound):
            service.place_row(db, OPERATOR, row_id=lost.id, child_ref="C-NOTINTHIS")
        assert service.place_row(db, OPERATOR, row_id=lost.id, child_ref=waiting.child_ref) == 1
        with pytest.raises(ExchangeRefused):
            service.place_row(db, OPERATOR, row_id=waiting.id, child_ref=waiting.child_ref)
    with exchange_store.session() as db:
        assert service.held_rows(db, OPERATOR, ref) == []
        result = service.reconciliation(db, OPERATOR, ref)
        assert (result.unmatched_rows, result.held_statuses) == (0, 0)
        assert waiting.child_ref in result.answered_twice  # not found, then returned
        assert len(db.execute(select(exchange_proposals)).all()) == before + 1
        facets = {(c.whereabouts, c.return_stage) for c in db.execute(select(cases))}
        assert facets == {("unknown", "not_started")}
        actions = [
            a
            for a in db.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars()
            if a in ("exchange.classify", "exchange.place")
        ]
        assert actions == ["exchange.classify", "exchange.place"]
