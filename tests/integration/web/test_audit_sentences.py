"""The audit page reads as sentences (decision 0450): each entry says who did what in the
reader's language, its details are labelled values, and the page shows no child's name. Before,
it showed the action's code ("records.read") and the details as JSON. All data is synthetic."""

from __future__ import annotations

import html
import re

from tests.integration.web.conftest import csrf_of

_BODY = re.compile(r"<tbody>(.*?)</tbody>", re.S)


def _table(page: str) -> str:
    found = _BODY.search(page)
    assert found is not None, page[:500]
    return html.unescape(found.group(1))


def _ukrainian(client) -> None:  # type: ignore[no-untyped-def]
    token = csrf_of(client, "/account")
    r = client.post("/language", data={"language": "uk", "back": "/", "csrf_token": token})
    assert r.status_code == 200


def test_audit_entries_are_sentences_with_labelled_details(  # type: ignore[no-untyped-def]
    signed_in, linked: str, review_data: dict[str, int]
) -> None:
    """A record page, a search and a pair page, then the audit page in English and Ukrainian."""
    caseworker = signed_in("u-caseworker")
    assert caseworker.get("/records/1").status_code == 200
    token = csrf_of(caseworker, "/search")
    found = caseworker.post("/search", data={"name": "Kovalchuk", "csrf_token": token})
    assert found.status_code == 200
    reviewer = signed_in("u-reviewer")
    assert reviewer.get(f"/review/pairs/{review_data['item']}").status_code == 200
    admin = signed_in("u-admin")
    english = _table(admin.get("/audit").text)
    text = re.sub(r"<[^>]+>", "", english)
    assert "u-caseworker viewed record 1." in text
    assert re.search(r"u-caseworker searched the records: \d+ found\.", text)
    assert '<a href="/records/1">1</a>' in english
    assert "u-reviewer viewed the pair list-a:a2|list-r:r2." in text
    assert "<dt>Records</dt>" in english  # the search's ids, labelled
    for code in ("records.read", "records.search", "pair.view", '{"', "record_pks"):
        assert code not in english, code
    for name in ("Kovalchuk", "Ковальчук", "Oleksandr", "Олександр"):
        assert name not in english, name  # the log holds ids, never a child's name

    _ukrainian(admin)
    ukrainian = re.sub(r"<[^>]+>", "", _table(admin.get("/audit").text))
    assert "u-caseworker: переглянуто запис 1." in ukrainian
    assert "u-reviewer: переглянуто пару list-a:a2|list-r:r2." in ukrainian
    assert "viewed" not in ukrainian and "Records" not in ukrainian
    options = admin.get("/audit").text
    assert '<option value="records.read" >Запис переглянуто</option>' in options
