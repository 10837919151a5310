"""The administrator's pages in a real browser (issue 12, finding 6): the audit log with a
filter, "who read this child" on a person page, and adding a user on the users page; no
CSP violation or script error. Screenshots: 30-audit, 31-person-readers, 32-users.
All data is synthetic."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyotp
import pytest
from tests.e2e.browser.conftest import ARTIFACTS, PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ADMIN = "e2e-admin-pages"
ADMIN_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # test-only key


def _add_admin(home: Path) -> None:
    from kintrace.accounts.roles import Role
    from kintrace.config import load_settings
    from kintrace.store.engine import open_store
    from support.seed import add_user_with_totp

    store = open_store(load_settings(home, env={}))
    try:
        with store.session(write=True) as db:
            add_user_with_totp(
                db,
                username=ADMIN,
                password=PASSWORD,
                role=Role.ADMIN,
                secret=ADMIN_SECRET,
                at=datetime.now(UTC),
            )
    finally:
        store.close()


def test_audit_person_readers_and_users_pages(server: str, browser, e2e_home: Path) -> None:  # type: ignore[no-untyped-def]
    _add_admin(e2e_home)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{server}/sign-in")
    page.get_by_label("User name").fill(ADMIN)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.locator("#code").fill(pyotp.TOTP(ADMIN_SECRET).now())
    page.locator("form.stack button").click()
    page.wait_for_url(f"{server}/")

    page.goto(f"{server}/persons/P000001")
    page.goto(f"{server}/persons/P000001")  # the first read is now in the log
    readers = page.locator("table.readers")
    assert ADMIN in readers.inner_text() and "person page" in readers.inner_text()
    page.screenshot(path=str(ARTIFACTS / "31-person-readers.png"), full_page=True)

    page.get_by_role("link", name="Audit log", exact=True).click()
    page.get_by_label("Action").select_option("persons.read")
    page.get_by_role("button", name="Show").click()
    rows = page.locator("table.audit tbody tr")
    # each entry a sentence, not the action's code (decision 0450)
    assert rows.count() >= 2 and f"{ADMIN} viewed person P000001." in rows.first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "30-audit.png"), full_page=True)

    page.get_by_role("link", name="Users", exact=True).click()
    page.get_by_label("User name", exact=True).fill("e2e-new-reviewer")
    page.locator("#new-role").select_option("reviewer")
    page.get_by_role("button", name="Add", exact=True).click()
    assert page.locator("p.notice code.token").count() == 1
    assert "e2e-new-reviewer" in page.locator("table.users").inner_text()
    page.screenshot(path=str(ARTIFACTS / "32-users.png"), full_page=True)

    # in Ukrainian, as a bureau reads it, and on phones: no page scrolls sideways (finding 9)
    page.locator("#language").select_option("uk")
    page.locator("header form[action='/language'] button").click()
    page.goto(f"{server}/audit?action=persons.read")
    assert "Журнал аудиту" in page.content()
    assert f"{ADMIN}: переглянуто особу P000001." in page.locator("table.audit").inner_text()
    page.screenshot(path=str(ARTIFACTS / "33-audit-uk.png"), full_page=True)
    for width in (390, 360):
        page.set_viewport_size({"width": width, "height": 800})
        for name, path in (
            ("audit", "/audit?action=persons.read"),
            ("users", "/users"),
            ("person", "/persons/P000001"),
            ("formats", "/help/formats"),
        ):
            page.goto(f"{server}{path}")
            wide = page.evaluate("document.scrollingElement.scrollWidth")
            assert wide <= width, f"{name} at {width} px: the page is {wide} px wide"
            # nothing cut off inside a box that scrolls: the first rows' cells all in the window
            for cell in page.locator("main table tbody tr:nth-child(-n+2) > *").all():
                box = cell.bounding_box()
                assert box is not None and box["x"] + box["width"] <= width + 1, (name, width)
            for field in page.locator("form.filters > div").all():
                label, control = field.locator("label"), field.locator("input, select")
                if label.count() and control.count():  # each label right above its field
                    above, under = label.bounding_box(), control.bounding_box()
                    assert above and under and above["y"] < under["y"] <= above["y"] + 40
            if width == 390:
                page.screenshot(path=str(ARTIFACTS / f"34-phone-{name}-uk.png"), full_page=True)
    assert errors == [], errors
    context.close()
