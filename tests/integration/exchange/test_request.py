"""Outbound requests (issue 13, step 2): only the agreement's fields, Russian forms beside the
originals, random references, a package the partner opens and checks without Kintrace's code,
a ledger entry. Synthetic data."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import timedelta

import pyrage
import pytest
from cryptography.hazmat.primitives import serialization
from openpyxl import load_workbook
from sqlalchemy import select

from kintrace.exchange.errors import ExchangeNotFound, ExchangeRefused
from kintrace.services import exchange as service
from kintrace.store.audit_tables import AuditEntry
from kintrace.store.engine import Store
from kintrace.store.exchange_tables import exchange_request_children, exchange_requests

from .conftest import OPERATOR, TODAY


def _send(store: Store, **kwargs: object) -> service.RequestMade:
    values: dict[str, object] = {"partner_name": "mediator", "cases": "all", "today": TODAY}
    with store.session(write=True) as db:
        return service.send_request(
            db,
            OPERATOR,
            home=store.settings.home,
            **(values | kwargs),  # type: ignore[arg-type]
        )


def _open_as_partner(made: service.RequestMade, identity: pyrage.x25519.Identity) -> dict:
    """What a mediator does with standard tools: decrypt (age), check the signature over the
    manifest with the public key alone, check every file's SHA-256."""
    plain = pyrage.decrypt(made.package, [identity])
    files = {}
    with zipfile.ZipFile(io.BytesIO(plain)) as archive:
        for name in archive.namelist():
            files[name] = archive.read(name)
    key = serialization.load_pem_public_key(files["signing-key.pem"])
    key.verify(files["manifest.sig"], files["manifest.json"])  # raises if wrong
    manifest = json.loads(files["manifest.json"])
    for name, digest in manifest["files"].items():
        assert hashlib.sha256(files[name]).hexdigest() == digest
    for line in files["SHA256SUMS"].decode().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256(files[name]).hexdigest() == digest
    return {"files": files, "manifest": manifest}


def test_a_request_is_what_the_agreement_allows_in_russian_and_original(
    exchange_store: Store, partner_identity: pyrage.x25519.Identity
) -> None:
    made = _send(exchange_store)
    opened = _open_as_partner(made, partner_identity)
    manifest = opened["manifest"]
    assert manifest["children"] == 3 and manifest["request"] == made.ref
    assert manifest["agreement"]["onward_sharing_banned"] is True
    text = opened["files"][f"{made.ref}.csv"].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:5] == ["Номер", "Фамилия", "Фамилия (оригинал)", "Имя", "Имя (оригинал)"]
    assert "Отчество" not in rows[0] and "Пол" not in rows[0]  # outside the agreement
    assert rows[0][-3:] == ["Статус", "Местонахождение сейчас", "Примечание"]
    by_original = {r[2]: r for r in rows[1:]}
    assert by_original["Білоус"][1] == "Билоус" and by_original["Білоус"][3] == "Александр"
    assert "Артемовск" in by_original["Білоус"]  # a former name, the one Russian records use
    refs = [r[0] for r in rows[1:]]
    assert len(set(refs)) == 3 and all(r.startswith("C-") for r in refs)
    assert not any(part in ref for ref in refs for part in ("f1", "f2", "f3", "family"))
    book = load_workbook(io.BytesIO(opened["files"][f"{made.ref}.xlsx"]))
    assert [c.value for c in next(book.active.iter_rows(max_row=1))] == rows[0]
    with exchange_store.session() as db:
        ledger = db.execute(select(exchange_requests)).one()
        assert ledger.ref == made.ref and ledger.children == 3 and ledger.created_by == "test"
        assert json.loads(ledger.files) == manifest["files"]
        sent = db.execute(select(exchange_request_children.c.sent)).scalars().all()
        assert len(sent) == 3 and all("patronymic" not in json.loads(s) for s in sent)
        entry = db.execute(
            select(AuditEntry).where(AuditEntry.action == "exchange.request")
        ).scalar_one()
        assert "Білоус" not in json.dumps(entry.details, ensure_ascii=False)


def test_references_are_stable_for_a_partner_across_rounds(exchange_store: Store) -> None:
    first, second = _send(exchange_store), _send(exchange_store, cases="ids=1")
    assert first.ref != second.ref
    with exchange_store.session() as db:
        c = exchange_request_children.c
        rows = db.execute(select(c.request_id, c.record_id, c.child_ref)).all()
    by_record: dict[str, set[str]] = {}
    for row in rows:
        by_record.setdefault(row.record_id, set()).add(row.child_ref)
    assert all(len(v) == 1 for v in by_record.values())


def test_a_package_for_the_partner_does_not_open_for_another(exchange_store: Store) -> None:
    made = _send(exchange_store)
    with pytest.raises(pyrage.DecryptError):
        pyrage.decrypt(made.package, [pyrage.x25519.Identity.generate()])


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"fields": ("patronymic",)}, ExchangeRefused, "outside the agreement"),
        ({"today": TODAY + timedelta(days=91)}, ExchangeRefused, "expired"),
        ({"cases": "return=returned"}, ExchangeRefused, "no child"),
        ({"cases": "colour=blue"}, ExchangeRefused, "not a filter"),
        ({"cases": None, "child_lines": ["nowhere:x1"]}, ExchangeNotFound, "no record"),
        ({"partner_name": "unknown"}, ExchangeNotFound, "no partner"),
    ],
)
def test_requests_outside_the_rules_are_refused_and_leave_no_trace(
    exchange_store: Store, kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        _send(exchange_store, **kwargs)
    with exchange_store.session() as db:
        assert db.execute(select(exchange_requests)).first() is None


def test_children_named_in_a_file(exchange_store: Store, partner_identity) -> None:  # type: ignore[no-untyped-def]
    made = _send(exchange_store, cases=None, child_lines=["# synthetic", "family-reports:f2", ""])
    assert made.children == 1
    opened = _open_as_partner(made, partner_identity)
    assert "Ковалёва" in opened["files"][f"{made.ref}.csv"].decode("utf-8-sig")
