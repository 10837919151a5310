"""Issue 11, finding 7 (reads): the quarantine page, /api/v1/quarantine and an import's report
show held-back rows (names, birth dates) and each writes who saw which rows to the audit log.
All names and dates are synthetic test data.
"""

from __future__ import annotations

import json
import re

from sqlalchemy import select
from tests.integration.web.conftest import csrf_of, upload

from kintrace.store.audit_tables import AuditEntry
from kintrace.store.engine import Store
from kintrace.store.registry_tables import QuarantinedRow

BODY = (
    "source,record_id,given_name,family_name,birth_date\n"
    "upload-7,u1,Іван,Петренко,2013-05-02\n"
    "upload-7,u2,Петро,Іваненко,31.02.2013\n"
).encode()


def _reads(store: Store) -> list[tuple[str, dict[str, object]]]:
    with store.session() as db:
        rows = db.execute(
            select(AuditEntry.actor, AuditEntry.details)
            .where(AuditEntry.action == "quarantine.read")
            .order_by(AuditEntry.id)
        ).all()
    return [(r.actor, json.loads(r.details)) for r in rows]


def _held_back(store: Store) -> list[int]:
    with store.session() as db:
        return list(db.execute(select(QuarantinedRow.id).order_by(QuarantinedRow.id)).scalars())


def test_finding_7_the_import_report_and_the_quarantine_page_are_audited(
    signed_in, sqlite_store: Store
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in("u-caseworker")
    token = csrf_of(client, "/import")
    _, report = upload(client, token, "synthetic.csv", BODY)
    assert report.status_code == 200 and "Validation report" in report.text  # type: ignore[attr-defined]
    held = _held_back(sqlite_store)
    assert len(held) == 1
    assert _reads(sqlite_store) == [
        ("u-caseworker", {"shown_in": "import report", "row_ids": held})
    ]

    page = client.get("/quarantine")
    assert page.status_code == 200 and "Петро" in page.text
    assert _reads(sqlite_store)[-1] == ("u-caseworker", {"shown_in": "page", "row_ids": held})
    entry = _reads(sqlite_store)[-1]
    assert "Петро" not in json.dumps(entry, ensure_ascii=False)  # ids, never the content


def test_finding_7_the_quarantine_api_is_audited_and_an_empty_list_is_not(
    signed_in, client_factory, sqlite_store: Store
) -> None:  # type: ignore[no-untyped-def]
    browser = signed_in("u-caseworker")
    token = csrf_of(browser, "/import")
    upload(browser, token, "synthetic.csv", BODY)
    page = browser.post("/account/tokens", data={"label": "loader", "csrf_token": token}).text
    api_token = re.search(r'<code class="token">(kt_[^<]+)</code>', page).group(1)  # type: ignore[union-attr]
    before = len(_reads(sqlite_store))
    script = client_factory()
    rows = script.get("/api/v1/quarantine", headers={"Authorization": f"Bearer {api_token}"})
    assert rows.status_code == 200 and [r["record_id"] for r in rows.json()] == ["u2"]
    reads = _reads(sqlite_store)
    assert len(reads) == before + 1
    assert reads[-1] == ("u-caseworker", {"shown_in": "api", "row_ids": _held_back(sqlite_store)})

    partner = signed_in("u-partner")  # sees none of them: nothing shown, nothing to audit
    assert partner.get("/quarantine").text.count('action="/quarantine/') == 0
    assert len(_reads(sqlite_store)) == before + 1
