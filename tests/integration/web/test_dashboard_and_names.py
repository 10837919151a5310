"""Issue 12, finding 3 (web part): cases, the review queue and the dashboard's short lists show
the child by name (as written, in Latin letters, birth date), ids beside it; finding 9: the
dashboard's figures (persons, cases by facet, review progress, records by kind and month) as SVG
charts with table fallbacks, from the service `kintrace status` prints too. Synthetic data."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from tests.integration.web.conftest import csrf_of

from kintrace.accounts.actors import Actor
from kintrace.accounts.roles import Role
from kintrace.services import dashboard
from kintrace.store.audit_tables import AuditEntry


def _audit(store, action: str) -> list[dict]:  # type: ignore[no-untyped-def]
    with store.session() as db:
        rows = db.execute(
            select(AuditEntry.actor, AuditEntry.details).where(AuditEntry.action == action)
        ).all()
    return [
        {"actor": a, **(json.loads(d) if isinstance(d, str) else dict(d or {}))} for a, d in rows
    ]


def test_the_review_queue_names_both_children_with_latin_form_and_birth_date(
    signed_in, review_data, sqlite_store
) -> None:  # type: ignore[no-untyped-def]
    page = signed_in("u-reviewer").get("/review").text
    row = page[page.index('<table class="queue') :]
    row = row[: row.index("</tr>", row.index("<tbody>"))]
    assert "Шевченко Марія" in row and "Shevchenko Mariia" in row and "2010-07-01" in row
    assert "Бондаренко Дарья" in row and "Bondarenko Daria" in row  # Russian: ICAO
    assert "list-a · a2" in row  # the ids stay, beside the names
    assert "Kovalchuk" not in page  # the partner's child (the cross-agency pair) is not listed
    listed = [e for e in _audit(sqlite_store, "records.list") if e["shown_on"] == "review"]
    assert listed and listed[-1]["actor"] == "u-reviewer"
    assert set(listed[-1]["records"]) == {"list-a:a2", "list-r:r2"}
    assert "Шевченко" not in json.dumps(listed, ensure_ascii=False)  # ids only, never names


def test_the_case_list_leads_with_the_childs_name_in_each_agency(signed_in, review_data) -> None:  # type: ignore[no-untyped-def]
    home = signed_in("u-caseworker").get("/cases").text
    body = home[home.index("<tbody>") :]
    assert body.index("Шевченко Марія") < body.index(f"Case {review_data['case']}")
    assert "Shevchenko Mariia" in body and "2010-07-01" in body and "list-a · a2" in body
    partner = signed_in("u-partner").get("/cases").text
    assert "Oleksandr Kovalchuk" not in partner  # written in Latin: no second Latin form
    assert "Kovalchuk Oleksandr" in partner and "Шевченко" not in partner


def test_the_dashboard_draws_the_agencys_figures_as_accessible_svg(
    signed_in, review_data, linked
) -> None:  # type: ignore[no-untyped-def]
    page = signed_in("u-analyst").get("/").text
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", page))
    # home agency: list-a (a1, a2) and list-r (r1, r2); the person P1 holds a1 and r1 (p1 is
    # the partner's and is not counted); one open case (on list-a:a2)
    assert figures["Records"] == "4" and figures["Persons"] == "1"
    assert figures["Open cases"] == "1" and figures["Pairs waiting for review"] == "1"
    charts = re.findall(r'<svg class="chart[^"]*"[^>]*role="img"[^>]*aria-label="([^"]+)"', page)
    assert len(charts) == 5  # identity, whereabouts, return; review weeks; arrivals
    assert any(label.startswith("Open cases by identity: reported 1") for label in charts)
    assert page.count("The figures as a table") == 3
    assert "style=" not in page and "<script>" not in page  # the CSP stays strict
    assert "Шевченко" not in page and "Next in the review queue" not in page  # no names here
    # sources by name, figures right-aligned under right-aligned headers
    assert '<th scope="col" class="num">Records</th>' in page
    assert '<th scope="row">list-a</th>' in page


def test_the_dashboard_lists_the_next_pairs_and_cases_by_name(signed_in, review_data) -> None:  # type: ignore[no-untyped-def]
    page = signed_in("u-admin").get("/").text
    short = page[page.index("Next in the review queue") : page.index("All open cases")]
    assert "Шевченко Марія" in short and "Бондаренко Дарья" in short
    assert f"/review/pairs/{review_data['item']}" in short
    assert f"/cases/{review_data['case']}" in short
    caseworker = signed_in("u-caseworker").get("/").text
    assert "Next in the review queue" not in caseworker and "Latest cases" in caseworker


def test_review_progress_counts_verdicts_per_week_in_the_agency(
    signed_in, review_data, seeded, sqlite_store
) -> None:  # type: ignore[no-untyped-def]
    reviewer = signed_in("u-reviewer")
    item = review_data["item"]
    token = csrf_of(reviewer, f"/review/pairs/{item}")
    claimed = reviewer.post("/review/next", data={"csrf_token": token}, follow_redirects=False)
    assert claimed.headers["location"] == f"/review/pairs/{item}"
    fencing = re.search(r'name="token" value="(\d+)"', reviewer.get(f"/review/pairs/{item}").text)
    assert fencing is not None
    r = reviewer.post(
        f"/review/pairs/{item}/decide",
        data={"csrf_token": token, "verdict": "different", "note": "", "token": fencing.group(1)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[:300]
    today = datetime.now(UTC).date()
    with sqlite_store.session() as db:
        analyst = Actor("t", agency_id=1, role=Role.ANALYST)  # an agency's figures
        partner_analyst = Actor("t", agency_id=seeded["partner_agency"], role=Role.ANALYST)
        home = dashboard.figures(db, analyst, today=today)
        partner = dashboard.figures(db, partner_analyst, today=today)
    assert home.review_weeks[-1].week == today - timedelta(days=today.weekday())
    assert home.review_weeks[-1].verdicts == {"same": 0, "different": 1, "unsure": 0}
    assert sum(w.total for w in home.review_weeks[:-1]) == 0
    assert home.decided == 1 and home.waiting == 0
    assert sum(w.total for w in partner.review_weeks) == 0
    # a week further on, the decision moves one bar to the left
    with sqlite_store.session() as db:
        later = dashboard.figures(db, analyst, today=today + timedelta(days=7))
    assert later.review_weeks[-2].verdicts["different"] == 1


def test_arrivals_by_month_and_kind_and_cases_by_facet(sqlite_store, review_data) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import update

    from kintrace.store.registry_tables import Record, Source

    with sqlite_store.session(write=True) as db:
        db.execute(update(Source).where(Source.name == "list-a").values(kind="family"))
        db.execute(update(Source).where(Source.name == "list-r").values(kind="adoption"))
        # list-r arrived three months before list-a (a quiet month between shows as empty)
        source_r = select(Source.id).where(Source.name == "list-r").scalar_subquery()
        db.execute(
            update(Record)
            .where(Record.source_id == source_r)
            .values(created_at=datetime(2026, 6, 20, tzinfo=UTC))
        )
        db.execute(
            update(Record)
            .where(Record.source_id != source_r)
            .values(created_at=datetime(2026, 9, 2, tzinfo=UTC))
        )
    with sqlite_store.session() as db:
        d = dashboard.figures(db, Actor("t", role=Role.ANALYST), today=date(2026, 9, 30))
    assert [m.month for m in d.arrivals] == ["2026-06", "2026-07", "2026-08", "2026-09"]
    assert d.kinds == ["family", "adoption"]
    assert d.arrivals[0].kinds == {"family": 0, "adoption": 2}
    assert d.arrivals[1].total == 0 and d.arrivals[3].kinds == {"family": 2, "adoption": 0}
    assert d.cases_open == 1 and d.cases_closed == 0
    assert d.cases_by_facet["identity"] == {"reported": 1, "verified": 0}
    assert d.cases_by_facet["return"]["not_started"] == 1
    assert [s.name for s in d.sources] == ["list-a", "list-r"]


def test_the_case_page_leads_with_the_childs_name(signed_in, review_data) -> None:  # type: ignore[no-untyped-def]
    """Issue 12, finding 3 on the case page itself: its heading is the case and the child's
    name, with the Latin form and birth date under it, and its records are listed by name
    with the ids under them (it said "Case 1", then "list-a · a2")."""
    page = signed_in("u-caseworker").get(f"/cases/{review_data['case']}").text
    heading = re.search(r"<h1>(.*?)</h1>", page)
    assert heading is not None and "Шевченко Марія" in heading.group(1)
    assert "Shevchenko Mariia" in page and "2010-07-01" in page
    records = page[page.index("How it joined") :]
    assert '<span class="child-name">Шевченко Марія</span>' in records
    assert '<span class="ids">list-a · a2</span>' in records


def test_each_role_gets_the_short_lists_it_works_on(sqlite_store, review_data) -> None:  # type: ignore[no-untyped-def]
    """`kintrace.services.shortlists`: pairs for the roles that give verdicts, cases for every
    role that reads them, nothing for the analyst (the dashboard renders what it is given)."""
    from kintrace.accounts.roles import Role
    from kintrace.services import shortlists

    now = datetime.now(UTC)
    got = {}
    for role in Role:
        with sqlite_store.session() as db:
            actor = Actor(name=f"u-{role.value}", role=role)  # the home agency
            lists = shortlists.for_actor(db, sqlite_store, actor, now=now)
            got[role.value] = (bool(lists.pairs), bool(lists.cases))
    assert got == {
        "admin": (True, True),
        "reviewer": (True, True),
        "caseworker": (False, True),
        "investigator": (False, True),
        "analyst": (False, False),
    }
