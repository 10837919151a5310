"""The list exchange pages (issue 13): requests, one request's reconciliation with filters,
agency scope, no inline script or style. Synthetic data."""

from __future__ import annotations

import re
from datetime import date

import pyrage

from kintrace.accounts.actors import Actor
from kintrace.services import exchange as service
from kintrace.store.engine import Store
from kintrace.store.exchange_tables import exchange_request_children
from support.exchange_partner import answer_package, open_request

TODAY = date(2026, 12, 6)


def _exchange(store: Store, *, held: bool = False) -> str:
    partner = pyrage.x25519.Identity.generate()
    operator = Actor(name="test")
    with store.session(write=True) as db:
        service.add_partner(db, operator, name="mediator", age_recipient=str(partner.to_public()))
        service.add_agreement(db, operator, partner_name="mediator", purpose="return",
                              fields=("family_name", "given_name"), expires_on=TODAY,
                              today=TODAY)  # fmt: skip
        from sqlalchemy import select

        from kintrace.store.registry_tables import Record, Source

        keys = db.execute(
            select(Source.name, Record.record_id).join(Record, Record.source_id == Source.id)
            .where(Source.name == "list-a")
        ).all()  # fmt: skip
        made = service.send_request(db, operator, home=store.settings.home,
                                    partner_name="mediator", today=TODAY,
                                    child_lines=[f"{s}:{r}" for s, r in keys])  # fmt: skip
    ref, table = open_request(made.package, partner)
    table[1][table[0].index("Статус")] = "возвращен"
    if held:  # a status no rule knows, and a row that names no child of the request
        table[2][table[0].index("Статус")] = "см. письмо"
        stranger = [""] * len(table[0])
        stranger[table[0].index("Фамилия")], stranger[table[0].index("Имя")] = "Гнатюк", "Ян"
        table.append(stranger)
    ours = service.our_recipient(store.settings.home)
    service.import_answer(store, operator, home=store.settings.home,
                          data=answer_package(table, recipient=ours))  # fmt: skip
    return ref


def test_requests_and_reconciliation_pages(signed_in, sqlite_store: Store) -> None:  # type: ignore[no-untyped-def]
    ref = _exchange(sqlite_store)
    client = signed_in("u-caseworker")
    listing = client.get("/exchange")
    assert listing.status_code == 200 and f"/exchange/{ref}" in listing.text
    page = client.get(f"/exchange/{ref}")
    assert page.status_code == 200
    html = page.text
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None and " style=" not in html
    with sqlite_store.session() as db:
        refs = db.execute(exchange_request_children.select()).all()
    assert all(r.child_ref in html for r in refs)
    only_returned = client.get(f"/exchange/{ref}", params={"status": "returned"}).text
    shown = [r.child_ref for r in refs if r.child_ref in only_returned]
    assert len(shown) == 1
    assert client.get("/exchange/RQ-NONE").status_code == 404
    assert signed_in("u-partner").get(f"/exchange/{ref}").status_code == 404  # another agency
    assert signed_in("u-analyst").get("/exchange").status_code == 404  # names: not analysts


def test_a_childs_exchange_history_is_on_its_case_page(signed_in, sqlite_store: Store) -> None:  # type: ignore[no-untyped-def]
    """Sent (request, partner, reference), answered (status as written and classified, how it
    was matched, discrepancies) and the proposal with what became of it."""
    from datetime import UTC, datetime

    from sqlalchemy import insert, select

    from kintrace.store.review_tables import cases

    now = datetime.now(UTC)
    with sqlite_store.session(write=True) as db:
        db.execute(insert(cases).values(
            id=41, subject_source="list-a", subject_record_id="a1", opened_at=now,
            opened_by="test", identity="reported", whereabouts="unknown",
            return_stage="not_started", last_progress_at=now,
        ))  # fmt: skip
    ref = _exchange(sqlite_store)
    with sqlite_store.session() as db:
        child_ref = db.execute(
            select(exchange_request_children.c.child_ref).where(
                exchange_request_children.c.record_id == "a1"
            )
        ).scalar_one()
        proposals = service.pending_proposals(db, Actor(name="test"), ref)
    client = signed_in("u-caseworker")
    html = client.get("/cases/41").text
    history = html[html.index("exchange-history") :]
    assert f"/exchange/{ref}" in history and child_ref in history and "mediator" in history
    assert "возвращен" in history  # the status as the partner wrote it
    assert [p.case_id for p in proposals] == [41]
    history = history.split("</ol>")[0]
    assert "«возвращен» → returned" in history  # as written, as classified
    assert f"Proposal {proposals[0].id}: return → returned · pending" in history
    with sqlite_store.session(write=True) as db:
        service.decide_proposal(db, Actor(name="test"), proposal_id=proposals[0].id, accept=False)
    after = client.get("/cases/41").text
    after = after[after.index("exchange-history") :].split("</ol>")[0]
    assert f"Proposal {proposals[0].id}: return → returned · rejected by test" in after
    assert signed_in("u-partner").get("/cases/41").status_code == 404  # another agency's case


def test_rows_waiting_for_a_person_are_listed_on_the_request_page(
    signed_in, sqlite_store: Store
) -> None:  # type: ignore[no-untyped-def]
    ref = _exchange(sqlite_store, held=True)
    html = signed_in("u-caseworker").get(f"/exchange/{ref}").text
    waiting = html[html.index("Rows waiting for a person") :]
    assert "см. письмо" in waiting and "a status" in waiting  # held status, its row's child known
    assert "Гнатюк Ян" in waiting and "a child" in waiting  # no child: names as written
    assert "exchange classify" in waiting
