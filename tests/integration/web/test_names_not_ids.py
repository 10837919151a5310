"""Issue finding 3 (decision 0451): the pair page's other candidates and the person page's
heading named records and persons by their internal ids; a reviewer needs the child's name,
birth date and source. Names are shown only for the reviewer's agency's records and are audited
as the other lists' are (`records.list`, ids only). All data is synthetic."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

from sqlalchemy import select

from kintrace.store.audit_tables import AuditEntry
from kintrace.store.engine import Store
from support.seed import add_link_pair, add_link_run


def _section(page: str, start: str, end: str) -> str:
    text = html.unescape(page)
    return text[text.index(start) : text.index(end, text.index(start))]


def test_other_candidates_are_named_in_scope_and_audited(  # type: ignore[no-untyped-def]
    signed_in, sqlite_store: Store, review_data: dict[str, int]
) -> None:
    with sqlite_store.session(write=True) as db:
        run = add_link_run(db, at=datetime.now(UTC))
        for other in (("list-a", "a1"), ("list-p", "p1")):  # a home and a partner candidate
            add_link_pair(
                db, run_id=run, left=("list-a", "a2"), right=other, probability=0.4,
                weight=-1.0, status="rejected",
            )  # fmt: skip
    reviewer = signed_in("u-reviewer")
    page = reviewer.get(f"/review/pairs/{review_data['item']}").text
    others = _section(page, "Other candidates of either record", "</table>")
    assert "Ковальчук Олександр" in others and "Kovalchuk Oleksandr" in others
    assert "born 2012-03-14" in others and "Шевченко Марія" in others
    assert "list-a · a1" in others  # the source and id, under the name
    assert "list-p" not in others and "Kovalchuk" not in others.replace("Kovalchuk Oleksandr", "")
    with sqlite_store.session() as db:
        listed = db.execute(
            select(AuditEntry.actor, AuditEntry.details).where(AuditEntry.action == "records.list")
        ).all()
    assert [(a, d) for a, d in listed if '"pair"' in d] == [
        ("u-reviewer", '{"records":["list-a:a1","list-a:a2"],"shown_on":"pair"}')
    ]


def test_the_person_page_is_headed_by_the_childs_name(  # type: ignore[no-untyped-def]
    signed_in, linked: str
) -> None:
    caseworker = signed_in("u-caseworker")
    page = html.unescape(caseworker.get(f"/persons/{linked}").text)
    heading = re.search(r"<h1>(.*?)</h1>\s*<p[^>]*>(.*?)</p>", page, re.S)
    assert heading is not None
    assert "Ковальчук Олександр" in heading.group(1) and linked not in heading.group(1)
    assert "Kovalchuk Oleksandr" in heading.group(2) and "born 2012-03-14" in heading.group(2)
    assert f"Person {linked}" in heading.group(2)
