"""Acceptance in a real browser: sign in with a TOTP code (enrolling first), search in Latin and
find the Cyrillic records, open a person, upload a file with a bad row and see it in quarantine,
switch the language; also at 360 px and without JavaScript. All data is synthetic."""

from __future__ import annotations

import re

import pyotp
import pytest
from tests.e2e.browser.conftest import ARTIFACTS, PASSWORD, REVIEWER_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_caseworker_journey(server: str, browser, tmp_path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # sign in: password, then enrol the second factor with the key shown under the QR code
    page.goto(f"{server}/sign-in")
    assert page.locator(".demo-banner").is_visible()
    page.get_by_label("User name").fill("e2e-caseworker")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/sign-in/enrol")
    assert page.locator("figure.qr svg").count() == 1
    _shot(page, "01-enrol")
    secret = page.locator("figure.qr code").inner_text().strip()
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Confirm").click()
    assert page.locator("ul.codes li").count() == 10
    _shot(page, "02-recovery-codes")
    page.get_by_role("link", name="I have saved them: continue").click()
    page.wait_for_url(f"{server}/")
    _shot(page, "03-dashboard")

    # search in Latin, find both Cyrillic spellings (htmx swaps the results in place)
    page.get_by_role("link", name="Search", exact=True).click()
    page.get_by_label("Name, in any script or spelling").fill("Sasha Kovalchuk")
    page.locator("form.search button").click()
    results = page.locator("#results table.results")
    results.wait_for()
    text = results.inner_text()
    assert "Олександр" in text and "Александр" in text and "Марія" not in text
    assert page.url.endswith("/search")  # no name in the address bar
    _shot(page, "04-search-latin-finds-cyrillic")

    # open a record, then its person: records side by side with the link probability
    results.get_by_role("link").first.click()
    page.get_by_role("link", name=re.compile("Person")).click()
    page.wait_for_url("**/persons/P000001")
    table = page.locator("table.side-by-side")
    assert "Олександр" in table.inner_text() and "Александр" in table.inner_text()
    assert page.locator("tr.same, tr.equivalent").count() >= 2
    assert "0.991" in page.content()
    _shot(page, "05-person")

    # upload a file with a bad row: report, then the row in quarantine
    upload = tmp_path / "synthetic-upload.csv"
    upload.write_text(
        "source,record_id,given_name,family_name,birth_date\n"
        "web-list,w1,Іван,Петренко,2013-05-02\n"
        "web-list,w2,Петро,Іваненко,2013-13-45\n",
        encoding="utf-8",
    )
    page.get_by_role("link", name="Import", exact=True).click()
    page.get_by_label("File", exact=True).set_input_files(str(upload))
    page.locator("form.stack button").click()
    # the mapping step: columns as recognised, the first rows; linking left for later here
    page.locator("table.preview").wait_for()
    page.get_by_label("Link the new records after the import").uncheck()
    page.get_by_role("button", name="Import", exact=True).click()
    report = page.locator("section.report")
    report.wait_for()
    assert "birth date" in report.inner_text()  # the column by its label
    _shot(page, "06-import-report")
    page.get_by_role("link", name="Correct the rejected rows in quarantine").click()
    rows = page.locator("details.qrow")
    assert rows.count() == 1 and "synthetic-upload.csv" in rows.first.inner_text()
    rows.first.locator("summary").click()
    _shot(page, "07-quarantine")

    # switch the language
    page.get_by_label("Language").select_option("uk")
    page.locator("header .tools form").first.get_by_role("button").click()
    assert page.locator("h1").inner_text() == "Карантин"
    assert page.locator("html").get_attribute("lang") == "uk"
    _shot(page, "08-ukrainian")
    assert errors == [], errors  # no CSP violation or script error
    context.close()


def test_reading_without_javascript_at_360px(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="uk-UA", java_script_enabled=False
    )
    page = context.new_page()
    page.goto(f"{server}/sign-in")
    page.get_by_label("Ім'я користувача").fill("e2e-reviewer")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.locator("form.stack button").click()
    page.locator("#code").fill(pyotp.TOTP(REVIEWER_SECRET).now())
    page.locator("form.stack button").click()
    page.wait_for_url(f"{server}/")
    page.goto(f"{server}/search")
    page.locator("#name").fill("Kovalchuk")
    page.locator("form.search button").click()  # a plain form post: the whole page reloads
    text = page.locator("#results").inner_text()
    assert "Олександр" in text and "Александр" in text
    _shot(page, "09-search-360px-no-javascript")
    context.close()
    wide = browser.new_context(viewport={"width": 360, "height": 740}, locale="uk-UA")
    page = wide.new_page()
    page.goto(f"{server}/sign-in")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll
    wide.close()
