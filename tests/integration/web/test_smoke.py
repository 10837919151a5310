"""Sign-in, search across scripts, record page: the main path through the workspace."""

from __future__ import annotations

import re

from tests.integration.web.conftest import csrf_of


def test_latin_search_finds_ukrainian_and_russian_cyrillic_records(signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in("u-caseworker")
    token = csrf_of(client, "/search")
    r = client.post("/search", data={"name": "Sasha Kovalchuk", "csrf_token": token})
    assert r.status_code == 200
    assert "Олександр" in r.text and "Александр" in r.text
    assert "Oleksandr" not in r.text  # the partner agency's record stays out of scope
    assert "Марія" not in r.text


def test_record_page_shows_verbatim_fields_and_is_audited(signed_in, sqlite_store) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from kintrace.store.audit_tables import AuditEntry

    client = signed_in("u-reviewer")
    token = csrf_of(client, "/search")
    r = client.post("/search", data={"name": "Ковальчук", "birth": "2012", "csrf_token": token})
    pks = sorted(set(re.findall(r'href="/records/(\d+)"', r.text)))
    assert len(pks) == 2
    page = client.get(f"/records/{pks[0]}")
    assert page.status_code == 200 and "Ковальчук" in page.text
    assert page.headers["cache-control"] == "no-store"
    with sqlite_store.session() as db:
        query = select(AuditEntry.actor, AuditEntry.entity_id)
        reads = db.execute(query.where(AuditEntry.action == "records.read")).all()
    assert ("u-reviewer", pks[0]) in [(a, e) for a, e in reads]
