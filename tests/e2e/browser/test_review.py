"""Acceptance in a real browser (issue 6): a reviewer claims a pair, sees both records and the
weights, confirms it; the person and case pages and the audit log show it; a second reviewer
completes the two-person confirmation (the second one at 360 px). All data is synthetic."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import select
from tests.e2e.browser.conftest import ARTIFACTS, PAIR_REVIEWERS, PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _sign_in(browser, server: str, username: str, *, width: int = 1280):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.goto(f"{server}/sign-in")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.locator("#code").fill(pyotp.TOTP(PAIR_REVIEWERS[username]).now())
    page.locator("form.stack button").click()
    page.wait_for_url(f"{server}/")
    return context, page


def _take_next_pair(page) -> str:  # type: ignore[no-untyped-def]
    page.get_by_role("link", name="Review", exact=True).click()
    page.get_by_role("button", name="Take the next pair").click()
    page.wait_for_url("**/review/pairs/*")
    return page.url


def _confirm(page, note: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Same child").check()
    page.get_by_label("Note").fill(note)
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url("**/review?decided=*")


def _audit(home: Path) -> list[tuple[str, str]]:
    from kintrace.config import load_settings
    from kintrace.store.audit_tables import AuditEntry
    from kintrace.store.engine import open_store

    store = open_store(load_settings(home, env={}))
    try:
        with store.session() as db:
            rows = db.execute(
                select(AuditEntry.actor, AuditEntry.action).order_by(AuditEntry.id)
            ).all()
    finally:
        store.close()
    return [(str(a), str(b)) for a, b in rows]


def test_two_reviewers_confirm_a_pair(server: str, browser, e2e_home: Path) -> None:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    first_ctx, page = _sign_in(browser, server, "e2e-rev-a")
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pair_url = _take_next_pair(page)

    # both records in their own script with a Latin spelling, agreement as words, the weights
    table = page.locator("table.side-by-side.pair")
    text = table.inner_text()
    assert "family-reports · f1" in text and "camp-list · c1" in text
    assert text.count("Олександр") == 2 and "Oleksandr" in text
    assert page.locator("span.agreement-same").count() >= 3
    waterfall = page.locator("table.waterfall").inner_text()
    assert "+6.49" in waterfall and "-3.31" in waterfall and "exact" in waterfall
    assert "against" in waterfall and "for" in waterfall
    assert page.locator("table.waterfall svg.bar").count() == 4  # prior + three comparisons
    assert "0 of 2 confirmations" in page.locator(".two-person").inner_text()
    _shot(page, "review-01-pair-claimed")

    _confirm(page, "Synthetic: same name, date and place of birth.")
    assert "Decision recorded." in page.content()
    page.goto(pair_url)
    assert "1 of 2 confirmations" in page.locator(".two-person").inner_text()
    assert "awaiting" not in page.locator("form.decide").inner_text()
    _shot(page, "review-02-first-confirmation")
    # the first reviewer is never handed the same pair for the second confirmation
    page.get_by_role("link", name="Review", exact=True).click()
    page.get_by_role("button", name="Take the next pair").click()
    assert "No pair is waiting for you" in page.content()

    # the second reviewer, on a phone-sized screen, completes the confirmation
    second_ctx, phone = _sign_in(browser, server, "e2e-rev-b", width=360)
    assert _take_next_pair(phone) == pair_url
    assert "1 of 2 confirmations" in phone.locator(".two-person").inner_text()
    wide = phone.evaluate(  # what sticks out, if anything (tables scroll inside .scroll)
        "[...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > 361 && !e.closest('.scroll'))"
        ".map(e => e.tagName + '.' + e.className).slice(0, 10).join(' ')"
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360, wide
    _confirm(phone, "Synthetic: second look, same child.")
    phone.goto(pair_url)
    assert "2 of 2 confirmations" in phone.locator(".two-person").inner_text()
    assert phone.locator("h1").inner_text().endswith("confirmed")
    _shot(phone, "review-03-second-confirmation-360px")

    # the person page shows the pair confirmed; the case page the record and both decisions
    page.goto(f"{server}/persons/P000001")
    row = (
        page.locator("table")
        .nth(1)
        .locator("tr", has_text="family-reports · f1")
        .filter(has_text="camp-list · c1")
    )
    assert "confirmed" in row.inner_text()
    _shot(page, "review-04-person")
    page.get_by_role("link", name="Cases", exact=True).click()
    page.locator("table.cases a").first.click()
    page.wait_for_url("**/cases/*")
    records = page.locator("tr.how-confirmed").inner_text()
    assert "camp-list · c1" in records and "confirmed by a reviewer" in records
    timeline = page.locator("ol.timeline").inner_text()
    assert "by e2e-rev-a: same → awaiting a second reviewer" in timeline
    assert "by e2e-rev-b: same → confirmed" in timeline
    assert page.locator("ol.timeline a", has_text="Decision 2").get_attribute("href") == (
        pair_url.removeprefix(server)
    )
    assert page.locator("form.move").count() == 0  # a reviewer reads cases, moves nothing
    _shot(page, "review-05-case")
    assert errors == [], errors  # no CSP violation or script error
    first_ctx.close()
    second_ctx.close()

    # the audit log holds both verdicts, who looked at the pair, the person and the case
    entries = _audit(e2e_home)
    assert ("e2e-rev-a", "review.decide") in entries and ("e2e-rev-b", "review.decide") in entries
    for action in ("pair.view", "persons.read", "case.view"):
        assert ("e2e-rev-a", action) in entries, action
    kintrace = Path(sys.executable).with_name("kintrace")
    verified = subprocess.run(
        [str(kintrace), "--home", str(e2e_home), "audit", "verify"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
